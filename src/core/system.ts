/**
 * What every system family (cnn-coop, helper-coop, three-tier) provides, so the CLI, the
 * checker, the benchmarks and the figure runner treat them alike. Pipeline of a solve:
 *   raw JSON --parseScenario--> scenario --algorithm.solve--> result --verify--> report
 */

/** Fields every result document shares (formats.md). */
export interface ResultEnvelope {
  system: string;
  algorithm: string;
  status: 'optimal' | 'feasible' | 'infeasible';
  solveMs: number;
  /** A proved lower bound on the optimal objective, where the algorithm gives one. */
  lowerBound: number | null;
}

/**
 * Options a caller may pass to any algorithm. An algorithm honours the ones it lists in
 * `supports`; the CLI and the API refuse an option the chosen algorithm does not support.
 */
export interface SolveOptions {
  /** Stop improving after this wall time and return the best plan found so far. */
  timeBudgetMs?: number;
  /**
   * Worker threads, for an algorithm with a `solveParallel` path (1 = this thread). The result
   * must not depend on it: workers only share out independent blocks of the same computation.
   */
  workers?: number;
}

/** Flag and option names of SolveOptions, for messages (`--time-budget-ms` on the CLI). */
export const solveOptionFlags: Record<keyof SolveOptions, string> = {
  timeBudgetMs: '--time-budget-ms',
  workers: '--workers',
};

export interface Algorithm<S, R extends ResultEnvelope> {
  name: string;
  /** One line for `mec algorithms`. */
  description: string;
  /** Pure: the same scenario and options give the same result (solveMs, and a time budget's cut-off, aside). */
  solve(scenario: S, options?: SolveOptions): R;
  /** The SolveOptions this algorithm honours. */
  supports?: Partial<Record<keyof SolveOptions, true>>;
  /**
   * The same algorithm on a worker pool, used when `options.workers` > 1 (with `supports.workers`).
   * Same result as `solve`; async only because the pool is. `solve` stays the pure definition.
   */
  solveParallel?(scenario: S, options: SolveOptions & { workers: number }): Promise<R>;
  /** Whether the CLI and conformance tests should limit it to small instances. */
  smallOnly?: { maxSize: number; sizeOf: (scenario: S) => number };
}

export interface VerifyIssue {
  /** The task (device, helper, ...) concerned, when there is one. */
  task?: string;
  constraint: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  issues: VerifyIssue[];
  /** The objective values recomputed from the scenario alone (e.g. totalLatencyS). */
  recomputed: Record<string, number>;
}

export interface GenerateOption {
  /** Long flag name without dashes, e.g. "devices". */
  flag: string;
  description: string;
  default: number | string;
  type: 'int' | 'number' | 'string';
}

export interface FigurePoint {
  x: number;
  /** Sub-plot (e.g. "N = 4"), for figures with several panels. */
  panel?: string;
}

export interface FigureDefinition {
  /** e.g. "fig4"; `mec reproduce <system> fig4`. */
  id: string;
  title: string;
  /** What the paper's figure shows and which orderings it claims. */
  caption: string;
  xLabel: string;
  yLabel: string;
  points: FigurePoint[];
  /** A smaller set of points for `--quick` and the tests (defaults to `points`). */
  quickPoints?: FigurePoint[];
  defaultRuns: number;
  quickRuns: number;
  /** The scenario parameters held fixed, written next to the data. */
  params: Record<string, unknown>;
  /** Series that are ours rather than the paper's (drawn dashed). */
  addedSeries?: string[];
  logY?: boolean;
  /** Every series' value at one point for one seeded replication. */
  sample(point: FigurePoint, seed: number): Record<string, number>;
  /** The paper's claims, checked on the averaged data. */
  claims?(summary: FigureSummary): ClaimCheck[];
}

export interface SeriesPoint {
  panel: string;
  x: number;
  series: string;
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

export interface FigureSummary {
  points: SeriesPoint[];
  /** Mean of a series over all points of a panel (or all panels when panel is omitted). */
  average(series: string, panel?: string): number;
  at(series: string, x: number, panel?: string): number;
}

export interface ClaimCheck {
  claim: string;
  holds: boolean;
  detail: string;
}

export interface SystemDefinition<S = any, R extends ResultEnvelope = any> {
  name: string;
  summary: string;
  /** Validates a scenario document; throws InputError naming the bad field. */
  parseScenario(raw: unknown): S;
  /** Validates a result document (for `mec verify`); throws InputError naming the bad field. */
  parseResult(raw: unknown): R;
  generateOptions: GenerateOption[];
  /** The paper's default random scenario; `options.seed` is always present. */
  generate(options: Record<string, number | string>): S;
  algorithms: Algorithm<S, R>[];
  defaultAlgorithm: string;
  /** The independent checker: recomputes every quantity and constraint from the scenario. */
  verify(scenario: S, result: R): VerifyReport;
  /** A readable table of a result for the terminal. */
  formatResult(scenario: S, result: R): string;
  figures: FigureDefinition[];
  /**
   * A proved lower bound on the objective of every feasible plan of the scenario, independent of
   * any algorithm (`mec solve --bound`); null when none is known (e.g. a proved-infeasible
   * instance). A pure function like the algorithms.
   */
  lowerBound?(scenario: S): number | null;
  /**
   * The objective results are ranked on (`mec compare`), minimised; null for a result without
   * a plan (e.g. helper-coop's infeasible result).
   */
  objective?: { name: string; of(result: R): number | null };
  /**
   * Generate options (besides seed) for the small random instances the conformance tests run
   * every algorithm on; e.g. { devices: 8, servers: 2 }. The defaults are used where absent.
   */
  testInstance?: Record<string, number | string>;
}

export function findAlgorithm<S, R extends ResultEnvelope>(system: SystemDefinition<S, R>, name: string): Algorithm<S, R> | undefined {
  return system.algorithms.find((a) => a.name === name);
}

/** Runs an algorithm and stamps the measured wall time on the result. */
export function runAlgorithm<S, R extends ResultEnvelope>(algorithm: Algorithm<S, R>, scenario: S, options?: SolveOptions): R {
  const t0 = performance.now();
  const result = algorithm.solve(scenario, options);
  result.solveMs = performance.now() - t0;
  return result;
}
