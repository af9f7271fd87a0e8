import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { allSplits, offloadTimes, type OffloadTimes, type Precomputed, type Split, precompute } from '../physics.ts';
import { buildResult, type Placement } from '../plan.ts';

/**
 * IHRA, adapted from the paper's [33] as the spec's table §4 defines it: whole tasks only (all
 * K layers and the output at the edge, or the raw input to the cloud), equal shares of every
 * resource among the tasks that use it, and an iterative greedy that starts with every task
 * local and repeatedly makes the single move (one task to another place: local, or a server
 * with one of the two whole-task splits) that improves the plan most, until no move improves it.
 *
 * Deadlines (the spec is silent): a plan is ranked by (tasks missing their deadline or minimum
 * rate, total latency), lexicographically. A move that makes a task miss is therefore taken
 * only when it makes fewer tasks miss overall, and among moves that keep the count the one
 * lowering total latency most wins. Tasks still missing at the end are reported by buildResult.
 */

/** Relative improvement below which a move is not worth taking (guards against float cycling). */
const IMPROVE_TOL = 1e-12;

interface Option {
  server: number;
  split: Split;
  times: OffloadTimes;
}

interface Cost {
  misses: number;
  latencyS: number;
}

const better = (a: Cost, b: Cost): boolean =>
  a.misses < b.misses || (a.misses === b.misses && a.latencyS < b.latencyS - IMPROVE_TOL * (1 + Math.abs(b.latencyS)));

export interface IhraPlan {
  /** For every task: -1 (local) or the index of its option in `options[m]`. */
  choice: number[];
  options: Option[][];
  moves: number;
}

/** The two whole-task splits of server n: raw input to the cloud (k = 0), or everything at the edge. */
function wholeTaskSplits(pre: Precomputed, n: number): Split[] {
  const all = allSplits(pre.profiles[n]);
  return [all[0], all[all.length - 1]];
}

export function ihraPlan(s: Scenario, pre: Precomputed): IhraPlan {
  const M = s.devices.length;
  const N = s.servers.length;
  const options: Option[][] = s.devices.map((_, m) => s.servers.flatMap((__, n) =>
    wholeTaskSplits(pre, n).map((split) => ({ server: n, split, times: offloadTimes(s, pre, m, n, split) }))));
  const choice = new Array<number>(M).fill(-1);
  const members: number[][] = s.servers.map(() => []);

  const localCost = (m: number): Cost => ({ misses: pre.localS[m] <= s.devices[m].deadlineS * (1 + 1e-9) ? 0 : 1, latencyS: pre.localS[m] });
  /** Every task's latency on server n with equal shares among the tasks using each resource. */
  const serverCost = (n: number, tasks: readonly number[]): Cost => {
    let txUsers = 0, cpuUsers = 0, backhaulUsers = 0;
    for (const m of tasks) {
      const t = options[m][choice[m]].times;
      if (t.txS > 0) txUsers++;
      if (t.computeS > 0) cpuUsers++;
      if (t.backhaulS > 0) backhaulUsers++;
    }
    let misses = 0;
    let latencyS = 0;
    for (const m of tasks) {
      const t = options[m][choice[m]].times;
      const latency = t.txS * txUsers + t.computeS * cpuUsers + t.backhaulS * backhaulUsers + t.cloudS;
      const rateOk = pre.rateMbps[m][n] / Math.max(txUsers, 1) >= s.devices[m].minRateMbps * (1 - 1e-9);
      if (!(rateOk && latency <= s.devices[m].deadlineS * (1 + 1e-9))) misses++;
      latencyS += latency;
    }
    return { misses, latencyS };
  };
  const add = (a: Cost, b: Cost, sign = 1): Cost => ({ misses: a.misses + sign * b.misses, latencyS: a.latencyS + sign * b.latencyS });

  const serverCosts: Cost[] = s.servers.map(() => ({ misses: 0, latencyS: 0 }));
  let total: Cost = { misses: 0, latencyS: 0 };
  for (let m = 0; m < M; m++) total = add(total, localCost(m));

  const serverOf = (m: number) => (choice[m] < 0 ? -1 : options[m][choice[m]].server);
  /** The plan's cost after moving task m to option o (-1 = local), and the two server costs it changes. */
  const tryMove = (m: number, o: number): { cost: Cost; from: number; to: number; fromCost?: Cost; toCost?: Cost } => {
    const from = serverOf(m);
    const to = o < 0 ? -1 : options[m][o].server;
    const old = choice[m];
    let cost = total;
    cost = add(cost, from < 0 ? localCost(m) : serverCosts[from], -1);
    if (to >= 0 && to !== from) cost = add(cost, serverCosts[to], -1);
    choice[m] = o;
    let fromCost: Cost | undefined;
    let toCost: Cost | undefined;
    if (from >= 0) {
      fromCost = serverCost(from, to === from ? members[from] : members[from].filter((k) => k !== m));
      cost = add(cost, fromCost);
    }
    if (to < 0) cost = add(cost, localCost(m));
    else if (to !== from) {
      toCost = serverCost(to, [...members[to], m]);
      cost = add(cost, toCost);
    }
    choice[m] = old;
    return { cost, from, to, fromCost, toCost };
  };

  let moves = 0;
  // Each move strictly lowers (misses, latency), so the loop ends; the cap only guards against a bug.
  const maxMoves = 50 * M * (2 * N + 1) + 10;
  while (moves < maxMoves) {
    let best: { m: number; o: number; move: ReturnType<typeof tryMove> } | undefined;
    for (let m = 0; m < M; m++) {
      for (let o = -1; o < options[m].length; o++) {
        if (o === choice[m]) continue;
        const move = tryMove(m, o);
        if (better(move.cost, best ? best.move.cost : total)) best = { m, o, move };
      }
    }
    if (!best) break;
    const { m, o, move } = best;
    if (move.from >= 0 && move.to !== move.from) members[move.from] = members[move.from].filter((k) => k !== m);
    if (move.to >= 0 && move.to !== move.from) members[move.to].push(m);
    choice[m] = o;
    if (move.from >= 0) serverCosts[move.from] = move.fromCost!;
    if (move.toCost) serverCosts[move.to] = move.toCost;
    total = move.cost;
    moves++;
  }
  return { choice, options, moves };
}

export function solveIhra(s: Scenario): Result {
  const pre = precompute(s);
  const plan = ihraPlan(s, pre);
  const placement: Placement[] = plan.choice.map((o, m) => (o < 0 ? { server: -1 } : { server: plan.options[m][o].server, split: plan.options[m][o].split }));
  return buildResult(s, pre, 'ihra', placement, { kind: 'equal' }, { info: { moves: plan.moves } });
}

export const ihra: Algorithm<Scenario, Result> = {
  name: 'ihra',
  description: 'IHRA (adapted): greedy single-task moves from all-local, whole tasks (all at the edge or raw to the cloud), equal shares',
  solve: solveIhra,
};
