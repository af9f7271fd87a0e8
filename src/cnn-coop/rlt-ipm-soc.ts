/**
 * Second-order cone algebra for the conic interior-point method (rlt-ipm-cone.ts), on cones of
 * dimension 3, K = {(u0, u1, u2) : u0 ≥ ‖(u1, u2)‖}, stored as 3 consecutive entries of a
 * Float64Array at an offset. Jordan product u∘v = (uᵀv, u0·v1 + v0·u1, u0·v2 + v0·u2), identity
 * e = (1, 0, 0), J = diag(1, −1, −1). Nesterov–Todd scaling as in CVXOPT's coneqp (Vandenberghe,
 * "The CVXOPT linear and quadratic cone program solvers", 2010, §4): W = β(2w̄w̄ᵀ − J) with
 * W·z = W⁻¹·s = λ, the scaled point.
 */

/** det(u) = u0² − u1² − u2² (positive inside the cone). */
export const socDet = (u: Float64Array, o: number): number => u[o] * u[o] - u[o + 1] * u[o + 1] - u[o + 2] * u[o + 2];

/**
 * The NT scaling of (s, z) at offset o: writes W, W⁻¹ and W⁻² (3×3, row-major, at c9) and
 * λ = W·z (at o of lam).
 */
export function socScaling(s: Float64Array, z: Float64Array, o: number, W: Float64Array, Wi: Float64Array, Winv2: Float64Array, c9: number, lam: Float64Array): void {
  const a = Math.sqrt(socDet(s, o)), b = Math.sqrt(socDet(z, o));
  const s0 = s[o] / a, s1 = s[o + 1] / a, s2 = s[o + 2] / a;
  const z0 = z[o] / b, z1 = z[o + 1] / b, z2 = z[o + 2] / b;
  const g = Math.sqrt((1 + s0 * z0 + s1 * z1 + s2 * z2) / 2);
  // The normalised scaling point w̄ = (s̄ + Jz̄)/(2γ) (det 1), and its square root v, so W² = P(w̄)·β².
  const w0 = (s0 + z0) / (2 * g), w1 = (s1 - z1) / (2 * g), w2 = (s2 - z2) / (2 * g);
  const f = Math.sqrt(2 * (w0 + 1));
  const v0 = (w0 + 1) / f, v1 = w1 / f, v2 = w2 / f;
  const beta = Math.sqrt(a / b);
  // W = β(2vvᵀ − J), W⁻¹ = (2(Jv)(Jv)ᵀ − J)/β (vᵀJv = 1), W⁻² = W⁻¹·W⁻¹.
  W[c9] = beta * (2 * v0 * v0 - 1); W[c9 + 4] = beta * (2 * v1 * v1 + 1); W[c9 + 8] = beta * (2 * v2 * v2 + 1);
  W[c9 + 1] = W[c9 + 3] = beta * 2 * v0 * v1;
  W[c9 + 2] = W[c9 + 6] = beta * 2 * v0 * v2;
  W[c9 + 5] = W[c9 + 7] = beta * 2 * v1 * v2;
  const i00 = (2 * v0 * v0 - 1) / beta, i11 = (2 * v1 * v1 + 1) / beta, i22 = (2 * v2 * v2 + 1) / beta;
  const i01 = -2 * v0 * v1 / beta, i02 = -2 * v0 * v2 / beta, i12 = 2 * v1 * v2 / beta;
  Wi[c9] = i00; Wi[c9 + 4] = i11; Wi[c9 + 8] = i22;
  Wi[c9 + 1] = Wi[c9 + 3] = i01; Wi[c9 + 2] = Wi[c9 + 6] = i02; Wi[c9 + 5] = Wi[c9 + 7] = i12;
  Winv2[c9] = i00 * i00 + i01 * i01 + i02 * i02;
  Winv2[c9 + 4] = i01 * i01 + i11 * i11 + i12 * i12;
  Winv2[c9 + 8] = i02 * i02 + i12 * i12 + i22 * i22;
  Winv2[c9 + 1] = Winv2[c9 + 3] = i00 * i01 + i01 * i11 + i02 * i12;
  Winv2[c9 + 2] = Winv2[c9 + 6] = i00 * i02 + i01 * i12 + i02 * i22;
  Winv2[c9 + 5] = Winv2[c9 + 7] = i01 * i02 + i11 * i12 + i12 * i22;
  mul3(W, c9, z, o, lam, o);
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
  const disc = b * b - a * c;
  if (a < 0 || (b < 0 && disc >= 0)) {
    const alpha = c / (-b + Math.sqrt(Math.max(0, disc)));
    return Math.min(cap, alpha);
  }
  return cap;
}

/** y = M·x for a 3×3 row-major M at m9 and 3-vectors at offsets. */
export function mul3(Mx: Float64Array, m9: number, x: Float64Array, xo: number, y: Float64Array, yo: number): void {
  const x0 = x[xo], x1 = x[xo + 1], x2 = x[xo + 2];
  y[yo] = Mx[m9] * x0 + Mx[m9 + 1] * x1 + Mx[m9 + 2] * x2;
  y[yo + 1] = Mx[m9 + 3] * x0 + Mx[m9 + 4] * x1 + Mx[m9 + 5] * x2;
  y[yo + 2] = Mx[m9 + 6] * x0 + Mx[m9 + 7] * x1 + Mx[m9 + 8] * x2;
}
