import type { AllocTask } from './allocation.ts';

/**
 * One task under resource prices ν = (ν_α, ν_β, ν_λ) of its server (the inner problem of the
 * Lagrangian relaxation of the capacity constraints C6–C8):
 *
 *   φ(ν) = min_{α,β,λ}  a/α + b/β + c/λ + e + ν_α α + ν_β β + ν_λ λ
 *          s.t. lo ≤ α ≤ 1, 0 < β, λ ≤ 1,  a/α + b/β + c/λ + e ≤ D.
 *
 * With a deadline multiplier η ≥ 0 and σ = sqrt(1 + η), each share is clamp(σ·sqrt(t/ν), lo, 1).
 * σ = 1 when the deadline is slack, else the root of latency(σ) = D, which is A/σ + C between the
 * clamp breakpoints. The value returned is the Lagrangian dual at that η,
 *   Σ_r (σ² t_r/s_r + ν_r s_r) - (σ² - 1)(D - e) + e,
 * which is ≤ φ(ν) for every σ ≥ 1 (weak duality) and equal to it at the root, so rounding in σ can
 * only loosen a bound built from it, never make it invalid. Shares are written to `out` (the
 * supergradient of φ in ν, by the envelope theorem).
 */
export function pricedValue(t: AllocTask, nuA: number, nuB: number, nuC: number, out?: Float64Array): number {
  const a = t.txS;
  const b = t.computeS;
  const c = t.backhaulS;
  const lo = t.minAlpha;
  const e = t.fixedS;
  if (lo > 1) return Infinity;
  // Written without closures or arrays: this is the inner loop of every bound.
  const ua = a > 0 && nuA > 0 ? Math.sqrt(a / nuA) : Infinity;
  const ub = b > 0 && nuB > 0 ? Math.sqrt(b / nuB) : Infinity;
  const uc = c > 0 && nuC > 0 ? Math.sqrt(c / nuC) : Infinity;
  const budget = t.deadlineS - e;
  let sigma = 1;
  let sa = a > 0 ? Math.min(1, Math.max(lo, ua)) : 0;
  let sb = b > 0 ? Math.min(1, ub) : 0;
  let sc = c > 0 ? Math.min(1, uc) : 0;
  let lat = (a > 0 ? a / sa : 0) + (b > 0 ? b / sb : 0) + (c > 0 ? c / sc : 0);
  if (lat > budget) {
    if (a + b + c > budget * (1 + 1e-12)) return Infinity;
    // latency(σ) = Σ t/clamp(σu, low, 1) is convex and decreasing in σ; between the clamp
    // breakpoints it is A/σ + C. Walk the breakpoints upwards to the interval holding the root.
    const ba1 = a > 0 && ua < Infinity ? lo / ua : 0;
    const ba2 = a > 0 && ua < Infinity ? 1 / ua : 0;
    const bb = b > 0 && ub < Infinity ? 1 / ub : 0;
    const bc = c > 0 && uc < Infinity ? 1 / uc : 0;
    let left = 1;
    for (let guard = 0; guard < 8; guard++) {
      // Next breakpoint above `left`.
      let right = Infinity;
      if (ba1 > left && ba1 < right) right = ba1;
      if (ba2 > left && ba2 < right) right = ba2;
      if (bb > left && bb < right) right = bb;
      if (bc > left && bc < right) right = bc;
      const mid = right === Infinity ? left * 2 : 0.5 * (left + right);
      let A = 0;
      let C = 0;
      if (a > 0) { const s = Math.min(1, Math.max(lo, mid * ua)); if (s > lo && s < 1) A += a / ua; else C += a / s; }
      if (b > 0) { const s = Math.min(1, mid * ub); if (s < 1) A += b / ub; else C += b; }
      if (c > 0) { const s = Math.min(1, mid * uc); if (s < 1) A += c / uc; else C += c; }
      const atRight = right === Infinity ? C : A / right + C;
      if (atRight > budget && right < Infinity) { left = right; continue; }
      sigma = A > 0 && budget > C ? Math.min(Math.max(A / (budget - C), left), right) : left;
      break;
    }
    sa = a > 0 ? Math.min(1, Math.max(lo, sigma * ua)) : 0;
    sb = b > 0 ? Math.min(1, sigma * ub) : 0;
    sc = c > 0 ? Math.min(1, sigma * uc) : 0;
    lat = (a > 0 ? a / sa : 0) + (b > 0 ? b / sb : 0) + (c > 0 ? c / sc : 0);
  }
  if (out) { out[0] = sa; out[1] = sb; out[2] = sc; }
  const priced = nuA * sa + nuB * sb + nuC * sc;
  if (sigma === 1) return lat + priced + e;
  const s2 = sigma * sigma;
  return s2 * lat + priced - (s2 - 1) * budget + e;
}
