import { getSystem } from '../systems.ts';
import { InputError } from '../core/errors.ts';
import { algorithmSolver } from '../api/solver.ts';
import { runSolver, type RunOptions } from '../api/run.ts';
import { planView } from './view/index.ts';
import type { PlanView } from './view/types.ts';

/**
 * One solve for the dashboard: the pipeline `mec solve` uses (src/api/run.ts: options checked,
 * the algorithm run and timed, the system's bound added if asked, the result put through the
 * system's independent checker), then the plan view the page draws. Runs on the solver thread
 * (solver-thread.ts).
 *
 * Only the toolkit's own algorithms can be named: `exec:<program>` and module paths, which
 * `mec solve` accepts from the person at the terminal, would let a web request run a program.
 */
export interface SolveJob {
  id: number;
  system: string;
  algorithm: string;
  scenario: unknown;
  options: Pick<RunOptions, 'timeBudgetMs' | 'bound'>;
}

export type SolveOutcome =
  | { ok: true; result: Record<string, unknown>; view: PlanView; notes: string[] }
  | { ok: false; input: boolean; error: string; field?: string };

export async function runSolveJob(job: SolveJob): Promise<SolveOutcome> {
  try {
    const system = getSystem(job.system);
    const scenario = system.parseScenario(job.scenario);
    const algorithm = system.algorithms.find((a) => a.name === job.algorithm);
    if (!algorithm) throw new InputError(`unknown algorithm "${job.algorithm}" for ${system.name} (known: ${system.algorithms.map((a) => a.name).join(', ')})`, 'algorithm');
    const { result, report, notes } = await runSolver(system, algorithmSolver(algorithm, true), scenario, job.options, 'api');
    return { ok: true, result: result as unknown as Record<string, unknown>, view: planView(system, scenario, result, report), notes };
  } catch (err) {
    if (err instanceof InputError) return { ok: false, input: true, error: err.message, ...(err.field ? { field: err.field } : {}) };
    return { ok: false, input: false, error: (err as Error).message };
  }
}
