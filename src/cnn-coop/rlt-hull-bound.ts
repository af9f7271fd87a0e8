import type { RltData } from './rlt-pairs.ts';
import { RLT_EPS } from './rlt.ts';

/**
 * A certificate for a solution of the hull relaxation (rlt-hull.ts), whatever solved it: a lower
 * bound from Lagrange multipliers (weak duality, valid for any nonnegative ones) and the value
 * of a feasible point near the given one. Their difference bounds how far either is from the
 * relaxation's optimum, so a fast solver's answer can be accepted only when it is certified.
 *
 * Lagrangian, with π (C4), η (C10), μ (C11–C13), κ (load limit), σ the C10 slack priced ρ:
 *   L = Σ_m [(1+η_m) D_m − η_m D^max_m − π_m] − Σ_{n,r} μ_nr − Σ_n κ_n Q_n + Σ_m (ρ − η_m) σ_m
 *     + Σ_q φ_q(x_q, s_q),
 *   φ_q = (1+η_m)(c_q x + Σ_r T_qr x²/(s_r+ε)) + (π_m + κ_n) x + Σ_r μ_nr s_r,
 * minimised over x ∈ [0,1], s_r ∈ [0,1], s_b ≥ x·R^min/r (C9 kept inside), σ ≥ 0 (η ≤ ρ).
 * For fixed x each s_r has a closed form (the clamp of x·√((1+η)T/μ) − ε), and the remaining
 * function of x is convex (a partial minimum of a jointly convex one), minimised by golden section.
 */
export interface HullMultipliers {
  pi: ArrayLike<number>;
  eta: ArrayLike<number>;
  /** μ per server and resource, at 3n + r. */
  mu: ArrayLike<number>;
  /** κ per server (0 where there is no load limit). */
  kappa: ArrayLike<number>;
}

export function hullDualBound(d: RltData, eps: number, rho: number, y: HullMultipliers, maxTasks?: (number | undefined)[]): number {
  let bound = 0;
  for (let m = 0; m < d.M; m++) {
    const eta = Math.min(Math.max(0, y.eta[m]), rho);
    bound += (1 + eta) * d.localS[m] - eta * d.deadlineS[m] - Math.max(0, y.pi[m]);
  }
  for (let n = 0; n < d.N; n++) {
    for (let r = 0; r < 3; r++) bound -= Math.max(0, y.mu[3 * n + r]);
    const Q = maxTasks?.[n];
    if (Q !== undefined) bound -= Math.max(0, y.kappa[n]) * Q;
  }
  for (let q = 0; q < d.pairs.length; q++) bound += Math.min(0, pairLagrangian(d, q, rho, y, maxTasks, eps).min);
  return bound;
}

/**
 * Pair q's part of the Lagrangian, φ_q(x, s) (the perspective terms weighted by 1 + η, the linear
 * prices of C4, the load limit and the servers' shares), its least value over x ∈ [0,1],
 * s ∈ [0,1]³ with C9 (s_b ≥ lo·x) kept inside, and its value at a given point. Stationarity of a
 * KKT point is φ_q(x_q, s_q) = min φ_q for every pair.
 */
