/**
 * `exact`: the proved optimum of the generalised problem (19) (every split of `allSplits` and
 * local computing, every deadline and rate floor) for small instances, by depth-first branch and
 * bound over task placements.
 *
 *  - Incumbent: the `best` local search plan (usually optimal already, so the tree only proves it).
 *  - Branching: tasks in decreasing order of their least stand-alone latency (big tasks decide the
 *    congestion); children in increasing order of the closed-form marginal cost of the option.
 *  - Node bound (valid for every completion): the assignment relaxation of bounds.ts with the
 *    placed tasks' option lists cut to their choice, once without deadline prices and once priced
 *    with the incumbent's deadline multipliers; the larger is used.
 *  - Feasibility pruning: when a task joins a server, the placed tasks of that server are
 *    allocated exactly; if they cannot all meet their deadlines and rates, no completion can
 *    (more tasks only take resources away).
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

export function branchAndBound(tasks: TaskOptions[], N: number, start?: { choice: number[]; latencyS: number; eta: number[] }): BranchAndBound {
  const M = tasks.length;
  let incumbent = start ? [...start.choice] : null;
  let upper = start ? start.latencyS : Infinity;
  const eta = start?.eta;
  const order = Array.from({ length: M }, (_, m) => m)
    .sort((a, b) => Math.min(...tasks[b].options.map((o) => o.aloneS)) - Math.min(...tasks[a].options.map((o) => o.aloneS)));
  const choice = new Array<number>(M).fill(-2);
  let closedBound = Infinity;
  let nodes = 0;
  let stopped = false;

  const restricted = (): TaskOptions[] => tasks.map((t, m) => {
    const c = choice[m];
    if (c === -2) return t;
    return c === -1 ? { ...t, options: [] } : { ...t, options: [t.options[c]], localS: Infinity };
  });
  const nodeBound = (): number => {
    const sub = restricted();
    let b = assignmentBound(sub, N, undefined, { maxSweeps: 200 }).bound;
    if (eta && eta.some((e) => e > 0)) b = Math.max(b, assignmentBound(sub, N, eta, { maxSweeps: 200 }).bound);
    return b;
  };
  const serverFeasible = (n: number): boolean => {
    const members = choice.flatMap((c, m) => (c >= 0 && tasks[m].options[c].server === n ? [tasks[m].options[c].task] : []));
    return members.length === 0 || allocate(members, { relTol: 1e-6 }).feasible;
  };
  const leaf = () => {
    let latency = 0;
    let bound = 0;
    for (let m = 0; m < M; m++) if (choice[m] === -1) { latency += tasks[m].localS; bound += tasks[m].localS; }
    for (let n = 0; n < N; n++) {
      const members = choice.flatMap((c, m) => (c >= 0 && tasks[m].options[c].server === n ? [tasks[m].options[c].task] : []));
      if (members.length === 0) continue;
      const a = allocate(members, { relTol: 1e-10 });
      if (!a.feasible) return;
      latency += a.objective;
      bound += a.dualBound;
    }
    closedBound = Math.min(closedBound, bound);
    if (latency < upper) { upper = latency; incumbent = [...choice]; }
  };
  const visit = (depth: number) => {
    if (stopped) return;
    nodes++;
    if (nodes > NODE_LIMIT) { stopped = true; return; }
    if (depth === M) { leaf(); return; }
    const bound = nodeBound();
    if (bound >= upper * (1 - REL_TOL)) { closedBound = Math.min(closedBound, bound); return; }
    const m = order[depth];
    const t = tasks[m];
    const children: { c: number; score: number }[] = t.options.map((o, c) => ({ c, score: o.aloneS }));
    if (Number.isFinite(t.localS)) children.push({ c: -1, score: t.localS });
    children.sort((x, y) => x.score - y.score);
    for (const { c } of children) {
      choice[m] = c;
      if (c < 0 || serverFeasible(t.options[c].server)) visit(depth + 1);
      if (stopped) break;
    }
    choice[m] = -2;
  };
  visit(0);
  if (stopped) {
    // Open nodes remain: only the root bound is proved.
    const root = assignmentBound(tasks, N).bound;
    return { choice: incumbent, latencyS: upper, lowerBound: Math.min(root, upper), nodes, complete: false };
  }
  const lowerBound = Math.min(closedBound, upper);
  return { choice: incumbent, latencyS: upper, lowerBound, nodes, complete: true };
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
