import type { Scenario } from './model.ts';
import { withLpSession, type LinearRow } from '../core/lp.ts';
import type { Precomputed, Split } from './physics.ts';
import { deadlinePenalty, rltData, type RltData } from './rlt-pairs.ts';
import { RLT_EPS, type RltSolution } from './rlt.ts';

/**
 * Stage 2 of PA as printed in (27), read in the share variables: the "hull" relaxation.
 *
 * (27) prints the objective term x_mn·(φ_mn D̂^t + …) with φ_mn = x_mn ι_mn and ι_mn = 1/(α_mn + ε).
 * The spec (§3) calls the extra x a typo and prices φ·D̂ under the bound-factor products (24)–(26);
 * with ε = 1e-3 those products allow φ ≈ x/(1+ε) for any ι ≤ 1/ε·(1 - x), so a task at x = 0.99
 * holds a tenth of a server at no cost and the relaxation says nothing about congestion (its value
 * is a few % of any plan's). Taken as printed, x·φ·D̂ = D̂·x²/(α + ε): the perspective of D̂/α,
 * which is jointly convex in (x, α) (so (27) is convex, as the paper states), equals x·D̂/(α+ε)
 * at every 0/1 point, and is the tightest convex function that does. C11–C13 become linear in α
 * (Σ_m 1/ι = Σ_m (α + ε) ≤ 1 + Mε), C9 is its hull s ≥ x·R^min/r (the share 0 when x = 0, at
 * least R^min/r when x = 1), and C10 prices the same perspective terms. No term is dropped.
 *
 * Per pair q and resource r: share s_qr ∈ [0, 1] and epigraph t_qr ≥ x_q²/(s_qr + ε). The
 * reference solver here is Kelley's: tangents of the 1-homogeneous x²/u (u = s + ε) are the cuts
 * t ≥ 2k·x - k²·u with k = x₀/u₀, added until every epigraph holds to `tol`; each LP value is a
 * lower bound of the relaxation and the last point is feasible to `tol`. `rlt-fast.ts` solves
 * the same problem by a first-order method; the tests hold the two to 1e-6.
 *
 * C10 is elastic with a penalised slack per device, as in `rlt.ts`.
 */
export interface HullOptions {
  eps?: number;
  /** Servers' load limits Σ_m x_mn ≤ Q_n (PA with load limit). */
  maxTasks?: (number | undefined)[];
  /** Relative tolerance on each epigraph, in seconds of the all-local plan. */
  tol?: number;
  maxRounds?: number;
}

const VARS = 7; // x, s_b, s_c, s_f, t_b, t_c, t_f

export function solveHullHighs(s: Scenario, pre: Precomputed, splits: Split[][], opts: HullOptions = {}): RltSolution {
  return solveHullData(rltData(s, pre, splits), opts);
}

