import { compare, leaderboard, type CompareCaseInput, type CompareCaseRow, type CompareRun } from '../api/compare.ts';
import { digest, encode } from './codec.ts';
import { runDistributed, type DistributedOptions } from './run.ts';

/**
 * `mec compare --redis`: every case (one algorithm on one scenario) is a job; the leaderboard is
 * assembled here by api/compare's own `leaderboard`. `compare` runs its cases one after another
 * through `runCase`, so a first pass with a recording `runCase` collects the exact case inputs
 * (bounds included, computed once, here), the cases then run on the workers at once, and the run
 * is rebuilt with the real rows in the same order. Objectives, gaps, verdicts and ranks are those
 * of a local run; times are the workers' (comparable only between workers on like machines, one
 * job at a time each: `--concurrency 1`).
 */
export const DEFAULT_COMPARE_RUN_ID = 'compare';

export type CompareOptions = { timeBudgetMs?: number; timeLimitMs?: number; bound?: boolean };

export function caseKey(input: CompareCaseInput): string {
  return `${input.scenarioLabel}|${input.algorithm}|${digest(encode(input))}`;
}

export async function compareDistributed(scenarios: { label: string; scenario: unknown }[], algorithms: string[], options: CompareOptions,
  opts: Omit<DistributedOptions, 'runId'> & { runId?: string }): Promise<CompareRun> {
  const inputs: CompareCaseInput[] = [];
  const recorded = await compare(scenarios, algorithms, {
    ...options,
    runCase: async (input): Promise<CompareCaseRow> => {
      inputs.push(input);
      return { scenario: input.scenarioLabel, algorithm: input.algorithm, verdict: 'refused', status: null, objective: null, bound: input.bound, gapPct: null, solveMs: null, message: null };
    },
  });
  const items = inputs.map((input) => ({ kind: 'compare-case' as const, key: caseKey(input), input }));
  const { results } = await runDistributed(items, { ...opts, runId: opts.runId ?? DEFAULT_COMPARE_RUN_ID, label: opts.label ?? `compare ${items.length} case(s)` });
  const cases = items.map((it) => results.get(it.key)!);
  return { ...recorded, cases, leaderboard: leaderboard(cases) };
}
