import type { Algorithm, ResultEnvelope, SolveOptions } from '../core/system.ts';

/**
 * Whatever can produce a result for a scenario: a built-in or registered algorithm (in this
 * thread, or on its worker pool), a module loaded from a path, or an executable behind a process
 * boundary. The pipeline (run.ts) treats them alike: options check, run, checker.
 */
export interface Solver<S = any, R extends ResultEnvelope = any> {
  /** As given: `pa`, `exec:./my_solver.py`, `./my-algo.ts#greedy`. */
  name: string;
  description: string;
  supports: Partial<Record<keyof SolveOptions, true>>;
  /**
   * Whether its claims the checker cannot test (status `optimal`, a `lowerBound`) are believed.
   * Only the toolkit's own algorithms are; a user's are downgraded (trust.ts).
   */
  trusted: boolean;
  /** Whether it runs in another process (and so honours a hard time limit). */
  external: boolean;
  smallOnly?: Algorithm<S, R>['smallOnly'];
  run(scenario: S, options: SolveOptions): Promise<R>;
}

/** A pure algorithm as a Solver: `solve` in this thread, or `solveParallel` when workers > 1. */
export function algorithmSolver<S, R extends ResultEnvelope>(algorithm: Algorithm<S, R>, trusted: boolean): Solver<S, R> {
  return {
    name: algorithm.name,
    description: algorithm.description,
    supports: algorithm.supports ?? {},
    trusted,
    external: false,
    smallOnly: algorithm.smallOnly,
    run: async (scenario, options) => {
      const { workers, ...rest } = options;
      if (workers !== undefined && workers > 1 && algorithm.solveParallel) return algorithm.solveParallel(scenario, { ...rest, workers });
      return algorithm.solve(scenario, rest);
    },
  };
}
