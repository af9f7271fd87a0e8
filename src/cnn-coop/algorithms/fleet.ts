/**
 * `fleet`: `best` made to scale (issue 11) for fleets of thousands of devices on hundreds of
 * servers. Same problem (the generalised (19): any split, or local), same exact judge (the
 * per-server allocation (30)), but every step's work grows about linearly in M·N:
 *  1. Candidate options (fleet/options.ts): each task's nearest servers by whole-server latency.
 *  2. Greedy start (search.ts's greedyStart, the closed-form marginal cost).
 *  3. Improvement rounds (fleet/state.ts): every task's best move ranked by the closed-form
 *     surrogate weighted by the exact allocations' deadline multipliers, checked exactly on the
 *     one or two servers it touches (only those are re-allocated); no O(M²) swaps.
 *  4. Proved lower bound (fleet/bound.ts): the assignment relaxation's dual with per-task deadline
 *     prices, evaluated over every server and split in O(M·N·(K+2)).
 * `timeBudgetMs` bounds the wall time: improvement stops at 80 % of it (the plan is always the
 * best found, since only improving moves are taken), the bound gets what is left (at least one
 * evaluation), and the result is built from the allocations already made.
 */
import type { Algorithm, SolveOptions } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { precompute } from '../physics.ts';
import { greedyStart } from '../search.ts';
import { candidateOptions, DEFAULT_CANDIDATE_SERVERS } from '../fleet/options.ts';
import { FleetState } from '../fleet/state.ts';
import { fleetBound } from '../fleet/bound.ts';
import { fleetResult } from '../fleet/result.ts';

export interface FleetOptions extends SolveOptions {
  /** Candidate servers per task (default 8). */
  candidateServers?: number;
}

export function solveFleet(s: Scenario, options: FleetOptions = {}): Result {
  const t0 = performance.now();
  const budget = options.timeBudgetMs;
  const end = budget !== undefined ? t0 + budget : Infinity;
  const pre = precompute(s);
  const N = s.servers.length;
  const tasks = candidateOptions(s, pre, options.candidateServers ?? DEFAULT_CANDIDATE_SERVERS);
  const state = new FleetState(tasks, N, greedyStart(tasks, N));
  const startMs = performance.now() - t0;
  state.improve({ deadline: budget !== undefined ? t0 + 0.8 * budget : Infinity });
  const improveMs = performance.now() - t0 - startMs;
  const totals = state.totals();
  const hopeless = tasks.flatMap((t, m) => (t.hopeless ? [s.devices[m].id] : []));
  const bound = fleetBound(s, pre, tasks, state.choice, state.w, { deadline: end });
  // The bound is on plans that meet every deadline; next to a plan that misses some it would print
  // a meaningless gap, so it is then kept in `info` only (as `best` does).
  const boundHolds = hopeless.length === 0 && totals.violators === 0 && Number.isFinite(bound.bound);
  return fleetResult(s, pre, state, 'fleet', {
    lowerBound: boundHolds ? bound.bound : null,
    info: {
      problem: 'generalised (19): splits k = 0..K to the cloud and all at the edge, or local; the lower bound holds for the paper\'s k = 1..K too',
      lowerBoundFrom: 'assignment relaxation dual with per-task deadline prices, over every server and split (fleet/bound.ts)',
      ...(boundHolds ? {} : { relaxationBoundS: bound.bound }),
      candidateServers: options.candidateServers ?? DEFAULT_CANDIDATE_SERVERS,
      rounds: state.rounds, moves: state.moves, evaluations: state.evaluations,
      startMs, improveMs, allocationMs: state.allocationMs, boundEvaluations: bound.evaluations, boundSweeps: bound.sweeps,
      ...(budget !== undefined ? { timeBudgetMs: budget } : {}),
      ...(hopeless.length > 0 ? { hopelessTasks: hopeless } : {}),
    },
  });
}

export const fleet: Algorithm<Scenario, Result> = {
  name: 'fleet',
  description: 'ours, for fleets: greedy + ranked single moves on each task\'s nearest servers, judged by the exact allocation; proved bound over all servers',
  supports: { timeBudgetMs: true },
  solve: (s, options) => solveFleet(s, options),
};