export function solveHullData(d: RltData, opts: HullOptions = {}): RltSolution {
  const eps = opts.eps ?? RLT_EPS;
  const { M, N, pairs } = d;
  const P = pairs.length;
  const slack0 = P * VARS;
  const numCols = slack0 + M;
  const col = (q: number, k: number) => q * VARS + k;
  const cost = new Float64Array(numCols);
  const lower = new Float64Array(numCols);
  const upper = new Float64Array(numCols);
  const penalty = deadlinePenalty(d);
  const tol = (opts.tol ?? 1e-11) * (1 + d.allLocalS);
  pairs.forEach((p, q) => {
    cost[col(q, 0)] = p.fixed - d.localS[p.m];
    upper[col(q, 0)] = 1;
    for (let r = 0; r < 3; r++) {
      const used = p.times[r] > 0;
      upper[col(q, 1 + r)] = used ? 1 : 0;
      cost[col(q, 4 + r)] = p.times[r];
      upper[col(q, 4 + r)] = used ? Infinity : 0;
    }
  });
  for (let m = 0; m < M; m++) { cost[slack0 + m] = penalty; upper[slack0 + m] = Infinity; }

  const rows: LinearRow[] = [];
  for (let m = 0; m < M; m++) {
    const mine = d.ofDevice[m];
    if (mine.length === 0) continue;
    rows.push({ lower: -Infinity, upper: 1, entries: mine.map((q) => [col(q, 0), 1] as const) }); // C4
    const entries: Array<readonly [number, number]> = [[slack0 + m, -1]];
    for (const q of mine) {
      entries.push([col(q, 0), pairs[q].fixed - d.localS[m]]);
      for (let r = 0; r < 3; r++) if (pairs[q].times[r] > 0) entries.push([col(q, 4 + r), pairs[q].times[r]]);
    }
    rows.push({ lower: -Infinity, upper: d.deadlineS[m] - d.localS[m], entries }); // C10, elastic
  }
  const tangent = (q: number, r: number, k: number): LinearRow =>
    ({ lower: -k * k * eps, upper: Infinity, entries: [[col(q, 4 + r), 1], [col(q, 0), -2 * k], [col(q, 1 + r), k * k]] });
  pairs.forEach((p, q) => {
    rows.push({ lower: 0, upper: Infinity, entries: [[col(q, 1), 1], [col(q, 0), -p.lo]] }); // C9: s ≥ x·R^min/r
    for (let r = 0; r < 3; r++) {
      if (p.times[r] === 0) continue;
      for (let k = 0.5; k <= 2 / eps; k *= 2) rows.push(tangent(q, r, k));
    }
  });
  for (let n = 0; n < N; n++) {
    const mine = d.ofServer[n];
    if (mine.length === 0) continue;
    for (let r = 0; r < 3; r++) rows.push({ lower: -Infinity, upper: 1, entries: mine.map((q) => [col(q, 1 + r), 1] as const) }); // C11–C13
    const limit = opts.maxTasks?.[n];
    if (limit !== undefined) rows.push({ lower: -Infinity, upper: limit, entries: mine.map((q) => [col(q, 0), 1] as const) });
  }

  const options = { primal_feasibility_tolerance: 1e-10, dual_feasibility_tolerance: 1e-10 };
  return withLpSession({ numCols, cost, lower, upper, rows, offset: d.allLocalS, options }, (lp) => {
    let cuts = 0;
    let rounds = 0;
    const maxRounds = opts.maxRounds ?? 500;
    for (;;) {
      rounds++;
      const sol = lp.solveTightOrDefault();
      if (sol.status !== 'optimal') throw new Error(`hull relaxation: HiGHS returned ${sol.status}`);
      const newCuts: LinearRow[] = [];
      for (let q = 0; q < P; q++) {
        const x = Math.max(0, sol.x[col(q, 0)]);
        for (let r = 0; r < 3; r++) {
          const T = pairs[q].times[r];
          if (T === 0) continue;
          const u = Math.max(0, sol.x[col(q, 1 + r)]) + eps;
          if (T * (x * x / u - sol.x[col(q, 4 + r)]) > tol) newCuts.push(tangent(q, r, x / u));
        }
      }
      if (newCuts.length === 0 || rounds >= maxRounds) return hullSolution(d, eps, (q, k) => sol.x[col(q, k)], (m) => sol.x[slack0 + m], rounds, cuts);
      cuts += newCuts.length;
      lp.addRows(newCuts);
    }
  });
}

/**
 * The relaxation's solution in the shape PA reads: x̂, and ι = 1/(s + ε) etc. The objective is
 * recomputed from (x, s) (not the LP's epigraph values), without the deadline penalty.
 */
export function hullSolution(d: RltData, eps: number, value: (q: number, k: number) => number,
  slackOf: (m: number) => number, rounds: number, cuts: number): RltSolution {
  const grid = () => Array.from({ length: d.M }, () => new Array<number>(d.N).fill(0));
  const out = { x: grid(), iota: grid(), nu: grid(), oslash: grid() };
  const recip = [out.iota, out.nu, out.oslash];
  let objective = d.allLocalS;
  d.pairs.forEach((p, q) => {
    const x = Math.min(1, Math.max(0, value(q, 0)));
    out.x[p.m][p.n] = x;
    objective += x * (p.fixed - d.localS[p.m]);
    for (let r = 0; r < 3; r++) {
      const sh = Math.min(1, Math.max(0, value(q, 1 + r)));
      recip[r][p.m][p.n] = 1 / (sh + eps);
      if (p.times[r] > 0) objective += p.times[r] * x * x / (sh + eps);
    }
  });
  const deadlineSlackS = Array.from({ length: d.M }, (_, m) => Math.max(0, slackOf(m)));
  return { ...out, objective, deadlineSlackS, rounds, cuts };
}
