import type { Scenario } from './model.ts';
import { withLpSession, type LinearRow } from '../core/lp.ts';
import { minBandwidthShare, offloadTimes, type Precomputed, type Split } from './physics.ts';

/**
 * Stage 2 of PA: the RLT relaxation (27) of the offloading problem, solved exactly.
 *
 * Per allowed pair (m, n): x ∈ [0,1]; ι, ν, ø = reciprocal shares of bandwidth, CPU, backhaul in
 * [1/(1+ε), 1/ε]; φ, ς, ϑ their RLT products with x (bound-factor constraints (24)–(26)). The
 * objective is the spec's reading of (27): Σ_m (1 - Σ_n x) D_m + Σ φ·Dt + ς·Dp + ϑ·Dtc (the extra x
 * factor printed in (27) is a typo, since φ = x·ι already).
 *
 * C11–C13 (Σ_m 1/ι_mn ≤ 1 + Mε) are convex, not linear: each 1/ι gets an epigraph variable t and
 * Kelley cutting planes t ≥ 2/ι₀ - ι/ι₀² (tangents of the convex 1/ι), added at the current point
 * until every reciprocal constraint holds to `tol`. Tangents underestimate 1/ι, so each LP value
 * is a lower bound of the relaxation and the last point is feasible to `tol`: the relaxation is
 * solved, not approximated by dropping C11–C13.
 *
 * C10 (deadline) is made elastic with a penalised slack per device so the relaxation stays
 * solvable when no plan meets every deadline; the slack is reported (it is 0 whenever the
 * relaxation meets every deadline), and infeasible tasks are reported by the final plan.
 */
export interface RltOptions {
  epsB?: number;
  epsC?: number;
  epsF?: number;
  /** Servers' load limits are not part of (27); `maxTasks` adds Σ_m x_mn ≤ Q_n (PA with load limit). */
  loadLimits?: boolean;
  tol?: number;
  maxRounds?: number;
}

export interface RltSolution {
  /** Relaxed x̂[m][n] (0 for pairs the rate rules out). */
  x: number[][];
  /** Reciprocal shares ι, ν, ø per pair. */
  iota: number[][];
  nu: number[][];
  oslash: number[][];
  objective: number;
  deadlineSlackS: number[];
  rounds: number;
  cuts: number;
}

/** ε_b = ε_c = ε_f by default (spec §3). */
export const RLT_EPS = 1e-3;

const VARS = 7; // x, ι, ν, ø, and the epigraph variables t ≥ 1/ι, 1/ν, 1/ø

