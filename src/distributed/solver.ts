import type { SystemDefinition } from '../core/system.ts';
import { InputError } from '../core/errors.ts';
import type { Solver } from '../api/solver.ts';
import type { Scenario } from '../three-tier/model.ts';
import type { DistributedOptions } from './run.ts';

/**
 * `mec solve --redis`: the algorithms whose independent blocks can go to `mec worker`s. Only the
 * three-tier ADMM (groups share nothing) has such a path; its result is identical to the local
 * one, and it goes through the same pipeline (bound, checker) as any other solve.
 */
type SolveDistributed = (scenario: unknown, opts: Omit<DistributedOptions, 'runId'> & { runId?: string }) => Promise<unknown>;

const paths: Record<string, Record<string, () => Promise<SolveDistributed>>> = {
  'three-tier': {
    admm: async () => {
      const { solveThreeTierDistributed } = await import('./three-tier.ts');
      return async (scenario, opts) => (await solveThreeTierDistributed(scenario as Scenario, opts)).result;
    },
  },
};

export type RedisSolveOptions = Omit<DistributedOptions, 'runId' | 'label'> & { runId?: string };

/** The solver unchanged without --redis; with it, the same solver running on the workers. */
export function distributedSolver<S>(system: SystemDefinition<S>, solver: Solver<S>, redis: RedisSolveOptions | undefined): Solver<S> {
  if (!redis) return solver;
  const load = paths[system.name]?.[solver.name];
  if (!load) {
    const known = Object.entries(paths).flatMap(([s, algs]) => Object.keys(algs).map((a) => `${s} ${a}`));
    throw new InputError(`${system.name} ${solver.name} has no distributed path (algorithms with one: ${known.join(', ')})`, '--redis');
  }
  return {
    ...solver,
    run: async (scenario, options) => {
      // a budget would cut the groups at different points on different machines: refused
      // rather than half-honoured (--workers is moot: the workers' own concurrency counts)
      if (options.timeBudgetMs !== undefined) throw new InputError('not with --redis (the groups run on the workers to convergence)', '--time-budget-ms');
      return (await load())(scenario, redis) as never;
    },
  };
}
