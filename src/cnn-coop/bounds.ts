import type { Scenario } from './model.ts';
import { precompute, type Precomputed } from './physics.ts';
import { taskOptions, type TaskOptions } from './options.ts';
import { localSearch } from './search.ts';

/*
 * Proved lower bounds on the optimum of the generalised problem (19): every split of `allSplits`
 * (k = 0 raw to the cloud, k = 1..K to the cloud, all at the edge) and local computing, with every
 * deadline and rate floor. The paper's problem (k = 1..K) has a subset of these plans, so a bound
 * here bounds the total latency of every feasible plan of every algorithm (a plan that misses a
 * deadline is outside the problem and may fall below it).
 */

/**
 * The assignment relaxation of the deadline-priced problem. Without deadlines and rate floors a
 * server's optimal allocation costs Σ_r (Σ_i sqrt(t_ir))² (shares ∝ sqrt(t)), so with deadline
 * multipliers η_m ≥ 0 (task m's latency weighted by w_m = 1 + η_m, minus η_m·D_m) the weighted
 * problem over assignments x is
 *   min Σ_nr (Σ_mo x_mo v_mor)² + Σ_mo x_mo c_mo - Σ_m η_m D_m,
 *   v_mor = sqrt(w_m t_mor), c_mo = w_m·(share-free time, or local latency for "local"),
 * a convex quadratic in x that equals the weighted optimum at every integral x, so its minimum
 * over the product of simplices is ≤ the optimum of (19) for every η ≥ 0 (weak duality plus
 * relaxation; dropping the rate floors only lowers it). Unlike the capacity Lagrangian it charges
 * a task split across servers the square of its parts, which keeps it tight when N is large.
 * Solved by block pairwise Frank–Wolfe with exact line search; the bound reported is the Frank–
 * Wolfe dual value g(Y) = Σ_m min_o (c_mo + 2 Σ_r Y_nr v_mor) - Σ_nr Y_nr², which is a valid lower
 * bound of the convex relaxation at every iterate (convexity), whatever the iterate's accuracy.
 */