export function solveRlt(s: Scenario, pre: Precomputed, splits: Split[][], opts: RltOptions = {}): RltSolution {
  const eps = [opts.epsB ?? RLT_EPS, opts.epsC ?? RLT_EPS, opts.epsF ?? RLT_EPS];
  const A = eps.map((e) => 1 / (1 + e));
  const B = eps.map((e) => 1 / e);
  const tol = opts.tol ?? 1e-8;
  const { M, N } = pre;
  const pairs: Array<{ m: number; n: number; lo: number; times: [number, number, number]; fixed: number }> = [];
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const lo = minBandwidthShare(s, pre, m, n);
      if (lo > 1) continue; // C9 rules the pair out: even the whole band is too slow
      const t = offloadTimes(s, pre, m, n, splits[m][n]);
      pairs.push({ m, n, lo, times: [t.txS, t.computeS, t.backhaulS], fixed: t.cloudS });
    }
  }
  /*
   * φ, ς, ϑ are eliminated. Of the four bound-factor products (24) only the two lower bounds on φ
   * can bind (the objective and C10 push φ down), so φ = max(a·x, ι - b(1 - x)); and an optimum
   * never has ι < b - (b - a)x, where φ = a·x whatever ι is (raising ι to that value keeps φ and
   * only loosens C11). Hence, without loss, ι ≥ b - (b - a)x (row R1) and φ = ι - b(1 - x), which
   * satisfies the two upper products automatically since a ≤ ι ≤ b.
   */
  const P = pairs.length;
  const slack0 = P * VARS;
  const numCols = slack0 + M;
  const col = (q: number, k: number) => q * VARS + k;
  const cost = new Float64Array(numCols);
  const lower = new Float64Array(numCols);
  const upper = new Float64Array(numCols);
  // A deadline second costs more than any plan's total latency can change.
  const penalty = 1e3 * (1 + pre.localS.reduce((a, b) => a + b, 0));
  let offset = pre.localS.reduce((a, b) => a + b, 0);
  // Relaxed latency terms of pair q: (e - D_m + Σ_r T_r b_r)·x + Σ_r T_r ι_r - Σ_r T_r b_r.
  const xCoef = (q: number) => pairs[q].fixed - pre.localS[pairs[q].m] + pairs[q].times.reduce((a, t, r) => a + t * B[r], 0);
  const constant = (q: number) => pairs[q].times.reduce((a, t, r) => a + t * B[r], 0);
  pairs.forEach((p, q) => {
    cost[col(q, 0)] = xCoef(q);
    upper[col(q, 0)] = 1;
    offset -= constant(q);
    for (let r = 0; r < 3; r++) {
      cost[col(q, 1 + r)] = p.times[r];
      lower[col(q, 1 + r)] = A[r];
      upper[col(q, 1 + r)] = B[r];
      lower[col(q, 4 + r)] = eps[r];
      upper[col(q, 4 + r)] = 1 + eps[r];
    }
  });
  for (let m = 0; m < M; m++) { cost[slack0 + m] = penalty; upper[slack0 + m] = Infinity; }

  const rows: LinearRow[] = [];
  for (let m = 0; m < M; m++) {
    const mine = pairs.flatMap((p, q) => (p.m === m ? [q] : []));
    if (mine.length === 0) continue;
    rows.push({ lower: -Infinity, upper: 1, entries: mine.map((q) => [col(q, 0), 1] as const) }); // C4
    const entries: Array<readonly [number, number]> = [[slack0 + m, -1]];
    let rhs = s.devices[m].deadlineS - pre.localS[m];
    for (const q of mine) {
      entries.push([col(q, 0), xCoef(q)]);
      for (let r = 0; r < 3; r++) entries.push([col(q, 1 + r), pairs[q].times[r]]);
      rhs += constant(q);
    }
    rows.push({ lower: -Infinity, upper: rhs, entries }); // C10, elastic
  }
  pairs.forEach((p, q) => {
    const x = col(q, 0);
    // C9: φ ≤ x/(R^min/r + ε_b), i.e. ι - b + b·x ≤ x/(lo + ε).
    rows.push({ lower: -Infinity, upper: B[0], entries: [[col(q, 1), 1], [x, B[0] - 1 / (p.lo + eps[0])]] });
    for (let r = 0; r < 3; r++) {
      rows.push({ lower: B[r], upper: Infinity, entries: [[col(q, 1 + r), 1], [x, B[r] - A[r]]] }); // R1
      // Tangents of 1/ι spread over its range, so the cut loop starts close.
      for (const v0 of initialTangents(A[r], B[r])) rows.push(tangent(q, r, v0));
    }
  });
  for (let n = 0; n < N; n++) {
    const mine = pairs.flatMap((p, q) => (p.n === n ? [q] : []));
    if (mine.length === 0) continue;
    // C11–C13 over the devices that may use n (the others sit at 1/ι = ε, which the bound's Mε covers).
    for (let r = 0; r < 3; r++) rows.push({ lower: -Infinity, upper: 1 + mine.length * eps[r], entries: mine.map((q) => [col(q, 4 + r), 1] as const) });
    if (opts.loadLimits && s.servers[n].maxTasks !== undefined) {
      rows.push({ lower: -Infinity, upper: s.servers[n].maxTasks!, entries: mine.map((q) => [col(q, 0), 1] as const) });
    }
  }
  function tangent(q: number, r: number, v0: number): LinearRow {
    return { lower: 2 / v0, upper: Infinity, entries: [[col(q, 4 + r), 1], [col(q, 1 + r), 1 / (v0 * v0)]] };
  }

  // HiGHS's default feasibility tolerance (1e-7) would accept cuts violated by less than that,
  // and the loop would stall short of `tol`.
  const options = { primal_feasibility_tolerance: 1e-10, dual_feasibility_tolerance: 1e-10 };
  return withLpSession({ numCols, cost, lower, upper, rows, offset, options }, (lp) => {
    let cuts = 0;
    let rounds = 0;
    const maxRounds = opts.maxRounds ?? 200;
    for (;;) {
      rounds++;
      const sol = lp.solveTightOrDefault();
      if (sol.status !== 'optimal') throw new Error(`RLT relaxation: HiGHS returned ${sol.status}`);
      const newCuts: LinearRow[] = [];
      for (let q = 0; q < P; q++) {
        for (let r = 0; r < 3; r++) {
          const v = sol.x[col(q, 1 + r)];
          if (1 / v - sol.x[col(q, 4 + r)] > (lp.tolerancesRelaxed ? 1e-6 : tol)) newCuts.push(tangent(q, r, v));
        }
      }
      if (newCuts.length === 0 || rounds >= maxRounds) {
        const grid = () => Array.from({ length: M }, () => new Array<number>(N).fill(0));
        const out = { x: grid(), iota: grid(), nu: grid(), oslash: grid() };
        pairs.forEach((p, q) => {
          out.x[p.m][p.n] = Math.min(1, Math.max(0, sol.x[col(q, 0)]));
          out.iota[p.m][p.n] = sol.x[col(q, 1)];
          out.nu[p.m][p.n] = sol.x[col(q, 2)];
          out.oslash[p.m][p.n] = sol.x[col(q, 3)];
        });
        const deadlineSlackS = Array.from({ length: M }, (_, m) => sol.x[slack0 + m]);
        const slackCost = deadlineSlackS.reduce((a, v) => a + v * penalty, 0);
        return { ...out, objective: sol.objective - slackCost, deadlineSlackS, rounds, cuts };
      }
      cuts += newCuts.length;
      lp.addRows(newCuts);
    }
  });
}

/** Log-spaced tangent points over [lo, hi]. */
function initialTangents(lo: number, hi: number): number[] {
  const ratio = 2;
  const points: number[] = [];
  for (let v = lo; v < hi; v *= ratio) points.push(v);
  points.push(hi);
  return points;
}

/**
 * Rule (28): offload when Σ_n x̂ ≥ 0.5, to the server holding at least half of it. When no server
 * holds half (x̂ split three ways or more) (28) assigns nothing; the sound reading is the server
 * with the largest x̂, which is what this returns.
 */
export function roundRule28(x: number[][]): number[] {
  return x.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    if (total < 0.5) return -1;
    let best = 0;
    row.forEach((v, n) => { if (v > row[best]) best = n; });
    return best;
  });
}
