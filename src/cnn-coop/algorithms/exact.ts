/**
 * `exact`: the proved optimum of the generalised problem (19) (every split of `allSplits` and
 * local computing, every deadline and rate floor) for small instances, by depth-first branch and
 * bound in two stages.
 *
 *  - Incumbent: the `best` local search plan (usually optimal already, so the tree only proves it).
 *  - Stage A branches on where each task runs (local or a server), tasks in decreasing order of
 *    their least stand-alone latency (big tasks decide the congestion).
 *  - Stage B: once every task has a place, the servers are independent; each server's splits are
 *    chosen by its own branch and bound, memoised by (server, task set) since the same sets recur.
 *  - Node bounds (valid for every completion): the assignment relaxation of bounds.ts with the
 *    placed tasks' options cut to their server (stage A) or split (stage B), once without deadline
 *    prices and once priced with the incumbent's deadline multipliers; the larger is used.
 *  - Feasibility pruning: if a server cannot meet its placed tasks' deadlines and rates even with
 *    each task's least time of every kind over its splits, no completion can (more tasks only take
 *    resources away).
 *  - Leaves: the exact per-server allocation (30); `allocate`'s dual value is a proved lower bound
 *    of each leaf.
 * A node is pruned when its bound is within `REL_TOL` of the incumbent. The reported lower bound is
 * the least bound over every pruned node and every leaf, so `status: "optimal"` means the plan is
 * within REL_TOL (1e-6 relative) of the optimum, proved. A task that cannot meet its deadline in
 * any placement makes the instance infeasible: the result says so and names it.
 */
import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { allocate } from '../allocation.ts';
import { precompute } from '../physics.ts';
import { taskOptions, type TaskOptions } from '../options.ts';
import { localSearch } from '../search.ts';
import { assignmentBound } from '../bounds.ts';
import { buildResult } from '../plan.ts';
import { placementOf } from './best.ts';

export const REL_TOL = 1e-6;
/** Above this many nodes the search stops and reports the plan with its proved gap. */
const NODE_LIMIT = 200_000;

export interface BranchAndBound {
  choice: number[] | null;
  latencyS: number;
  lowerBound: number;
  nodes: number;
  /** The tree was searched to the end (else the node limit stopped it). */
  complete: boolean;
}

interface ServerOptimum {
  /** Σ latency of the server's tasks at the best splits; Infinity if no split choice is feasible. */
  cost: number;
  /** Proved lower bound of that optimum. */
  lower: number;
  /** Option index per member, in member order. */
  choice: number[];
}

