/**
 * The global update of one task (P8/P9 of the paper): the ADMM coupling terms, the logarithmic
 * smoothing barrier -omega·sum(ln v + ln(1 - v)), the penalty xi·v(1 - v) that pushes towards 0/1,
 * and the deadline as an equality with slack m (eq. 25), here normalised by the deadline:
 * sum tau_o v_o + m = 1, tau_o = T_o / t_max, with -omega·ln m. The assignment equality
 * sum v_o = 1 is kept exactly by moving in its null space (Theorem 5): with Z = [I; -1^T],
 * d = Z p and Z^T H Z p = -Z^T g solved by conjugate gradient (eq. 30), then a backtracking
 * (Armijo) line search that keeps v strictly inside (0, 1) and m > 0.
 *
 * Where the paper is incomplete: H is the exact Hessian of P9 after eliminating m,
 * diag(rho + omega/v² + omega/(1-v)² - 2 xi) + omega·tau tau^T / m²; with xi < rho/2 it is positive
 * definite, so every task's sub-problem is strictly convex and CG is well defined.
 */
export interface GlobalTaskInput {
  O: number;
  /** Current global values (updated in place), the local copies and the duals for the task's options. */
  v: Float64Array;
  vOff: number;
  xhat: Float64Array;
  lam: Float64Array;
  /** Option delays divided by the deadline; null when no option meets the deadline (barrier dropped). */
  tau: Float64Array | null;
  rho: number;
  omega: number;
  xi: number;
  newtonSteps: number;
}

const scratch = { g: new Float64Array(0), hd: new Float64Array(0), p: new Float64Array(0), r: new Float64Array(0), q: new Float64Array(0), zq: new Float64Array(0), hz: new Float64Array(0), d: new Float64Array(0), trial: new Float64Array(0) };
function ensure(O: number): void {
  if (scratch.g.length >= O) return;
  for (const k of Object.keys(scratch) as (keyof typeof scratch)[]) scratch[k] = new Float64Array(O);
}

function objective(inp: GlobalTaskInput, v: Float64Array, off: number): number {
  const { O, xhat, lam, tau, rho, omega, xi } = inp;
  let f = 0, m = 1;
  for (let o = 0; o < O; o++) {
    const x = v[off + o];
    if (!(x > 0 && x < 1)) return Infinity;
    const diff = xhat[inp.vOff + o] - x;
    f += -lam[inp.vOff + o] * x + 0.5 * rho * diff * diff - omega * (Math.log(x) + Math.log(1 - x)) + xi * x * (1 - x);
    if (tau) m -= tau[o] * x;
  }
  if (tau) { if (!(m > 0)) return Infinity; f -= omega * Math.log(m); }
  return f;
}

/** Runs a few Newton steps for one task; returns the number of CG iterations used. */
export function globalTaskUpdate(inp: GlobalTaskInput): number {
  const { O, v, vOff: off, xhat, lam, tau, rho, omega, xi } = inp;
  ensure(O);
  const { g, hd, p, r, q, zq, hz, d, trial } = scratch;
  let cgIterations = 0;
  const n = O - 1;
  for (let step = 0; step < inp.newtonSteps; step++) {
    let m = 1;
    if (tau) for (let o = 0; o < O; o++) m -= tau[o] * v[off + o];
    for (let o = 0; o < O; o++) {
      const x = v[off + o];
      g[o] = -lam[off + o] - rho * (xhat[off + o] - x) - omega * (1 / x - 1 / (1 - x)) + xi * (1 - 2 * x) + (tau ? (omega * tau[o]) / m : 0);
      hd[o] = rho + omega / (x * x) + omega / ((1 - x) * (1 - x)) - 2 * xi;
    }
    const w = tau ? omega / (m * m) : 0;
    // H·(Z q) with Z q = [q; -sum q], then Z^T(.) = first n entries minus the last
    const applyReduced = (qq: Float64Array, out: Float64Array) => {
      let s = 0;
      for (let o = 0; o < n; o++) { zq[o] = qq[o]; s += qq[o]; }
      zq[n] = -s;
      let tz = 0;
      if (tau) for (let o = 0; o < O; o++) tz += tau[o] * zq[o];
      for (let o = 0; o < O; o++) hz[o] = hd[o] * zq[o] + (tau ? w * tau[o] * tz : 0);
      for (let o = 0; o < n; o++) out[o] = hz[o] - hz[n];
    };
    // CG on Z^T H Z p = -Z^T g from p = 0
    let rr = 0;
    for (let o = 0; o < n; o++) { p[o] = 0; r[o] = -(g[o] - g[n]); q[o] = r[o]; rr += r[o] * r[o]; }
    const rr0 = rr;
    for (let it = 0; it < n && rr > 1e-24 * Math.max(1, rr0); it++) {
      applyReduced(q, d);
      let qAq = 0;
      for (let o = 0; o < n; o++) qAq += q[o] * d[o];
      if (!(qAq > 0)) break;
      const a = rr / qAq;
      let rrNew = 0;
      for (let o = 0; o < n; o++) { p[o] += a * q[o]; r[o] -= a * d[o]; rrNew += r[o] * r[o]; }
      const beta = rrNew / rr;
      rr = rrNew;
      for (let o = 0; o < n; o++) q[o] = r[o] + beta * q[o];
      cgIterations++;
    }
    let s = 0;
    for (let o = 0; o < n; o++) { d[o] = p[o]; s += p[o]; }
    d[n] = -s;
    let slope = 0;
    for (let o = 0; o < O; o++) slope += g[o] * d[o];
    if (!(slope < -1e-18)) break;
    const f0 = objective(inp, v, off);
    let t = 1;
    let accepted = false;
    for (let ls = 0; ls < 40; ls++, t *= 0.5) {
      for (let o = 0; o < O; o++) trial[o] = v[off + o] + t * d[o];
      const f1 = objective(inp, trial, 0);
      if (f1 <= f0 + 1e-4 * t * slope) { accepted = true; break; }
    }
    if (!accepted) break;
    for (let o = 0; o < O; o++) v[off + o] = trial[o];
  }
  return cgIterations;
}
