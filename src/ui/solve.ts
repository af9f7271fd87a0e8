import { getSystem } from '../systems.ts';
import { findAlgorithm, runAlgorithm, type SolveOptions } from '../core/system.ts';
import { InputError } from '../core/errors.ts';
import { planView } from './view/index.ts';
import type { PlanView } from './view/types.ts';

/**
 * One solve for the dashboard: the same path as `mec solve` (parse the scenario, run the
 * algorithm through runAlgorithm, check the result with the system's independent checker), then
 * the plan view the page draws. Runs on the solver thread (solver-thread.ts).
 */
export interface SolveJob {
  id: number;
  system: string;
  algorithm: string;
  scenario: unknown;
  timeBudgetMs?: number;
}

export type SolveOutcome =
  | { ok: true; result: Record<string, unknown>; view: PlanView }
  | { ok: false; input: boolean; error: string; field?: string };

export function runSolveJob(job: SolveJob): SolveOutcome {
  try {
    const system = getSystem(job.system);
    const scenario = system.parseScenario(job.scenario);
    const algorithm = findAlgorithm(system, job.algorithm);
    if (!algorithm) throw new InputError(`unknown algorithm "${job.algorithm}" for ${system.name} (known: ${system.algorithms.map((a) => a.name).join(', ')})`, 'algorithm');
    if (algorithm.smallOnly && algorithm.smallOnly.sizeOf(scenario) > algorithm.smallOnly.maxSize) {
      throw new InputError(`"${algorithm.name}" is for small instances (size ${algorithm.smallOnly.sizeOf(scenario)} > ${algorithm.smallOnly.maxSize})`, 'algorithm');
    }
    const options: SolveOptions = {};
    if (job.timeBudgetMs !== undefined) {
      if (!algorithm.supports?.timeBudgetMs) throw new InputError(`"${algorithm.name}" does not take a time budget`, 'timeBudgetMs');
      options.timeBudgetMs = job.timeBudgetMs;
    }
    const result = runAlgorithm(algorithm, scenario, options);
    const report = system.verify(scenario, result);
    return { ok: true, result: result as unknown as Record<string, unknown>, view: planView(system, scenario, result, report) };
  } catch (err) {
    if (err instanceof InputError) return { ok: false, input: true, error: err.message, ...(err.field ? { field: err.field } : {}) };
    return { ok: false, input: false, error: (err as Error).message };
  }
}
