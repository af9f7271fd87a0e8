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
 * `timeBudgetMs` covers the whole solve (measured from entry, on `clock`): a valid plan exists
 * from step 2 on and every later step only improves it, so each step is cut where the budget says:
 * candidates are built on fewer servers per task (at least two) when the rate so far says they
 * would not be done by 35 % of it (on the nearest only once half of it is gone), the relaxation
 * starts only before 30 % and sweeps until 40 % (skipped, the greedy plan is the start), servers
 * allocated after 80 % (60 % for the greedy plan in hand) get judge.ts's closed-form shares (O(n),
 * valid, deadlines reported as they fall), moves stop at 80 %, and the latency mode's mdo seed is
 * built only before 90 %. `info.budget` says which steps were cut. The rest (rate table, the
 * result document) is O(M·N) arithmetic without search.
 */
import type { Algorithm, SolveOptions } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { precompute } from '../physics.ts';
import { greedyStart } from '../search.ts';
import { candidatesOn, DEFAULT_CANDIDATE_SERVERS, nearestServers, splitIndex, splitTable } from '../fleet/options.ts';
import type { TaskOptions } from '../options.ts';
import { FleetState } from '../fleet/state.ts';
import { fleetBound, type FleetBound } from '../fleet/bound.ts';
import { mdoChoice, OVERLOAD_SHARE } from '../fleet/overload.ts';
import { fleetResult } from '../fleet/result.ts';
import { remember } from '../fleet/memo.ts';

export interface FleetOptions extends SolveOptions {
  /** Candidate servers per task (default 8). */
  candidateServers?: number;
  /** Milliseconds, monotone (default performance.now): the time budget is read on it; tests inject one. */
  clock?: () => number;
}

/** The option index of (server, split index k of allSplits) in a task's options, -1 local, undefined when absent. */
function optionIndex(t: TaskOptions, server: number, k: number): number | undefined {
  if (server < 0) return Number.isFinite(t.localS) ? -1 : undefined;
  const c = t.options.findIndex((o) => o.server === server && splitIndex(o.split!) === k);
  return c < 0 ? undefined : c;
}

/**
 * Fraction of the budget after which no move starts and servers get closed-form shares: the rest
 * is for the steps after (the latency mode's switch and mdo seed, the result document) and for
 * the one allocation that started just before (tens of ms on a crowded server under load).
 */
const STOP = 0.8;

/** Servers a relaxation gives at least this weight are added to a task's candidates. */
const SUPPORT_WEIGHT = 0.05;

