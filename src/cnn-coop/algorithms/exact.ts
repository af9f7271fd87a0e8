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
import { precompute } from '../physics.ts';
import { taskOptions } from '../options.ts';
import { localSearch } from '../search.ts';
import { branchAndBound, REL_TOL } from '../branch.ts';
import { buildResult } from '../plan.ts';
import { placementOf } from './best.ts';

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