export function assignmentBound(tasks: TaskOptions[], N: number, eta?: ArrayLike<number>, opts: { maxSweeps?: number; relTol?: number; stall?: number } = {}): { bound: number; sweeps: number } {
  const M = tasks.length;
  const maxSweeps = opts.maxSweeps ?? 300;
  const relTol = opts.relTol ?? 1e-5;
  const stall = opts.stall ?? 30;
  const first = new Int32Array(M + 1);
  // Options of task m: [first[m], first[m + 1]); local is an option with no server (-1).
  const rows: { server: number; v: [number, number, number]; c: number }[] = [];
  let shift = 0;
  tasks.forEach((t, m) => {
    // A hopeless task has no deadline left to price.
    const eta_m = eta && !t.hopeless && Number.isFinite(eta[m]) ? Math.max(0, eta[m]) : 0;
    const w = 1 + eta_m;
    if (eta_m > 0) shift += eta_m * t.deadlineS;
    for (const o of t.options) rows.push({ server: o.server, v: [Math.sqrt(w * o.task.txS), Math.sqrt(w * o.task.computeS), Math.sqrt(w * o.task.backhaulS)], c: w * o.task.fixedS });
    if (Number.isFinite(t.localS)) rows.push({ server: -1, v: [0, 0, 0], c: w * t.localS });
    first[m + 1] = rows.length;
  });
  const J = rows.length;
  const srv = Int32Array.from(rows.map((r) => r.server));
  const v = Float64Array.from(rows.flatMap((r) => r.v));
  const c = Float64Array.from(rows.map((r) => r.c));
  const x = new Float64Array(J);
  const Y = new Float64Array(3 * N);
  const grad = (j: number) => {
    const n = srv[j];
    return n < 0 ? c[j] : c[j] + 2 * (Y[3 * n] * v[3 * j] + Y[3 * n + 1] * v[3 * j + 1] + Y[3 * n + 2] * v[3 * j + 2]);
  };
  const add = (j: number, amount: number) => {
    x[j] += amount;
    const n = srv[j];
    if (n >= 0) for (let r = 0; r < 3; r++) Y[3 * n + r] += amount * v[3 * j + r];
  };
  // Start: every task on its cheapest option alone, in turn (a greedy integral point).
  for (let m = 0; m < M; m++) {
    let bestJ = first[m];
    for (let j = first[m]; j < first[m + 1]; j++) if (grad(j) + quad(j) < grad(bestJ) + quad(bestJ)) bestJ = j;
    add(bestJ, 1);
  }
  function quad(j: number): number { return srv[j] < 0 ? 0 : v[3 * j] ** 2 + v[3 * j + 1] ** 2 + v[3 * j + 2] ** 2; }
  const dual = () => {
    let g = 0;
    for (let m = 0; m < M; m++) {
      let lo = Infinity;
      for (let j = first[m]; j < first[m + 1]; j++) lo = Math.min(lo, grad(j));
      g += lo;
    }
    for (let i = 0; i < 3 * N; i++) g -= Y[i] * Y[i];
    return g;
  };
  const primal = () => {
    let f = 0;
    for (let i = 0; i < 3 * N; i++) f += Y[i] * Y[i];
    for (let j = 0; j < J; j++) f += x[j] * c[j];
    return f;
  };
  let best = dual();
  let sweeps = 0;
  let lastGain = 0;
  for (; sweeps < maxSweeps; sweeps++) {
    for (let m = 0; m < M; m++) {
      for (let inner = 0; inner < 8; inner++) {
        // Pairwise step: move mass from the worst used option to the best option.
        let to = -1;
        let from = -1;
        let gTo = Infinity;
        let gFrom = -Infinity;
        for (let j = first[m]; j < first[m + 1]; j++) {
          const g = grad(j);
          if (g < gTo) { gTo = g; to = j; }
          if (x[j] > 0 && g > gFrom) { gFrom = g; from = j; }
        }
        if (to === from || gFrom - gTo <= 1e-15 * Math.abs(gFrom)) break;
        // f(δ) along d = e_to - e_from: slope gTo - gFrom, curvature 2·|Δv|² per server involved.
        let curv = 0;
        const nt = srv[to];
        const nf = srv[from];
        for (let r = 0; r < 3; r++) {
          if (nt >= 0 && nt === nf) curv += (v[3 * to + r] - v[3 * from + r]) ** 2;
          else curv += (nt >= 0 ? v[3 * to + r] ** 2 : 0) + (nf >= 0 ? v[3 * from + r] ** 2 : 0);
        }
        const step = curv > 0 ? Math.min(x[from], (gFrom - gTo) / (2 * curv)) : x[from];
        add(to, step);
        add(from, -step);
        if (x[from] < 1e-15) x[from] = 0;
      }
    }
    const g = dual();
    if (g > best * (1 + 1e-7)) lastGain = sweeps;
    if (g > best) best = g;
    const f = primal();
    // Stop at a small duality gap, or when the bound has stalled (the primal iterate can creep on
    // near-ties for long after the bound has settled).
    if (f - best <= relTol * Math.abs(f) || sweeps - lastGain >= stall) { sweeps++; break; }
  }
  return { bound: best - shift, sweeps };
}

export interface BoundResult {
  bound: number;
  /** Which deadline prices gave it. */
  from: 'no deadline prices' | 'plan deadline prices';
}

/**
 * The tightest of the assignment bound without deadline prices and with the deadline multipliers
 * η of a plan's exact allocations (a good plan's multipliers are near the dual optimum).
 */
export function planBound(tasks: TaskOptions[], N: number, eta?: ArrayLike<number>): BoundResult {
  if (tasks.length === 0) return { bound: 0, from: 'no deadline prices' };
  const plain = assignmentBound(tasks, N).bound;
  if (!eta || !Array.from(eta).some((e) => e > 0)) return { bound: plain, from: 'no deadline prices' };
  const priced = assignmentBound(tasks, N, eta).bound;
  return priced > plain ? { bound: priced, from: 'plan deadline prices' } : { bound: plain, from: 'no deadline prices' };
}

/**
 * A proved lower bound on the total latency of every feasible plan of `s`, for any size: the
 * assignment relaxation of the generalised problem (19) (all splits, local computing), priced
 * with the deadline multipliers of a local-search plan. -Infinity never occurs; with no devices it
 * is 0.
 */
export function lowerBoundOf(s: Scenario, pre: Precomputed = precompute(s)): number {
  const tasks = taskOptions(s, pre);
  const plan = localSearch(tasks, s.servers.length);
  return planBound(tasks, s.servers.length, plan.eta).bound;
}