export function solveFleet(s: Scenario, options: FleetOptions = {}): Result {
  const now = options.clock ?? (() => performance.now());
  const t0 = now();
  const budget = options.timeBudgetMs;
  const at = (fraction: number) => (budget !== undefined ? t0 + fraction * budget : Infinity);
  const cut: string[] = [];
  const pre = precompute(s);
  const N = s.servers.length;
  const M = s.devices.length;
  const candidates = options.candidateServers ?? DEFAULT_CANDIDATE_SERVERS;
  const table = splitTable(s, pre);
  const tasks: TaskOptions[] = new Array(M);
  let narrowed = 0;
  const candT0 = now();
  for (let m = 0, count = candidates; m < M; m++) {
    // Under a budget the candidates should be built by 35 % of it: projected from the rate so far,
    // fewer servers per task for the rest (options cost ∝ servers), at least two (one leaves the
    // greedy plan no choice: the nearest servers crowd); one only when half the budget is gone.
    if (budget !== undefined && count > 1 && (m & 15) === 0) {
      const t = now();
      const left = at(0.35) - t;
      const work = m === 0 ? 0 : ((t - candT0) * (M - m)) / m;
      const fit = t >= at(0.5) ? 1 : work > left ? Math.max(2, Math.floor((count * Math.max(left, 0)) / work)) : count;
      if (fit < count) {
        if (narrowed === 0) cut.push('candidates');
        count = fit;
        narrowed = M - m;
      }
    }
    tasks[m] = candidatesOn(s, pre, table, m, nearestServers(s, pre, table, m, count));
  }
  const greedy = greedyStart(tasks, N);
  const stateOpts = { clock: now, cheapAfter: at(STOP), rawLocalS: pre.localS };
  // Under a budget, a valid plan first: the greedy start, judged (on its own copy of the task
  // list: the relaxation below may widen tasks' candidates, which renumbers their options). It
  // also tells an overloaded instance early, before any time goes into the relaxation. Without a
  // budget it is not built (15 % of the CPU time at M = 1,000, N = 50): the start below is judged
  // and tells the same.
  const first = budget !== undefined ? new FleetState([...tasks], N, greedy, { ...stateOpts, cheapAfter: at(0.6) }) : undefined;
  if (first) first.cheapAfter = at(STOP); // it may become the plan improved below
  const hopelessCount = tasks.reduce((a, t) => a + (t.hopeless ? 1 : 0), 0);
  // (Closed-form shares, given when the budget is already spent, miss deadlines the exact
  // allocation keeps: no sign of overload.)
  const overloadedAt = (st: FleetState) => st.cheapAllocations === 0 && st.totals().violators + hopelessCount > OVERLOAD_SHARE * M;
  let startViolators = first ? first.totals().violators : 0;
  let overloaded = first ? overloadedAt(first) : false;
  let state = first;
  let relax: FleetBound | undefined;
  let widened = 0;
  const relaxT0 = now();
  if (!overloaded && relaxT0 < at(0.3)) {
    // The relaxation: its bound does not depend on the plan, and its fractional assignment both
    // names servers beyond a task's nearest that the optimum may need and gives a better start
    // than the greedy one (each task on its heaviest option).
    relax = fleetBound(s, pre, tasks, greedy, new Float64Array(M).fill(1), { deadline: at(0.4), clock: now });
    if (now() >= at(0.4)) cut.push('relaxation sweeps');
    const start = Int32Array.from(greedy);
    relax.support.forEach((cols, m) => {
      const opts = tasks[m].options;
      const extra = cols.filter(([n, , x]) => n >= 0 && x >= SUPPORT_WEIGHT && !opts.some((o) => o.server === n)).map(([n]) => n);
      if (extra.length > 0) {
        const own = greedy[m] >= 0 ? opts[greedy[m]] : undefined;
        tasks[m] = candidatesOn(s, pre, table, m, [...new Set([...opts.map((o) => o.server), ...extra])]);
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
    if (!first || widened > 0 || start.some((c, m) => c !== greedy[m])) {
      const second = new FleetState(tasks, N, start, stateOpts);
      if (!state || better(second.totals(), state.totals())) state = second;
      if (!first) { startViolators = second.totals().violators; overloaded = overloadedAt(second); }
    }
  } else if (!overloaded) cut.push('relaxation');
  if (!state) throw new Error('fleet: no start plan'); // unreachable: without a budget the relaxation always runs
  const relaxMs = now() - relaxT0;
  const improveT0 = now();
  if (!overloaded) state.improve({ deadline: at(STOP) });
  // Tasks late: on an overloaded instance (the start, or the deadlines-first plan, has more than
  // OVERLOAD_SHARE of them late) the latency mode (fleet/overload.ts) from the better of this plan
  // and mdo's placement; with a few late tasks only the send-back rule (a late task faster on its
  // device goes back there: the total only drops, no deadline is traded for latency). Past the
  // budget too (the judge then gives closed-form shares): a late task left the crumbs of a server
  // it was given up on would otherwise report minutes.
  let overload: Record<string, unknown> | undefined;
  const late = state.totals().violators + hopelessCount;
  let mode = 'deadlines first';
  if (overloaded || late > OVERLOAD_SHARE * M) {
    const own = state;
    own.useLatencyMode();
    const ownS = own.totals().latencyS;
    let fromMdo: FleetState | undefined;
    if (now() < at(0.9)) {
      const lt = [...state.tasks];
      fromMdo = new FleetState(lt, N, mdoChoice(s, pre, lt), { ...stateOpts, latencyMode: true });
    } else cut.push('mdo seed');
    const mdoS = fromMdo ? fromMdo.totals().latencyS : Infinity;
    const pick = fromMdo && mdoS < ownS ? fromMdo : own;
    pick.improve({ deadline: at(STOP) });
    overload = { startViolators, hopeless: hopelessCount, start: pick === own ? 'own' : 'mdo', ownStartS: ownS, mdoStartS: mdoS };
    state = pick;
    mode = 'latency (overloaded: least total latency, late tasks included)';
  } else if (late > 0) {
    state.useLatencyMode();
    mode = 'deadlines first; late tasks sent back to their devices where faster';
  }
  const improveMs = now() - improveT0;
  const firstCheap = first && state !== first ? first.cheapAllocations : 0;
  if (state.cheapAllocations + firstCheap > 0) cut.push('allocation');
  if (budget !== undefined && now() >= at(STOP)) cut.push('moves');
  remember(s, pre, { tasks: state.tasks, choice: state.choice });
  const totals = state.totals();
  const hopeless = state.tasks.flatMap((t, m) => (t.hopeless ? [s.devices[m].id] : []));
  // The bound is on plans that meet every deadline; next to a plan that misses some it would print
  // a meaningless gap, so it is then kept in `info` only (as `best` does).
  const boundHolds = relax !== undefined && hopeless.length === 0 && totals.violators === 0 && Number.isFinite(relax.bound);
  return fleetResult(s, pre, state, 'fleet', {
    lowerBound: boundHolds ? relax!.bound : null,
    info: {
      problem: 'generalised (19): splits k = 0..K to the cloud and all at the edge, or local; the lower bound holds for the paper\'s k = 1..K too',
      lowerBoundFrom: 'assignment relaxation dual with per-task deadline prices, over every server and split (fleet/bound.ts)',
      ...(boundHolds || !relax ? {} : { relaxationBoundS: relax.bound }),
      mode,
      ...(overload ? { overload } : {}),
      candidateServers: candidates, widenedByRelaxation: widened,
      rounds: state.rounds, moves: state.moves, evaluations: state.evaluations + (first && state !== first ? first.evaluations : 0),
      relaxMs, improveMs, allocationMs: state.allocationMs, swapRankingMs: state.swapMs, swapRounds: state.swapRounds,
      boundEvaluations: relax?.evaluations ?? 0, boundSweeps: relax?.sweeps ?? 0, boundColumnsAdded: relax?.columnsAdded ?? 0,
      ...(budget !== undefined ? {
        timeBudgetMs: budget,
        budget: { exhausted: cut.length > 0, cut, narrowedCandidates: narrowed, cheapAllocations: state.cheapAllocations + firstCheap },
      } : {}),
      ...(hopeless.length > 0 ? { hopelessTasks: hopeless } : {}),
    },
  });
}

/** Deadlines first (fewer tasks given up), then total latency. */
function better(a: { latencyS: number; violators: number }, b: { latencyS: number; violators: number }): boolean {
  return a.violators < b.violators || (a.violators === b.violators && a.latencyS < b.latencyS);
}

export const fleet: Algorithm<Scenario, Result> = {
  name: 'fleet',
  description: 'ours, for fleets: greedy + ranked single moves on each task\'s nearest servers, judged by the exact allocation; proved bound over all servers',
  supports: { timeBudgetMs: true },
  solve: (s, options) => solveFleet(s, options),
};
