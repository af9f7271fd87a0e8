import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { getSystem, systems, systemOf } from '../systems.ts';
import { InputError, parseOrThrow } from '../core/errors.ts';
import { BodyError, readJson, sendBytes, sendError, sendJson } from './http.ts';
import { describeScenario } from './view/describe.ts';
import type { FigureInfo, SystemInfo } from './view/types.ts';
import type { SolverThread } from './solver-thread.ts';

/**
 * The dashboard's JSON API (paths relative to where the dashboard is mounted):
 *   GET  api/systems            systems, their algorithms and generator options
 *   POST api/generate           {system, options}          -> {scenario, summary}
 *   POST api/scenario           {text, name?}  (JSON/YAML) -> {scenario, summary}
 *   POST api/solve              {scenario, algorithm?, options?: {timeBudgetMs?, bound?}} -> {result, view, notes}
 *   GET  api/figures            the reproduced figures with their checked claims
 *   GET  figures/<system>/<file> one figure file
 * Bad input is a 400 whose body names the field, as the CLI's exit-2 message does.
 */
export interface ApiContext {
  solver: SolverThread;
  /** The folder holding figures/<system>/. */
  figuresDir: string;
  maxBodyBytes: number;
}

const generateBody = z.object({
  system: z.string(),
  options: z.record(z.string(), z.union([z.number(), z.string()])),
}).strict();
const scenarioBody = z.object({ text: z.string(), name: z.string().max(300).optional() }).strict();
const solveBody = z.object({
  scenario: z.unknown(),
  algorithm: z.string().optional(),
  options: z.object({
    timeBudgetMs: z.number().positive().max(600_000).optional(),
    /** Add the system's proved lower bound (`mec solve --bound`). */
    bound: z.boolean().optional(),
  }).strict().default({}),
}).strict();

export function systemInfos(): SystemInfo[] {
  return systems.map((s) => ({
    name: s.name,
    summary: s.summary,
    defaultAlgorithm: s.defaultAlgorithm,
    algorithms: s.algorithms.map((a) => ({ name: a.name, description: a.description, maxSize: a.smallOnly?.maxSize ?? null, timeBudget: !!a.supports?.timeBudgetMs })),
    bound: typeof s.lowerBound === 'function',
    generateOptions: s.generateOptions.map((o) => ({ ...o })),
  }));
}

/** The generator options the CLI would pass for these values (`mec generate <system> --flag v`). */
function generateOptions(systemName: string, given: Record<string, number | string>): Record<string, number | string> {
  const system = getSystem(systemName);
  const known = new Set(['seed', ...system.generateOptions.map((o) => o.flag)]);
  for (const k of Object.keys(given)) if (!known.has(k)) throw new InputError(`unknown option (known: ${[...known].join(', ')})`, `options.${k}`);
  const seed = Number(given.seed ?? 1);
  if (!Number.isInteger(seed)) throw new InputError('must be an integer', 'options.seed');
  const options: Record<string, number | string> = { seed };
  for (const o of system.generateOptions) {
    const v = given[o.flag] ?? o.default;
    if (o.type === 'string') options[o.flag] = String(v);
    else {
      const n = typeof v === 'number' ? v : Number(String(v).trim() === '' ? NaN : v);
      if (!Number.isFinite(n) || (o.type === 'int' && !Number.isInteger(n))) throw new InputError(`must be ${o.type === 'int' ? 'an integer' : 'a number'}`, `options.${o.flag}`);
      options[o.flag] = n;
    }
  }
  return options;
}

