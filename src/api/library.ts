import type { SolveOptions, VerifyReport } from '../core/system.ts';
import { InputError } from '../core/errors.ts';
import { getSystem, systemOf, systems } from '../systems.ts';
import type { Scenario as CnnCoopScenario, Result as CnnCoopResult } from '../cnn-coop/model.ts';
import type { Scenario as HelperCoopScenario, Result as HelperCoopResult } from '../helper-coop/model.ts';
import type { Scenario as ThreeTierScenario, Result as ThreeTierResult } from '../three-tier/model.ts';
import { resolveSolver } from './resolve.ts';
import { runSolver, type SolveOutcome } from './run.ts';
import { InvalidResultError } from './errors.ts';
import { registeredFor } from './registry.ts';

/**
 * The library API (src/index.ts re-exports it): the same pipeline as the CLI, with option names
 * instead of flags in messages. Every scenario and result is validated on the way in, every
 * result goes through the system's independent checker on the way out.
 */

export type Scenario = CnnCoopScenario | HelperCoopScenario | ThreeTierScenario;
export type Result = CnnCoopResult | HelperCoopResult | ThreeTierResult;
export type { CnnCoopScenario, CnnCoopResult, HelperCoopScenario, HelperCoopResult, ThreeTierScenario, ThreeTierResult };

export interface SystemInfo {
  name: string;
  summary: string;
  defaultAlgorithm: string;
  /** The objective results are ranked on (minimised), e.g. "totalLatencyS". */
  objective: string | null;
  hasLowerBound: boolean;
  /** Options of `generate` besides `seed`, with their defaults. */
  generateOptions: { name: string; description: string; default: number | string }[];
}

export interface AlgorithmInfo {
  system: string;
  name: string;
  description: string;
  /** The SolveOptions it honours. */
  supports: (keyof SolveOptions)[];
  /** The toolkit's own, or registered with registerAlgorithm. */
  origin: 'built-in' | 'registered';
  isDefault: boolean;
}

export interface ApiSolveOptions extends SolveOptions {
  /** Algorithm name, `exec:<program>`, or a JS/TS module path; default: the system's main one. */
  algorithm?: string;
  /** Also compute the system's proved lower bound and report it as the result's lowerBound. */
  bound?: boolean;
  /** Hard wall-time limit of an `exec:` program, ms (default 60000). */
  timeLimitMs?: number;
}

export function listSystems(): SystemInfo[] {
  return systems.map((s) => ({
    name: s.name, summary: s.summary, defaultAlgorithm: s.defaultAlgorithm, objective: s.objective?.name ?? null, hasLowerBound: !!s.lowerBound,
    generateOptions: s.generateOptions.map((o) => ({ name: o.flag, description: o.description, default: o.default })),
  }));
}

export function listAlgorithms(system?: string): AlgorithmInfo[] {
  return (system ? [getSystem(system)] : systems).flatMap((s) => [
    ...s.algorithms.map((a) => ({ system: s.name, name: a.name, description: a.description, supports: supported(a.supports), origin: 'built-in' as const, isDefault: a.name === s.defaultAlgorithm })),
    ...registeredFor(s.name).map((a) => ({ system: s.name, name: a.name, description: a.description ?? '', supports: supported(a.supports), origin: 'registered' as const, isDefault: false })),
  ]);
}

const supported = (s: Partial<Record<keyof SolveOptions, true>> | undefined) => Object.keys(s ?? {}) as (keyof SolveOptions)[];

/** The paper's default random scenario of a system; options as `mec generate <system>` flags (e.g. { devices: 12 }). */
export function generate(system: string, options: Record<string, number | string> = {}): Scenario {
  const def = getSystem(system);
  const known = new Set(['seed', ...def.generateOptions.map((o) => o.flag)]);
  for (const key of Object.keys(options)) if (!known.has(key)) throw new InputError(`unknown option (known: ${[...known].join(', ')})`, `options.${key}`);
  const full: Record<string, number | string> = { seed: options.seed ?? 1 };
  for (const o of def.generateOptions) full[o.flag] = options[o.flag] ?? o.default;
  return def.parseScenario(JSON.parse(JSON.stringify(def.generate(full))));
}

/** Validates a scenario document (an object or JSON text) of any system; throws InputError naming the bad field. */
export function parseScenario(raw: unknown): Scenario {
  const doc = typeof raw === 'string' ? parseJson(raw, 'scenario') : raw;
  return systemOf(doc, 'scenario').parseScenario(doc);
}

/** Validates a result document (an object or JSON text); throws InputError naming the bad field. */
export function parseResult(raw: unknown): Result {
  const doc = typeof raw === 'string' ? parseJson(raw, 'result') : raw;
  return systemOf(doc, 'result').parseResult(doc);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`malformed JSON: ${(e as Error).message}`, where);
  }
}

/**
 * Solves a scenario (validated first) and checks the result. Resolves to the checked result,
 * its checker report and notes; rejects with InvalidResultError when the checker rejects the
 * result (a user algorithm's mistake), SolverFailure when a user algorithm crashes or hangs,
 * InputError for bad input or an option the algorithm does not honour.
 */
export async function solve(scenario: unknown, options: ApiSolveOptions = {}): Promise<SolveOutcome<Result>> {
  const parsed = parseScenario(scenario);
  const system = getSystem(parsed.system);
  const { algorithm, timeLimitMs, ...run } = options;
  const solver = await resolveSolver(system, algorithm, { timeLimitMs });
  const outcome = await runSolver(system, solver, parsed, run, 'api');
  if (!outcome.report.ok) throw new InvalidResultError(solver.name, outcome.report);
  return outcome;
}

/** The system's independent checker: recomputes every quantity and constraint of the result. */
export function verify(scenario: unknown, result: unknown): VerifyReport {
  const s = parseScenario(scenario);
  const r = parseResult(result);
  if (r.system !== s.system) throw new InputError(`result is for ${r.system}, scenario for ${s.system}`, 'result.system');
  return getSystem(s.system).verify(s, r);
}

/** A proved lower bound on the objective of every feasible plan; null when the instance has none. */
export function lowerBound(scenario: unknown): number | null {
  const s = parseScenario(scenario);
  const system = getSystem(s.system);
  if (!system.lowerBound) throw new InputError(`${system.name} has no lower bound`, 'scenario.system');
  return system.lowerBound(s);
}