export function pairLagrangian(d: RltData, q: number, rho: number, y: HullMultipliers, maxTasks?: (number | undefined)[], eps = RLT_EPS): { min: number; at: (x: number, s: ArrayLike<number>) => number } {
  const p = d.pairs[q];
  const w = 1 + Math.min(Math.max(0, y.eta[p.m]), rho);
  const lin = w * (p.fixed - d.localS[p.m]) + Math.max(0, y.pi[p.m]) + (maxTasks?.[p.n] !== undefined ? Math.max(0, y.kappa[p.n]) : 0);
  const mus = [0, 1, 2].map((r) => Math.max(0, y.mu[3 * p.n + r]));
  // The golden-section search evaluates phi ~60 times a pair (50,000 pairs at the fleet size): the
  // per-resource constants are taken out of it (the same numbers, computed once).
  const wT = p.times.map((T) => w * T);
  const ratios = p.times.map((T, r) => (mus[r] > 0 ? Math.sqrt(w * T / mus[r]) : Infinity));
  const phi = (x: number): number => {
    let v = lin * x;
    for (let r = 0; r < 3; r++) {
      if (p.times[r] === 0) continue;
      const lower = r === 0 ? p.lo * x : 0;
      const ratio = ratios[r];
      let s = x === 0 ? 0 : Number.isFinite(ratio) ? x * ratio - eps : 1;
      s = Math.min(1, Math.max(lower, s));
      v += wT[r] * x * x / (s + eps) + mus[r] * s;
    }
    return v;
  };
  const at = (x: number, s: ArrayLike<number>): number => {
    let v = lin * x;
    for (let r = 0; r < 3; r++) if (p.times[r] > 0) v += w * p.times[r] * x * x / (s[r] + eps) + mus[r] * s[r];
    return v;
  };
  return { min: goldenMin(phi, 0, 1), at };
}

/** Least value of a convex function on [a, b] (golden section, to 1e-12 in x), ends included. */
function goldenMin(f: (x: number) => number, a: number, b: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let lo = a, hi = b;
  let x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
  let f1 = f(x1), f2 = f(x2);
  while (hi - lo > 1e-12) {
    if (f1 <= f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - g * (hi - lo); f1 = f(x1); }
    else { lo = x1; x1 = x2; f1 = f2; x2 = lo + g * (hi - lo); f2 = f(x2); }
  }
  return Math.min(f1, f2, f(a), f(b));
}

/**
 * A feasible point made from (x, s) (clipped to [0,1], device sums of x and server sums of each
 * share scaled to ≤ 1, x lowered where C9 would fail, load limits by scaling), and its value
 * Σ D_m + Σ (c x + Σ T x²/(s+ε)) + ρ Σ σ with σ the C10 excess.
 */
export function hullFeasibleValue(d: RltData, eps: number, rho: number, x0: ArrayLike<number>, s0: ArrayLike<number>, maxTasks?: (number | undefined)[]): number {
  const P = d.pairs.length;
  const x = Float64Array.from({ length: P }, (_, q) => Math.min(1, Math.max(0, x0[q])));
  const s = Float64Array.from({ length: 3 * P }, (_, i) => (d.pairs[Math.floor(i / 3)].times[i % 3] > 0 ? Math.min(1, Math.max(0, s0[i])) : 0));
  for (let n = 0; n < d.N; n++) {
    for (let r = 0; r < 3; r++) {
      const total = d.ofServer[n].reduce((a, q) => a + s[3 * q + r], 0);
      if (total > 1) for (const q of d.ofServer[n]) s[3 * q + r] /= total;
    }
  }
  d.pairs.forEach((p, q) => { if (p.lo * x[q] > s[3 * q]) x[q] = s[3 * q] / p.lo; });
  for (let m = 0; m < d.M; m++) {
    const total = d.ofDevice[m].reduce((a, q) => a + x[q], 0);
    if (total > 1) for (const q of d.ofDevice[m]) x[q] /= total;
  }
  for (let n = 0; n < d.N; n++) {
    const Q = maxTasks?.[n];
    const total = d.ofServer[n].reduce((a, q) => a + x[q], 0);
    if (Q !== undefined && total > Q) for (const q of d.ofServer[n]) x[q] *= Q / total;
  }
  let value = d.allLocalS;
  const perDevice = new Float64Array(d.M);
  d.pairs.forEach((p, q) => {
    let v = (p.fixed - d.localS[p.m]) * x[q];
    for (let r = 0; r < 3; r++) if (p.times[r] > 0) v += p.times[r] * x[q] * x[q] / (s[3 * q + r] + eps);
    perDevice[p.m] += v;
    value += v;
  });
  for (let m = 0; m < d.M; m++) value += rho * Math.max(0, d.localS[m] + perDevice[m] - d.deadlineS[m]);
  return value;
}
