import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResultEnvelope, SolveOptions, SystemDefinition } from '../core/system.ts';
import { InputError } from '../core/errors.ts';
import { SolverFailure } from './errors.ts';
import { parseUntrustedResult } from './exec.ts';
import type { Solver } from './solver.ts';

/**
 * What a user's JS/TS module exports (default export, one or an array; or a named export
 * `algorithms`): like a built-in Algorithm plus the system it is for. `solve` may return a
 * promise (e.g. a learned policy behind an async runtime).
 */
export interface UserAlgorithm<S = any, R = any> {
  system: string;
  name: string;
  description?: string;
  supports?: Partial<Record<keyof SolveOptions, true>>;
  solve(scenario: S, options: SolveOptions): R | Promise<R>;
}

/** `./x.ts`, `../x.js`, `/abs/x.mjs`, `x.ts#name`: a module path rather than an algorithm name. */
export function isModuleSpec(spec: string): boolean {
  const path = spec.split('#')[0];
  return /^(\.{1,2}\/|\/)/.test(path) || /\.(c|m)?(j|t)s$/.test(path);
}

/** Loads the module's algorithms for `system`; `path#name` picks one when it exports several. */
export async function moduleSolver<S, R extends ResultEnvelope>(system: SystemDefinition<S, R>, spec: string): Promise<Solver<S, R>> {
  const [path, wanted] = spec.split('#');
  const file = resolvePath(path);
  if (!existsSync(file)) throw new InputError(`no such module "${path}"`, '--algorithm');
  const url = pathToFileURL(file).href;
  let mod: Record<string, unknown>;
  try {
    // TypeScript through tsx's scoped loader, so this works from plain Node as well as the CLI
    mod = /\.(c|m)?ts$/.test(file) ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url) : await import(url);
  } catch (e) {
    throw new InputError(`cannot load module "${path}": ${(e as Error).message.split('\n')[0]}`, '--algorithm');
  }
  const exported = mod.algorithms ?? mod.default;
  const list = (Array.isArray(exported) ? exported : [exported]).filter(isUserAlgorithm);
  if (list.length === 0) throw new InputError(`module "${path}" exports no algorithm (default export { system, name, solve })`, '--algorithm');
  const forSystem = list.filter((a) => a.system === system.name && (wanted === undefined || a.name === wanted));
  if (forSystem.length !== 1) {
    const found = list.map((a) => `${a.name} (${a.system})`).join(', ');
    throw new InputError(forSystem.length === 0
      ? `module "${path}" has no algorithm${wanted ? ` "${wanted}"` : ''} for ${system.name} (it exports: ${found})`
      : `module "${path}" has several algorithms for ${system.name}; pick one with ${path}#<name> (it exports: ${found})`, '--algorithm');
  }
  return userAlgorithmSolver(system, forSystem[0], spec);
}

export function isUserAlgorithm(x: unknown): x is UserAlgorithm {
  const a = x as UserAlgorithm | null;
  return typeof a === 'object' && a !== null && typeof a.name === 'string' && typeof a.system === 'string' && typeof a.solve === 'function';
}

/** A user's in-process algorithm: its result is copied through JSON and the strict result schema. */
export function userAlgorithmSolver<S, R extends ResultEnvelope>(system: SystemDefinition<S, R>, algorithm: UserAlgorithm, name = algorithm.name): Solver<S, R> {
  return {
    name,
    description: algorithm.description ?? `user algorithm ${algorithm.name}`,
    supports: algorithm.supports ?? {},
    trusted: false,
    external: false,
    run: async (scenario, options) => {
      let out: unknown;
      try {
        // a copy, so the user's code cannot alter the scenario the checker then reads
        out = await algorithm.solve(structuredClone(scenario), options);
      } catch (e) {
        throw new SolverFailure(name, `threw ${(e as Error)?.stack?.split('\n').slice(0, 2).join(' ') ?? String(e)}`);
      }
      let raw: unknown;
      try {
        raw = JSON.parse(JSON.stringify(out ?? null));
      } catch (e) {
        throw new SolverFailure(name, `returned a value that is not JSON (${(e as Error).message})`);
      }
      return parseUntrustedResult(system, name, raw);
    },
  };
}