function listFigures(dir: string): FigureInfo[] {
  const out: FigureInfo[] = [];
  for (const system of systems) {
    const sysDir = join(dir, system.name);
    if (!existsSync(sysDir)) continue;
    for (const name of readdirSync(sysDir).filter((n) => n.endsWith('.json')).sort(byFigureNumber)) {
      const id = name.slice(0, -'.json'.length);
      let meta: Record<string, unknown>;
      try {
        meta = JSON.parse(readFileSync(join(sysDir, name), 'utf8'));
      } catch {
        continue; // a half-written or foreign file is not a figure
      }
      const files: FigureInfo['files'] = {};
      for (const ext of ['svg', 'png', 'csv', 'json'] as const) if (existsSync(join(sysDir, `${id}.${ext}`))) files[ext] = `figures/${system.name}/${id}.${ext}`;
      out.push({
        system: system.name, id,
        title: String(meta.title ?? id), caption: String(meta.caption ?? ''),
        runs: typeof meta.runs === 'number' ? meta.runs : null, quick: meta.quick === true,
        generatedAt: typeof meta.generatedAt === 'string' ? meta.generatedAt : null,
        claims: Array.isArray(meta.claims) ? (meta.claims as FigureInfo['claims']).map((c) => ({ claim: String(c.claim), holds: c.holds === true, detail: String(c.detail ?? '') })) : [],
        files,
      });
    }
  }
  return out;
}

/** fig2 < fig10: by the number in the id, then by name. */
function byFigureNumber(a: string, b: string): number {
  const n = (s: string) => Number(/(\d+)/.exec(s)?.[1] ?? Infinity);
  return n(a) - n(b) || a.localeCompare(b);
}

const FIGURE_TYPES: Record<string, string> = { svg: 'image/svg+xml', png: 'image/png', csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

/** Answers an API or figure request; false when the path is not one of them. */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const figure = /^\/figures\/([a-z0-9-]+)\/([A-Za-z0-9_-]+)\.(svg|png|csv|json)$/.exec(path);
  if (figure && req.method === 'GET') {
    const [, system, id, ext] = figure;
    const file = join(ctx.figuresDir, system, `${id}.${ext}`);
    if (!systems.some((s) => s.name === system) || !existsSync(file)) sendError(res, 404, 'not_found', `no figure ${system}/${id}.${ext}`);
    else sendBytes(res, 200, FIGURE_TYPES[ext], readFileSync(file), { 'cache-control': 'no-cache' });
    return true;
  }
  const route = `${req.method} ${path}`;
  try {
    switch (route) {
      case 'GET /api/systems':
        sendJson(res, 200, systemInfos());
        return true;
      case 'GET /api/figures':
        sendJson(res, 200, listFigures(ctx.figuresDir));
        return true;
      case 'POST /api/generate': {
        const body = parseOrThrow(generateBody, await readJson(req, ctx.maxBodyBytes), 'body');
        const system = getSystem(body.system);
        const scenario = system.generate(generateOptions(system.name, body.options));
        // a generated scenario must pass its own validation, as in `mec generate`
        const clean = JSON.parse(JSON.stringify(scenario));
        system.parseScenario(clean);
        sendJson(res, 200, { scenario: clean, summary: describeScenario(system.name, clean) });
        return true;
      }
      case 'POST /api/scenario': {
        const body = parseOrThrow(scenarioBody, await readJson(req, ctx.maxBodyBytes), 'body');
        const where = body.name ?? 'file';
        let raw: unknown;
        const yaml = /\.ya?ml$/i.test(body.name ?? '');
        try {
          raw = yaml ? parseYaml(body.text) : JSON.parse(body.text);
        } catch (e) {
          throw new InputError(`malformed ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`, where);
        }
        const system = systemOf(raw, where);
        system.parseScenario(raw);
        sendJson(res, 200, { scenario: raw, summary: describeScenario(system.name, raw) });
        return true;
      }
      case 'POST /api/solve': {
        const body = parseOrThrow(solveBody, await readJson(req, ctx.maxBodyBytes), 'body');
        const system = systemOf(body.scenario, 'scenario');
        const outcome = await ctx.solver.solve({ system: system.name, algorithm: body.algorithm ?? system.defaultAlgorithm, scenario: body.scenario, options: body.options });
        if (outcome.ok) sendJson(res, 200, { result: outcome.result, view: outcome.view, notes: outcome.notes });
        else sendError(res, outcome.input ? 400 : 503, outcome.input ? 'malformed' : 'unavailable', outcome.error, outcome.field);
        return true;
      }
      default:
        return false;
    }
  } catch (err) {
    if (err instanceof BodyError) sendError(res, err.status, err.code, err.message);
    else if (err instanceof InputError) sendError(res, 400, 'malformed', err.message, err.field);
    else throw err;
    return true;
  }
}
