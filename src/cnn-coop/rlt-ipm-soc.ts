/**
 * Second-order cone algebra for the conic interior-point method (rlt-ipm-cone.ts), on cones of
 * dimension 3, K = {(u0, u1, u2) : u0 ≥ ‖(u1, u2)‖}, stored as 3 consecutive entries of a
 * Float64Array at an offset. Jordan product u∘v = (uᵀv, u0·v1 + v0·u1, u0·v2 + v0·u2), identity
 * e = (1, 0, 0), J = diag(1, −1, −1). Nesterov–Todd scaling as in CVXOPT's coneqp (Vandenberghe,
 * "The CVXOPT linear and quadratic cone program solvers", 2010, §4): W = β(2vvᵀ − J) with
 * W·z = W⁻¹·s = λ, the scaled point.
 */

/** det(u) = u0² − u1² − u2² (positive inside the cone). */
export const socDet = (u: Float64Array, o: number): number => u[o] * u[o] - u[o + 1] * u[o + 1] - u[o + 2] * u[o + 2];

/**
 * The NT scaling of (s, z) at offset o, stored compactly as 5 numbers at c5 of nt: β, 1/β and the
 * point v, with W = β(2vvᵀ − J) and W⁻¹ = (2(Jv)(Jv)ᵀ − J)/β (vᵀJv = 1); writes λ = W·z (at o of
 * lam). Compact because at the fleet size the 3×3 matrices W, W⁻¹ and W⁻² were 81 doubles a pair,
 * and the sweeps that read them were bound by memory traffic; applying W from v costs a few flops.
 */
export function socScaling(s: Float64Array, z: Float64Array, o: number, nt: Float64Array, c5: number, lam: Float64Array): void {
  const a = Math.sqrt(socDet(s, o)), b = Math.sqrt(socDet(z, o));
  const s0 = s[o] / a, s1 = s[o + 1] / a, s2 = s[o + 2] / a;
  const z0 = z[o] / b, z1 = z[o + 1] / b, z2 = z[o + 2] / b;
  const g = Math.sqrt((1 + s0 * z0 + s1 * z1 + s2 * z2) / 2);
  // The normalised scaling point w̄ = (s̄ + Jz̄)/(2γ) (det 1), and its square root v, so W² = P(w̄)·β².
  const w0 = (s0 + z0) / (2 * g), w1 = (s1 - z1) / (2 * g), w2 = (s2 - z2) / (2 * g);
  const f = Math.sqrt(2 * (w0 + 1));
  nt[c5] = Math.sqrt(a / b); nt[c5 + 1] = Math.sqrt(b / a);
  nt[c5 + 2] = (w0 + 1) / f; nt[c5 + 3] = w1 / f; nt[c5 + 4] = w2 / f;
  wMul(nt, c5, z, o, lam, o);
}

/** y = W·x (3-vectors at offsets), W from socScaling's nt at c5. */
export function wMul(nt: Float64Array, c5: number, x: Float64Array, xo: number, y: Float64Array, yo: number): void {
  const be = nt[c5], v0 = nt[c5 + 2], v1 = nt[c5 + 3], v2 = nt[c5 + 4];
  const x0 = x[xo], x1 = x[xo + 1], x2 = x[xo + 2];
  const t = 2 * (v0 * x0 + v1 * x1 + v2 * x2);
  y[yo] = be * (v0 * t - x0); y[yo + 1] = be * (v1 * t + x1); y[yo + 2] = be * (v2 * t + x2);
}

/** y = W⁻¹·x (3-vectors at offsets), W from socScaling's nt at c5. */
export function wiMul(nt: Float64Array, c5: number, x: Float64Array, xo: number, y: Float64Array, yo: number): void {
  const ib = nt[c5 + 1], v0 = nt[c5 + 2], v1 = nt[c5 + 3], v2 = nt[c5 + 4];
  const x0 = x[xo], x1 = x[xo + 1], x2 = x[xo + 2];
  const t = 2 * (v0 * x0 - v1 * x1 - v2 * x2);
  y[yo] = ib * (v0 * t - x0); y[yo + 1] = ib * (x1 - v1 * t); y[yo + 2] = ib * (x2 - v2 * t);
}

/** out = u∘v (all at offset o). */
export function socProduct(u: Float64Array, v: Float64Array, o: number, out: Float64Array): void {
  const p0 = u[o] * v[o] + u[o + 1] * v[o + 1] + u[o + 2] * v[o + 2];
  const p1 = u[o] * v[o + 1] + v[o] * u[o + 1];
  const p2 = u[o] * v[o + 2] + v[o] * u[o + 2];
  out[o] = p0; out[o + 1] = p1; out[o + 2] = p2;
}

/** out = λ \ r, the x with λ∘x = r (all at offset o). */
export function socDivide(l: Float64Array, r: Float64Array, o: number, out: Float64Array): void {
  const x0 = (l[o] * r[o] - l[o + 1] * r[o + 1] - l[o + 2] * r[o + 2]) / socDet(l, o);
  const x1 = (r[o + 1] - x0 * l[o + 1]) / l[o], x2 = (r[o + 2] - x0 * l[o + 2]) / l[o];
  out[o] = x0; out[o + 1] = x1; out[o + 2] = x2;
}

/**
 * The largest α ≤ cap with u + α·d in the cone, for u inside it: the first positive root of
 * det(u + αd) = aα² + 2bα + c, written c / (−b + √(b² − ac)) so no digit is lost to cancellation.
 */
export function socMaxStep(u: Float64Array, d: Float64Array, o: number, cap: number): number {
  const a = d[o] * d[o] - d[o + 1] * d[o + 1] - d[o + 2] * d[o + 2];
  const b = u[o] * d[o] - u[o + 1] * d[o + 1] - u[o + 2] * d[o + 2];
  const c = socDet(u, o);
  // u + cap·d still inside (det and first entry positive): by convexity so is the whole segment,
  // and the root (a square root and a division) is not needed. Most cones are in this case.
  if (u[o] + cap * d[o] > 0 && (a * cap + 2 * b) * cap + c > 0) return cap;
  const disc = b * b - a * c;
  if (a < 0 || (b < 0 && disc >= 0)) {
    const alpha = c / (-b + Math.sqrt(Math.max(0, disc)));
    return Math.min(cap, alpha);
  }
  return cap;
}
