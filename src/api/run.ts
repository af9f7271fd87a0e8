import type { ResultEnvelope, SolveOptions, SystemDefinition, VerifyReport } from '../core/system.ts';
import { solveOptionFlags } from '../core/system.ts';
import { InputError } from '../core/errors.ts';
import type { Solver } from './solver.ts';
import { refuteFalseInfeasibility, withdrawUnprovableClaims } from './trust.ts';

export interface RunOptions extends SolveOptions {
  /** Also compute the system's proved lower bound and report it as the result's lowerBound. */
  bound?: boolean;
}

export interface SolveOutcome<R extends ResultEnvelope = any> {
  /** The result, checked: `report.ok` says whether the checker accepted it. */
  result: R;
  report: VerifyReport;
  /** What was changed or withdrawn from the algorithm's own answer, one line each. */
  notes: string[];
  /** Wall time of the system's lower bound, when `bound` was asked. */
  boundMs?: number;
}

/** How option names read in messages: CLI flags, or the API's option fields. */
export type OptionNaming = 'cli' | 'api';

const optionName = (key: keyof RunOptions, naming: OptionNaming): string =>
  naming === 'api' ? `options.${key}` : key === 'bound' ? '--bound' : solveOptionFlags[key];

/**
 * Refuses options that do not apply (bad input naming the flag): a time budget or workers for an
 * algorithm that does not honour them, a bound for a system that has none, a too-large instance
 * for a small-only algorithm.
 */
export function checkOptions<S>(system: SystemDefinition<S>, solver: Solver<S>, scenario: S, options: RunOptions, naming: OptionNaming = 'cli'): void {
  const honouring = (key: keyof SolveOptions) => system.algorithms.filter((a) => a.supports?.[key]).map((a) => a.name);
  if (options.timeBudgetMs !== undefined) {
    if (!(Number.isFinite(options.timeBudgetMs) && options.timeBudgetMs > 0)) throw new InputError(`must be a number > 0, got ${options.timeBudgetMs}`, optionName('timeBudgetMs', naming));
    if (!solver.supports.timeBudgetMs) {
      throw new InputError(`${solver.name} does not honour a time budget (${system.name} algorithms that do: ${honouring('timeBudgetMs').join(', ') || 'none'}; exec: solvers get it as MEC_TIME_BUDGET_MS)`, optionName('timeBudgetMs', naming));
    }
  }
  if (options.workers !== undefined) {
    if (!(Number.isInteger(options.workers) && options.workers >= 1)) throw new InputError(`must be an integer >= 1, got ${options.workers}`, optionName('workers', naming));
    if (!solver.supports.workers) {
      throw new InputError(`${solver.name} has no worker-pool path (${system.name} algorithms with one: ${honouring('workers').join(', ') || 'none'})`, optionName('workers', naming));
    }
  }
  if (options.bound && !system.lowerBound) throw new InputError(`${system.name} has no proved lower bound`, optionName('bound', naming));
  if (solver.smallOnly && solver.smallOnly.sizeOf(scenario) > solver.smallOnly.maxSize) {
    throw new InputError(`"${solver.name}" is for small instances (size ${solver.smallOnly.sizeOf(scenario)} > ${solver.smallOnly.maxSize})`, naming === 'api' ? 'options.algorithm' : '--algorithm');
  }
}

/**
 * One solve, the same for every kind of solver: check the options, run (timing the wall clock
 * into solveMs), withdraw what a user algorithm cannot prove, add the system's bound if asked,
 * and put the result through the system's independent checker. Never throws for an invalid
 * result: the report says so and the caller decides (the CLI exits 1, the API throws).
 */
export async function runSolver<S, R extends ResultEnvelope>(system: SystemDefinition<S, R>, solver: Solver<S, R>, scenario: S, options: RunOptions = {}, naming: OptionNaming = 'cli'): Promise<SolveOutcome<R>> {
  checkOptions(system, solver, scenario, options, naming);
  const { bound: wantBound, ...solveOptions } = options;
  const t0 = performance.now();
  const result = await solver.run(scenario, solveOptions);
  result.solveMs = performance.now() - t0;
  const notes: string[] = [];
  if (!solver.trusted) {
    withdrawUnprovableClaims(result, notes);
    // user code names itself as it likes; the result says which solver produced it
    result.algorithm = solver.name;
  }
  let systemBound: { value: number | null; ms: number } | undefined;
  const bound = () => {
    if (!systemBound) {
      const b0 = performance.now();
      const value = system.lowerBound!(scenario);
      systemBound = { value, ms: performance.now() - b0 };
    }
    return systemBound.value;
  };
  if (wantBound) {
    const lb = bound();
    // both are proved bounds on the same optimum, so the larger is one too
    if (lb !== null) {
      const ownProof = result.lowerBound !== null;
      result.lowerBound = ownProof ? Math.max(result.lowerBound!, lb) : lb;
      // "optimal" without a bound of its own means optimal within the algorithm's own restricted
      // problem (helper-coop's fo and ff fix some variables); against the system's bound it is a
      // feasible plan, and saying "optimal" next to a positive gap would be a false claim
      const value = system.objective?.of(result) ?? null;
      if (!ownProof && result.status === 'optimal' && value !== null && value - lb > 1e-6 * Math.abs(value)) {
        notes.push(`reported status "feasible": "${solver.name}" is optimal for its own restricted problem, ${((100 * (value - lb)) / Math.abs(value)).toPrecision(3)} % above the system's proved bound`);
        result.status = 'feasible';
      }
    }
  }
  const report = system.verify(scenario, result);
  if (!solver.trusted) {
    const refuted = refuteFalseInfeasibility(system, scenario, result, bound);
    if (refuted) report.issues.push(refuted), (report.ok = false);
  }
  return { result, report, notes, ...(systemBound ? { boundMs: systemBound.ms } : {}) };
}
