import type { SystemDefinition } from '../core/system.ts';
import { InputError } from '../core/errors.ts';
import { getSystem, systemOf } from '../systems.ts';
import { resolveSolver } from './resolve.ts';
import { runSolver } from './run.ts';
import { SolverFailure } from './errors.ts';

/**
 * `mec compare`: a leaderboard of algorithms (built-in and user: exec:, modules) on the same
 * scenarios. One case = one algorithm on one scenario, computed by `compareCase`, a function of
 * its JSON-serialisable input alone (so cases can run anywhere, e.g. on a job queue); the
 * leaderboard is a pure aggregation of the case rows.
 */

export interface CompareCaseInput {
  /** A scenario document (validated again here). */
  scenario: unknown;
  /** Shown in tables: the file name, or "seed 3". */
  scenarioLabel: string;
  algorithm: string;
  timeBudgetMs?: number;
  /** Hard limit of an exec: solver. */
  timeLimitMs?: number;
  /** The system's proved lower bound for this scenario (scenarioBound), or null. */
  bound: number | null;
}

export type Verdict = 'valid' | 'invalid' | 'failed' | 'refused';

export interface CompareCaseRow {
  scenario: string;
  algorithm: string;
  /** valid: the checker accepted it; invalid: it rejected it; failed: crash, hang, garbage; refused: bad input (e.g. too large for it). */
  verdict: Verdict;
  status: 'optimal' | 'feasible' | 'infeasible' | null;
  /** The objective as the checker recomputes it (never the solver's own claim); null unless valid. */
  objective: number | null;
  bound: number | null;
  /** 100·(objective − bound)/|objective| for a valid plan meeting every constraint. */
  gapPct: number | null;
  solveMs: number | null;
  /** The checker's first issue, or the failure. */
  message: string | null;
}

/** The proved lower bound the gaps of one scenario are measured against. */
export function scenarioBound(scenario: unknown): number | null {
  const system = systemOf(scenario, 'scenario');
  return system.lowerBound ? system.lowerBound(system.parseScenario(scenario)) : null;
}

export async function compareCase(input: CompareCaseInput): Promise<CompareCaseRow> {
  const system: SystemDefinition = systemOf(input.scenario, input.scenarioLabel);
  const scenario = system.parseScenario(input.scenario);
  const row: CompareCaseRow = { scenario: input.scenarioLabel, algorithm: input.algorithm, verdict: 'refused', status: null, objective: null, bound: input.bound, gapPct: null, solveMs: null, message: null };
  try {
    const solver = await resolveSolver(system, input.algorithm, input.algorithm.startsWith('exec:') ? { timeLimitMs: input.timeLimitMs } : {});
    const options = input.timeBudgetMs !== undefined && solver.supports.timeBudgetMs ? { timeBudgetMs: input.timeBudgetMs } : {};
    const { result, report } = await runSolver(system, solver, scenario, options);
    row.solveMs = result.solveMs;
    row.status = result.status;
    if (!report.ok) {
      const i = report.issues[0];
      return { ...row, verdict: 'invalid', message: `${report.issues.length} issue(s), first: ${i.task ? `${i.task} ` : ''}${i.constraint}: ${i.message}` };
    }
    const objective = system.objective ? report.recomputed[system.objective.name] ?? null : null;
    const gapPct = objective !== null && input.bound !== null && result.status !== 'infeasible' && objective !== 0
      ? (100 * (objective - input.bound)) / Math.abs(objective) : null;
    return { ...row, verdict: 'valid', objective, gapPct };
  } catch (e) {
    if (e instanceof SolverFailure) return { ...row, verdict: 'failed', message: e.message };
    if (e instanceof InputError) return { ...row, verdict: 'refused', message: e.message };
    throw e;
  }
}

export interface LeaderboardRow {
  rank: number;
  algorithm: string;
  cases: number;
  valid: number;
  /** Valid plans that meet every constraint (status not infeasible). */
  feasible: number;
  /** Scenarios where it has the least objective among the feasible plans (ties count for each). */
  wins: number;
  meanGapPct: number | null;
  maxGapPct: number | null;
  meanMs: number | null;
}

/** Ranks by feasible plans (more first), then mean gap to the bound, then wins. */
export function leaderboard(rows: CompareCaseRow[]): LeaderboardRow[] {
  const feasible = (r: CompareCaseRow) => r.verdict === 'valid' && r.status !== 'infeasible' && r.objective !== null;
  const best = new Map<string, number>();
  for (const r of rows.filter(feasible)) best.set(r.scenario, Math.min(best.get(r.scenario) ?? Infinity, r.objective!));
  const names = [...new Set(rows.map((r) => r.algorithm))];
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const board = names.map((algorithm) => {
    const mine = rows.filter((r) => r.algorithm === algorithm);
    const gaps = mine.filter(feasible).map((r) => r.gapPct).filter((g): g is number => g !== null);
    return {
      rank: 0, algorithm, cases: mine.length,
      valid: mine.filter((r) => r.verdict === 'valid').length,
      feasible: mine.filter(feasible).length,
      wins: mine.filter((r) => feasible(r) && r.objective! <= best.get(r.scenario)! * (1 + 1e-9) + 1e-12).length,
      meanGapPct: mean(gaps), maxGapPct: gaps.length ? Math.max(...gaps) : null,
      meanMs: mean(mine.map((r) => r.solveMs).filter((t): t is number => t !== null)),
    };
  });
  board.sort((a, b) => b.feasible - a.feasible || (a.meanGapPct ?? Infinity) - (b.meanGapPct ?? Infinity) || b.wins - a.wins);
  board.forEach((r, i) => (r.rank = i + 1));
  return board;
}

export interface CompareRun {
  system: string;
  scenarios: { label: string; bound: number | null }[];
  cases: CompareCaseRow[];
  leaderboard: LeaderboardRow[];
}

/**
 * Every algorithm on every scenario, one case at a time (so timings do not compete), through
 * `runCase` (compareCase here; a queue's client elsewhere).
 */
export async function compare(scenarios: { label: string; scenario: unknown }[], algorithms: string[], options: { timeBudgetMs?: number; timeLimitMs?: number; bound?: boolean; onCase?: (row: CompareCaseRow, done: number, total: number) => void; runCase?: (input: CompareCaseInput) => Promise<CompareCaseRow> } = {}): Promise<CompareRun> {
  if (scenarios.length === 0) throw new InputError('no scenario to compare on', 'scenarios');
  if (algorithms.length === 0) throw new InputError('no algorithm to compare', '--algorithms');
  const system = systemOf(scenarios[0].scenario, scenarios[0].label);
  for (const s of scenarios) {
    const other = systemOf(s.scenario, s.label);
    if (other !== system) throw new InputError(`is a ${other.name} scenario, the first is ${system.name}: compare one system at a time`, `${s.label} system`);
  }
  const runCase = options.runCase ?? compareCase;
  const bounds = scenarios.map((s) => (options.bound === false ? null : scenarioBound(s.scenario)));
  const cases: CompareCaseRow[] = [];
  const total = scenarios.length * algorithms.length;
  for (const [i, s] of scenarios.entries()) {
    for (const algorithm of algorithms) {
      const row = await runCase({ scenario: s.scenario, scenarioLabel: s.label, algorithm, bound: bounds[i], timeBudgetMs: options.timeBudgetMs, timeLimitMs: options.timeLimitMs });
      cases.push(row);
      options.onCase?.(row, cases.length, total);
    }
  }
  return { system: getSystem(system.name).name, scenarios: scenarios.map((s, i) => ({ label: s.label, bound: bounds[i] })), cases, leaderboard: leaderboard(cases) };
}