export function branchAndBound(tasks: TaskOptions[], N: number, start?: { choice: number[]; latencyS: number; eta: number[] }): BranchAndBound {
  const M = tasks.length;
  let incumbent = start ? [...start.choice] : null;
  let upper = start ? start.latencyS : Infinity;
  const eta = start?.eta && start.eta.some((e) => e > 0) ? start.eta : undefined;
  const biggest = (m: number) => Math.min(...tasks[m].options.map((o) => o.aloneS));
  const order = Array.from({ length: M }, (_, m) => m).sort((a, b) => biggest(b) - biggest(a));
  let closedBound = Infinity;
  let nodes = 0;
  let stopped = false;
  const tick = () => { nodes++; if (nodes > NODE_LIMIT) stopped = true; return !stopped; };
  const bound = (sub: TaskOptions[], subEta?: number[]) => {
    let b = assignmentBound(sub, N, undefined, { maxSweeps: 200 }).bound;
    if (subEta) b = Math.max(b, assignmentBound(sub, N, subEta, { maxSweeps: 200 }).bound);
    return b;
  };

  // Stage B: one server's splits for a given set of tasks, by its own branch and bound. The
  // servers of a complete stage-A assignment are independent, and the same task sets recur
  // across the tree, so each is solved once.
  const memo = new Map<string, ServerOptimum>();
  const solveServer = (n: number, members: number[]): ServerOptimum => {
    const key = `${n}:${members.join(',')}`;
    const known = memo.get(key);
    if (known) return known;
    const k = members.length;
    const optionsOn = members.map((m) => tasks[m].options.flatMap((o, c) => (o.server === n ? [c] : [])).sort((x, y) => tasks[m].options[x].aloneS - tasks[m].options[y].aloneS));
    const pick = new Array<number>(k).fill(-1);
    const subEta = eta ? members.map((m) => eta[m]) : undefined;
    let best: ServerOptimum = { cost: Infinity, lower: Infinity, choice: [] };
    let closed = Infinity;
    const rec = (i: number) => {
      if (!tick()) return;
      if (i === k) {
        const a = allocate(members.map((m, j) => tasks[m].options[pick[j]].task), { relTol: 1e-10 });
        if (!a.feasible) return;
        closed = Math.min(closed, a.dualBound);
        if (a.objective < best.cost) best = { cost: a.objective, lower: 0, choice: [...pick] };
        return;
      }
      if (i > 0) {
        const sub = members.map((m, j) => ({ ...tasks[m], localS: Infinity, options: j < i ? [tasks[m].options[pick[j]]] : optionsOn[j].map((c) => tasks[m].options[c]) }));
        const b = bound(sub, subEta);
        if (b >= best.cost * (1 - REL_TOL)) { closed = Math.min(closed, b); return; }
      }
      for (const c of optionsOn[i]) { pick[i] = c; rec(i + 1); if (stopped) return; }
    };
    rec(0);
    best.lower = Math.min(closed, best.cost);
    if (!stopped) memo.set(key, best);
    return best;
  };

  // Stage A: each task to local or a server, splits left to stage B.
  const place = new Array<number>(M).fill(-2);
  const membersOf = (n: number) => place.flatMap((p, m) => (p === n ? [m] : []));
  /** The relaxation with every placed task held to its server (any split) or to local. */
  const stageBound = () => bound(tasks.map((t, m) => (place[m] === -2 ? t
    : place[m] === -1 ? { ...t, options: [] } : { ...t, localS: Infinity, options: t.options.filter((o) => o.server === place[m]) })), eta);
  /**
   * If a server cannot serve its placed tasks even with each one's least time of every kind over
   * its splits, no split choice and no added task can: prune.
   */
  const serverMayBeFeasible = (n: number) => {
    const floor = membersOf(n).map((m) => {
      const on = tasks[m].options.filter((o) => o.server === n).map((o) => o.task);
      return { txS: Math.min(...on.map((t) => t.txS)), computeS: Math.min(...on.map((t) => t.computeS)), backhaulS: Math.min(...on.map((t) => t.backhaulS)),
        fixedS: Math.min(...on.map((t) => t.fixedS)), minAlpha: Math.min(...on.map((t) => t.minAlpha)), deadlineS: on[0].deadlineS };
    });
    return floor.length <= 1 || allocate(floor, { relTol: 1e-6 }).feasible;
  };
  const visit = (depth: number) => {
    if (!tick()) return;
    const b = stageBound();
    if (b >= upper * (1 - REL_TOL)) { closedBound = Math.min(closedBound, b); return; }
    if (depth === M) {
      let cost = 0;
      let lower = 0;
      const choice = new Array<number>(M).fill(-1);
      for (let m = 0; m < M; m++) if (place[m] === -1) { cost += tasks[m].localS; lower += tasks[m].localS; }
      for (let n = 0; n < N && Number.isFinite(cost); n++) {
        const members = membersOf(n);
        if (members.length === 0) continue;
        const opt = solveServer(n, members);
        if (stopped) return;
        cost += opt.cost;
        lower += opt.lower;
        members.forEach((m, j) => { choice[m] = opt.choice[j]; });
      }
      if (!Number.isFinite(cost)) return;
      closedBound = Math.min(closedBound, lower);
      if (cost < upper) { upper = cost; incumbent = choice; }
      return;
    }
    const m = order[depth];
    const t = tasks[m];
    const servers = [...new Set(t.options.map((o) => o.server))]
      .map((n) => ({ n, score: Math.min(...t.options.filter((o) => o.server === n).map((o) => o.aloneS)) }));
    if (Number.isFinite(t.localS)) servers.push({ n: -1, score: t.localS });
    servers.sort((x, y) => x.score - y.score);
    for (const { n } of servers) {
      place[m] = n;
      if (n < 0 || serverMayBeFeasible(n)) visit(depth + 1);
      if (stopped) break;
    }
    place[m] = -2;
  };
  visit(0);
  if (stopped) {
    // Open nodes remain: only the root bound is proved.
    const root = assignmentBound(tasks, N).bound;
    return { choice: incumbent, latencyS: upper, lowerBound: Math.min(root, upper), nodes, complete: false };
  }
  return { choice: incumbent, latencyS: upper, lowerBound: Math.min(closedBound, upper), nodes, complete: true };
}

export function solveExact(s: Scenario): Result {
  const pre = precompute(s);
  const tasks = taskOptions(s, pre);
  const N = s.servers.length;
  const plan = localSearch(tasks, N);
  const hopeless = tasks.flatMap((t, m) => (t.hopeless ? [s.devices[m].id] : []));
  if (hopeless.length > 0) {
    // No placement serves these tasks: the instance is infeasible; report the search's plan.
    return buildResult(s, pre, 'exact', placementOf(tasks, plan.choice), { kind: 'optimal' }, {
      lowerBound: null, info: { infeasibleBecause: hopeless.map((d) => `${d} misses its deadline (or rate) in every placement, even alone`) },
    });
  }
  const bb = branchAndBound(tasks, N, plan.feasible ? plan : undefined);
  if (bb.choice === null) {
    return buildResult(s, pre, 'exact', placementOf(tasks, plan.choice), { kind: 'optimal' }, {
      lowerBound: null,
      info: { nodes: bb.nodes, infeasibleBecause: bb.complete ? 'no placement meets every deadline and rate (proved by the search)' : 'no feasible placement found within the node limit' },
    });
  }
  return buildResult(s, pre, 'exact', placementOf(tasks, bb.choice), { kind: 'optimal' }, {
    lowerBound: bb.lowerBound,
    optimal: bb.complete,
    info: {
      problem: 'generalised (19): splits k = 0..K to the cloud and all at the edge, or local; its optimum is ≤ the paper\'s (k = 1..K)',
      nodes: bb.nodes, relTol: REL_TOL, proved: bb.complete,
    },
  });
}

export const exact: Algorithm<Scenario, Result> = {
  name: 'exact',
  description: 'proved optimum of (19) with every split (branch and bound, relaxation bounds, exact allocation at the leaves); small instances',
  solve: (s) => solveExact(s),
  smallOnly: { maxSize: 10, sizeOf: (s) => s.devices.length },
};
