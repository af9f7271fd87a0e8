import { quickAllocate } from './quick-allocation.ts';
import type { TaskOptions } from './options.ts';
import { branchAndBound } from './branch.ts';

/**
 * Large-neighbourhood step for `best`: two (then three) servers at a time, every task on them is
 * re-placed (any of those servers, any split, or local) by the exact branch and bound of
 * branch.ts, capped at `nodeLimit` nodes and at `maxTasks` tasks; the other servers are untouched,
 * since servers interact only through the tasks they share. This reaches rearrangements that need
 * several tasks to move at once (a cycle of moves plus split changes), which single moves and
 * swaps miss.
 * Returns the improved choice (option index per task, -1 local) and whether anything changed.
 */
export function pairSearch(tasks: TaskOptions[], N: number, choice: number[], opts: { maxTasks?: number; nodeLimit?: number; totalNodes?: number } = {}): { choice: number[]; improved: boolean } {
  const maxTasks = opts.maxTasks ?? 10;
  const nodeLimit = opts.nodeLimit ?? 400;
  // A budget over all groups keeps the step's time bounded whatever the instance.
  let budget = opts.totalNodes ?? 1500;
  const current = [...choice];
  const serverOf = (m: number) => (current[m] < 0 ? -1 : tasks[m].options[current[m]].server);
  let improved = false;
  const groups: number[][] = [];
  for (let n1 = 0; n1 < N; n1++) for (let n2 = n1 + 1; n2 < N; n2++) groups.push([n1, n2]);
  for (let n1 = 0; n1 < N; n1++) for (let n2 = n1 + 1; n2 < N; n2++) for (let n3 = n2 + 1; n3 < N; n3++) groups.push([n1, n2, n3]);
  for (const group of groups) {
    const members = current.flatMap((_, m) => (group.includes(serverOf(m)) ? [m] : []));
    if (budget <= 0) break;
    if (members.length < 2 || members.length > maxTasks) continue;
    // Sub-problem options: the group's servers only; map the current choice into it.
    const keep = members.map((m) => tasks[m].options.flatMap((o, c) => (group.includes(o.server) ? [c] : [])));
    const sub: TaskOptions[] = members.map((m, i) => ({ ...tasks[m], options: keep[i].map((c) => tasks[m].options[c]) }));
    const start = members.map((m, i) => keep[i].indexOf(current[m]));
    let cost = 0;
    let feasible = true;
    for (const n of group) {
      const on = members.filter((m) => serverOf(m) === n).map((m) => tasks[m].options[current[m]].task);
      if (on.length === 0) continue;
      const a = quickAllocate(on, { relTol: 1e-9 });
      feasible &&= a.feasible;
      cost += a.objective;
    }
    if (!feasible) continue;
    const bb = branchAndBound(sub, N, { choice: start, latencyS: cost, eta: [] }, Math.min(nodeLimit, budget));
    budget -= bb.nodes;
    if (bb.choice && bb.latencyS < cost * (1 - 1e-9)) {
      members.forEach((m, i) => { current[m] = bb.choice![i] < 0 ? -1 : keep[i][bb.choice![i]]; });
      improved = true;
    }
  }
  return { choice: current, improved };
}
