import { quickAllocate } from './quick-allocation.ts';
import type { TaskOptions } from './options.ts';
import { assignmentBound } from './bounds.ts';

/**
 * Branch and bound for the generalised problem (19) over the options of options.ts; the method is
 * described in algorithms/exact.ts, which proves optima with it. `best` reuses it with a node limit
 * to re-optimise two servers at a time.
 */
export const REL_TOL = 1e-6;
/** Above this many nodes the search stops and reports the plan with its proved gap. */
export const NODE_LIMIT = 200_000;

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

export function branchAndBound(tasks: TaskOptions[], N: number, start?: { choice: number[]; latencyS: number; eta: number[] }, nodeLimit = NODE_LIMIT): BranchAndBound {
  const M = tasks.length;
  let incumbent = start ? [...start.choice] : null;
  let upper = start ? start.latencyS : Infinity;
  const eta = start?.eta && start.eta.some((e) => e > 0) ? start.eta : undefined;
  const biggest = (m: number) => Math.min(...tasks[m].options.map((o) => o.aloneS));
  const order = Array.from({ length: M }, (_, m) => m).sort((a, b) => biggest(b) - biggest(a));
  let closedBound = Infinity;
  let nodes = 0;
  let stopped = false;
  const tick = () => { nodes++; if (nodes > nodeLimit) stopped = true; return !stopped; };
  const bound = (sub: TaskOptions[], subEta?: number[]) => {
    let b = assignmentBound(sub, N, undefined, { maxSweeps: 150, stall: 8 }).bound;
    if (subEta) b = Math.max(b, assignmentBound(sub, N, subEta, { maxSweeps: 150, stall: 8 }).bound);
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
        const a = quickAllocate(members.map((m, j) => tasks[m].options[pick[j]].task), { relTol: 1e-10 });
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
    return floor.length <= 1 || quickAllocate(floor, { relTol: 1e-6 }).feasible;
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

