/**
 * `fleet`: `best` made to scale (issue 11) for fleets of thousands of devices on hundreds of
 * servers. Same problem (the generalised (19): any split, or local), same exact judge (the
 * per-server allocation (30)), but every step's work grows about linearly in M·N (docs/fleet.md):
 *  1. Candidate options (fleet/options.ts): each task's 8 nearest servers by whole-server latency.
 *  2. Greedy start (search.ts's greedyStart, the closed-form marginal cost), only to warm start:
 *  3. the assignment relaxation (fleet/bound.ts), with column generation over every server and
 *     split; its dual is the proved lower bound, its fractional solution widens each task's
 *     candidates (servers it puts ≥ 5 % on) and gives the start plan (each task's heaviest option).
 *  4. Improvement rounds (fleet/state.ts): each task's three best moves ranked by the closed-form
 *     surrogate weighted by the exact allocations' deadline multipliers, checked exactly on the
 *     one or two servers they touch (only those are re-allocated, warm started); swaps when moves
 *     stall; later rounds rank only the tasks that see a server changed.
 * `timeBudgetMs`: the relaxation stops at 40 % of it, the moves at 85 % (the plan is always the
 * best found: only improving moves are taken), and the result is built from the allocations
 * already made. The set-up (the O(M·N) rate table and the candidates) is not cut short.
 */
import type { Algorithm, SolveOptions } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { precompute } from '../physics.ts';
import { greedyStart } from '../search.ts';
import { DEFAULT_CANDIDATE_SERVERS, nearestServers, optionsOn, splitIndex, splitTable } from '../fleet/options.ts';
import type { TaskOptions } from '../options.ts';
import { FleetState } from '../fleet/state.ts';
import { fleetBound } from '../fleet/bound.ts';
import { fleetResult } from '../fleet/result.ts';
import { remember } from '../fleet/memo.ts';

export interface FleetOptions extends SolveOptions {
  /** Candidate servers per task (default 8). */
  candidateServers?: number;
}

/** The option index of (server, split index k of allSplits) in a task's options, -1 local, undefined when absent. */
function optionIndex(t: TaskOptions, server: number, k: number): number | undefined {
  if (server < 0) return Number.isFinite(t.localS) ? -1 : undefined;
  const c = t.options.findIndex((o) => o.server === server && splitIndex(o.split!) === k);
  return c < 0 ? undefined : c;
}

/** Servers a relaxation gives at least this weight are added to a task's candidates. */
const SUPPORT_WEIGHT = 0.05;

export function solveFleet(s: Scenario, options: FleetOptions = {}): Result {
  const t0 = performance.now();
  const budget = options.timeBudgetMs;
  const pre = precompute(s);
  const N = s.servers.length;
  const M = s.devices.length;
  const candidates = options.candidateServers ?? DEFAULT_CANDIDATE_SERVERS;
  const table = splitTable(s, pre);
  const tasks = s.devices.map((_, m) => optionsOn(s, pre, m, nearestServers(s, pre, table, m, candidates)));
  const greedy = greedyStart(tasks, N);
  // The relaxation first: its bound does not depend on the plan, and its fractional assignment
  // both names servers beyond a task's nearest that the optimum may need and gives a better start
  // than the greedy one (each task on its heaviest option).
  const relax = fleetBound(s, pre, tasks, greedy, new Float64Array(M).fill(1), { deadline: budget !== undefined ? t0 + 0.4 * budget : Infinity });
  const start = Int32Array.from(greedy);
  let widened = 0;
  relax.support.forEach((cols, m) => {
    const opts = tasks[m].options;
    const extra = cols.filter(([n, , x]) => n >= 0 && x >= SUPPORT_WEIGHT && !opts.some((o) => o.server === n)).map(([n]) => n);
    if (extra.length > 0) {
      const own = greedy[m] >= 0 ? opts[greedy[m]] : undefined;
      tasks[m] = optionsOn(s, pre, m, [...new Set([...opts.map((o) => o.server), ...extra])]);
      widened++;
      const back = own ? tasks[m].options.findIndex((o) => o.server === own.server && o.split!.layers === own.split!.layers && o.split!.finishAt === own.split!.finishAt) : -1;
      start[m] = back;
    }
    let heaviest: [number, number, number] | undefined;
    for (const col of cols) if (!heaviest || col[2] > heaviest[2]) heaviest = col;
    const c = heaviest ? optionIndex(tasks[m], heaviest[0], heaviest[1]) : undefined;
    if (c !== undefined) start[m] = c;
    else if (start[m] < 0 && !Number.isFinite(tasks[m].localS)) start[m] = 0;
  });
  const relaxMs = performance.now() - t0;
  const state = new FleetState(tasks, N, start);
  state.improve({ deadline: budget !== undefined ? t0 + 0.85 * budget : Infinity });
  const improveMs = performance.now() - t0 - relaxMs;
  remember(s, pre, { tasks, choice: state.choice });
  const totals = state.totals();
  const hopeless = tasks.flatMap((t, m) => (t.hopeless ? [s.devices[m].id] : []));
  // The bound is on plans that meet every deadline; next to a plan that misses some it would print
  // a meaningless gap, so it is then kept in `info` only (as `best` does).
  const boundHolds = hopeless.length === 0 && totals.violators === 0 && Number.isFinite(relax.bound);
  return fleetResult(s, pre, state, 'fleet', {
    lowerBound: boundHolds ? relax.bound : null,
    info: {
      problem: 'generalised (19): splits k = 0..K to the cloud and all at the edge, or local; the lower bound holds for the paper\'s k = 1..K too',
      lowerBoundFrom: 'assignment relaxation dual with per-task deadline prices, over every server and split (fleet/bound.ts)',
      ...(boundHolds ? {} : { relaxationBoundS: relax.bound }),
      candidateServers: candidates, widenedByRelaxation: widened,
      rounds: state.rounds, moves: state.moves, evaluations: state.evaluations,
      relaxMs, improveMs, allocationMs: state.allocationMs, swapRankingMs: state.swapMs, swapRounds: state.swapRounds, boundEvaluations: relax.evaluations, boundSweeps: relax.sweeps, boundColumnsAdded: relax.columnsAdded,
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
