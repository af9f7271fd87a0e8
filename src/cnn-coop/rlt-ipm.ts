import { deadlinePenalty, type RltData } from './rlt-pairs.ts';
import { hullSolution, type HullOptions } from './rlt-hull.ts';
import { RLT_EPS, type RltSolution } from './rlt.ts';
import { NewtonSolver, type NewtonPieces } from './rlt-ipm-newton.ts';
import { hullDualBound, hullFeasibleValue } from './rlt-hull-bound.ts';

/** A pair block whose QR diagonal spans more than this ratio goes to its device's dense part. */
const ILL_CONDITIONED = 1e-2;
/** Up to this many servers every pair goes to the dense part (blocks of ≤ 4N+1 = 33 rows): the
 *  most accurate split, and cheap at that size. */
const ALL_DENSE_UP_TO_N = 8;

/**
 * Superseded by the conic method (rlt-ipm-cone.ts), which PA uses; kept as the previous solver the
 * bench (bench/cnn-coop.bench.ts) measures against. It stalls 1e-6 – 2e-5 above the optimum on
 * some instances and does not converge at the fleet size (docs/pa-fidelity.md).
 *
 * The hull relaxation of PA's stage 2 (rlt-hull.ts) by a primal–dual interior-point method that
 * uses its structure, instead of HiGHS cutting planes.
 *
 * Variables: per pair q, z_q = (x, s_b, s_c, s_f); per device, the C10 slack σ_m. Objective
 * Σ c_q x_q + Σ T_qr x_q²/(s_qr + ε) + ρ Σ σ_m, smooth and convex. Constraints g ≤ 0, each with a
 * slack w > 0 and a multiplier λ > 0 (Mehrotra predictor–corrector on λ·w = μ):
 *   per pair:   -x ≤ 0;  lo·x - s_b ≤ 0 (C9);  -s_c ≤ 0;  -s_f ≤ 0
 *   per device: Σ x ≤ 1 (C4);  Σ (c x + Σ T x²/u) - σ ≤ D^max - D_m (C10);  -σ ≤ 0
 *   per server: Σ s_r ≤ 1 (C11–C13);  Σ x ≤ Q_n (load limit, when asked)
 * Newton's matrix is block diagonal (4×4 per pair, from the perspective terms and the pair rows)
 * plus two rank-one terms per device and ≤ 4 per server. Devices are folded in by Woodbury
 * (2×2 per device), servers by a dense Schur complement of order ≤ 4N, so one iteration costs
 * O(P + M·(4N)² + (4N)³) and the method needs a few dozen iterations for 1e-10 complementarity.
 * Linear rows start strictly feasible and stay so (fraction to the boundary), so u = s + ε > 0
 * always; C10 is the only nonlinear row and carries its residual.
 */

interface Rows { g: Float64Array; w: Float64Array; l: Float64Array }
const rows = (n: number): Rows => ({ g: new Float64Array(n), w: new Float64Array(n), l: new Float64Array(n) });

export interface IpmStats {
  iterations: number;
  /** Σ λ·w at the returned point: the duality gap of the barrier problem, in seconds. */
  gap: number;
  primalResidual: number;
  dualResidual: number;
  /** The gap reached GAP_TOL·(1 + Σ D_m) (within a factor 10) at a primal feasible point. */
  converged: boolean;
  /** Certificate (rlt-hull-bound.ts): Lagrangian lower bound and a feasible point's value, penalty included. */
  lower: number;
  upper: number;
}

/** Complementarity to reach, relative to the all-local latency Σ D_m. */
const GAP_TOL = 1e-11;

export function solveHullIpm(d: RltData, opts: HullOptions & { maxIterations?: number } = {}): RltSolution & { ipm: IpmStats } {
  const eps = opts.eps ?? RLT_EPS;
  const { M, N, pairs } = d;
  const P = pairs.length;
  const rho = deadlinePenalty(d);
  const scale = 1 + d.allLocalS;
  const T = new Float64Array(3 * P);
  const used = new Uint8Array(3 * P);
  const c = new Float64Array(P);
  const lo = new Float64Array(P);
  const dev = new Int32Array(P);
  const srv = new Int32Array(P);
  pairs.forEach((p, q) => {
    c[q] = p.fixed - d.localS[p.m];
    lo[q] = p.lo;
    dev[q] = p.m;
    srv[q] = p.n;
    for (let r = 0; r < 3; r++) { T[3 * q + r] = p.times[r]; used[3 * q + r] = p.times[r] > 0 ? 1 : 0; }
  });
  const b = Float64Array.from({ length: M }, (_, m) => d.deadlineS[m] - d.localS[m]);
  // Server columns: 3 shares, plus the load limit where one is asked.
  const limit = Array.from({ length: N }, (_, n) => opts.maxTasks?.[n]);
  const cols: Array<{ n: number; a: number }> = [];
  const colOf = new Int32Array(4 * N).fill(-1);
  for (let n = 0; n < N; n++) {
    if (d.ofServer[n].length === 0) continue;
    for (let a = 0; a < 4; a++) {
      if (a === 3 && limit[n] === undefined) continue;
      if (a < 3 && !d.ofServer[n].some((q) => used[3 * q + a])) continue;
      colOf[4 * n + a] = cols.length;
      cols.push({ n, a });
    }
  }
  const K = cols.length;

  // ---- starting point: every linear row strictly feasible ----
  const z = new Float64Array(4 * P);
  const sigma = new Float64Array(M);
  for (let n = 0; n < N; n++) {
    const k = d.ofServer[n].length;
    for (const q of d.ofServer[n]) for (let r = 0; r < 3; r++) z[4 * q + 1 + r] = used[3 * q + r] ? 0.5 / k : 0;
  }
  for (let m = 0; m < M; m++) {
    const mine = d.ofDevice[m];
    for (const q of mine) z[4 * q] = Math.min(0.5 / (mine.length + 1), lo[q] > 0 ? 0.5 * z[4 * q + 1] / lo[q] : 1);
  }
  const pa = rows(P), pb = rows(P), pc = rows(2 * P), dC4 = rows(M), dC10 = rows(M), dS = rows(M), sv = rows(K);
  const all = [pa, pb, pc, dC4, dC10, dS, sv];
  const pairCost = (q: number): number => {
    const x = z[4 * q];
    let v = c[q] * x;
    for (let r = 0; r < 3; r++) if (used[3 * q + r]) v += T[3 * q + r] * x * x / (z[4 * q + 1 + r] + eps);
    return v;
  };
  const evalRows = () => {
    for (let q = 0; q < P; q++) {
      pa.g[q] = -z[4 * q];
      pb.g[q] = lo[q] * z[4 * q] - z[4 * q + 1];
      pc.g[2 * q] = used[3 * q + 1] ? -z[4 * q + 2] : -1;
      pc.g[2 * q + 1] = used[3 * q + 2] ? -z[4 * q + 3] : -1;
    }
    for (let m = 0; m < M; m++) {
      let sx = 0, cost = 0;
      for (const q of d.ofDevice[m]) { sx += z[4 * q]; cost += pairCost(q); }
      dC4.g[m] = d.ofDevice[m].length ? sx - 1 : -1;
      dC10.g[m] = d.ofDevice[m].length ? cost - sigma[m] - b[m] : -1;
      dS.g[m] = -sigma[m];
    }
    for (let j = 0; j < K; j++) {
      const { n, a } = cols[j];
      let v = 0;
      for (const q of d.ofServer[n]) v += a < 3 ? z[4 * q + 1 + a] : z[4 * q];
      sv.g[j] = v - (a < 3 ? 1 : limit[n]!);
    }
  };
  // A centred start, λ·w = μ₀ on every row, except that σ starts at its optimum's scale: its
  // multiplier at ρ (the penalty a deadline second costs) and σ = μ₀/ρ; C10 then starts with a
  // residual (its slack is not -g) that the Newton steps remove.
  const mu0 = 1;
  for (let m = 0; m < M; m++) sigma[m] = mu0 / rho;
  evalRows();
  for (const R of all) for (let i = 0; i < R.g.length; i++) { R.w[i] = Math.max(-R.g[i], R === dC10 ? 1 : 1e-8); R.l[i] = mu0 / R.w[i]; }
  for (let m = 0; m < M; m++) { dS.l[m] = rho - dC10.l[m]; }
  const nc = all.reduce((a, R) => a + R.g.length, 0);

  // ---- Newton system pieces (rlt-ipm-newton.ts) ----
  const u1 = new Float64Array(4 * P); // C4 row gradient (x entries 1)
  const u2 = new Float64Array(4 * P); // C10 row gradient over pairs
  for (let q = 0; q < P; q++) u1[4 * q] = 1;
  const gradPair = (q: number, out: Float64Array, at: number) => {
    const x = z[4 * q];
    let gx = c[q];
    for (let r = 0; r < 3; r++) {
      if (!used[3 * q + r]) { out[at + 1 + r] = 0; continue; }
      const u = z[4 * q + 1 + r] + eps;
      gx += 2 * T[3 * q + r] * x / u;
      out[at + 1 + r] = -T[3 * q + r] * x * x / (u * u);
    }
    out[at] = gx;
  };
  const Gt = new Float64Array(4 * 8);
  const blk = new Float64Array(16);
  const pieces: NewtonPieces = {
    P, M, ofDevice: d.ofDevice, srv, ofServer: d.ofServer, cols, colOf,
    Dblk: new Float64Array(16 * P), Dinv: new Float64Array(16 * P), illConditioned: new Uint8Array(P),
    dSigma: new Float64Array(M), omega1: new Float64Array(M), omega2: new Float64Array(M), u1, u2, theta2: new Float64Array(K),
  };
  let newton: NewtonSolver | undefined;
  const factor = (): NewtonSolver => {
    for (let q = 0; q < P; q++) {
      // The block as a sum of squares G·Gᵀ (the perspective's rank-one terms and the pair's rows).
      const m = dev[q];
      const x = z[4 * q];
      const wt = 1 + dC10.l[m];
      let n = 0;
      const col = (a0: number, a1: number, a2: number, a3: number) => { Gt[4 * n] = a0; Gt[4 * n + 1] = a1; Gt[4 * n + 2] = a2; Gt[4 * n + 3] = a3; n++; };
      for (let r = 0; r < 3; r++) {
        if (!used[3 * q + r]) { col(0, r === 0 ? 1 : 0, r === 1 ? 1 : 0, r === 2 ? 1 : 0); continue; }
        const u = z[4 * q + 1 + r] + eps;
        const k = Math.sqrt(wt * 2 * T[3 * q + r] / u);
        col(k, r === 0 ? -k * x / u : 0, r === 1 ? -k * x / u : 0, r === 2 ? -k * x / u : 0);
      }
      col(Math.sqrt(pa.l[q] / pa.w[q]), 0, 0, 0);
      const sb = Math.sqrt(pb.l[q] / pb.w[q]);
      col(sb * lo[q], -sb, 0, 0);
      if (used[3 * q + 1]) col(0, 0, Math.sqrt(pc.l[2 * q] / pc.w[2 * q]), 0);
      if (used[3 * q + 2]) col(0, 0, 0, Math.sqrt(pc.l[2 * q + 1] / pc.w[2 * q + 1]));
      const ratio = gramInverse(Gt, n, pieces.Dinv, 16 * q, blk);
      pieces.Dblk.set(blk, 16 * q);
      pieces.illConditioned[q] = N <= ALL_DENSE_UP_TO_N || ratio < ILL_CONDITIONED ? 1 : 0;
      gradPair(q, u2, 4 * q);
    }
    for (let m = 0; m < M; m++) {
      pieces.dSigma[m] = dS.l[m] / dS.w[m];
      pieces.omega1[m] = dC4.l[m] / dC4.w[m];
      pieces.omega2[m] = dC10.l[m] / dC10.w[m];
    }
    for (let j = 0; j < K; j++) pieces.theta2[j] = sv.l[j] / sv.w[j];
    newton ??= new NewtonSolver(pieces);
    newton.factor();
    return newton;
  };

  // ---- residuals and the step ----
  const rd = new Float64Array(4 * P), rds = new Float64Array(M);
  const gp = new Float64Array(4);
  const dualResidual = () => {
    for (let q = 0; q < P; q++) {
      const m = dev[q], n = srv[q];
      gradPair(q, gp, 0);
      const wt = 1 + dC10.l[m];
      rd[4 * q] = wt * gp[0] - pa.l[q] + pb.l[q] * lo[q] + dC4.l[m] + (colOf[4 * n + 3] >= 0 ? sv.l[colOf[4 * n + 3]] : 0);
      rd[4 * q + 1] = wt * gp[1] - pb.l[q] + (colOf[4 * n] >= 0 ? sv.l[colOf[4 * n]] : 0);
      for (let r = 1; r < 3; r++) rd[4 * q + 1 + r] = used[3 * q + r] ? wt * gp[1 + r] - pc.l[2 * q + r - 1] + sv.l[colOf[4 * n + r]] : 0;
    }
    for (let m = 0; m < M; m++) rds[m] = rho - dC10.l[m] - dS.l[m];
  };
  /** Jᵀ·coef over all rows, added to (vz, vs): Σ_i coef_i ∇g_i. */
  const addJt = (coef: (R: Rows, i: number) => number, vz: Float64Array, vs: Float64Array) => {
    for (let q = 0; q < P; q++) {
      const m = dev[q], n = srv[q];
      vz[4 * q] += -coef(pa, q) + lo[q] * coef(pb, q);
      vz[4 * q + 1] += -coef(pb, q);
      if (used[3 * q + 1]) vz[4 * q + 2] -= coef(pc, 2 * q);
      if (used[3 * q + 2]) vz[4 * q + 3] -= coef(pc, 2 * q + 1);
      vz[4 * q] += coef(dC4, m);
      const k10 = coef(dC10, m);
      for (let i = 0; i < 4; i++) vz[4 * q + i] += k10 * u2[4 * q + i];
      for (let a = 0; a < 4; a++) { const j = colOf[4 * n + a]; if (j >= 0) vz[4 * q + (a < 3 ? 1 + a : 0)] += coef(sv, j); }
    }
    for (let m = 0; m < M; m++) vs[m] += -coef(dC10, m) - coef(dS, m);
  };
  /** J·Δz per row (the linearised change of g). */
  const rowChange = (R: Rows, i: number, dz: Float64Array, dsg: Float64Array): number => {
    if (R === pa) return -dz[4 * i];
    if (R === pb) return lo[i] * dz[4 * i] - dz[4 * i + 1];
    if (R === pc) { const q = i >> 1, r = 1 + (i & 1); return used[3 * q + r] ? -dz[4 * q + 1 + r] : 0; }
    if (R === dC4) { let v = 0; for (const q of d.ofDevice[i]) v += dz[4 * q]; return v; }
    if (R === dC10) { let v = -dsg[i]; for (const q of d.ofDevice[i]) for (let k = 0; k < 4; k++) v += u2[4 * q + k] * dz[4 * q + k]; return v; }
    if (R === dS) return -dsg[i];
    const { n, a } = cols[i];
    let v = 0;
    for (const q of d.ofServer[n]) v += dz[4 * q + (a < 3 ? 1 + a : 0)];
    return v;
  };

  const rhsAll = new Float64Array(4 * P + M), dAll = new Float64Array(4 * P + M);
  const rhs = rhsAll.subarray(0, 4 * P), rhss = rhsAll.subarray(4 * P);
  const dz = dAll.subarray(0, 4 * P), dsg = dAll.subarray(4 * P);
  const dw = all.map((R) => new Float64Array(R.g.length)), dl = all.map((R) => new Float64Array(R.g.length));
  const dwAff = all.map((R) => new Float64Array(R.g.length)), dlAff = all.map((R) => new Float64Array(R.g.length));
  const maxIt = opts.maxIterations ?? 200;
  let it = 0, mu = 0, rpMax = 0, rdMax = 0;
  const direction = (solver: NewtonSolver, rc: (R: Rows, k: number, i: number) => number, DW: Float64Array[], DL: Float64Array[]) => {
    for (let i = 0; i < 4 * P; i++) rhs[i] = -rd[i];
    for (let m = 0; m < M; m++) rhss[m] = -rds[m];
    addJt((R, i) => { const k = all.indexOf(R); return -(R.l[i] * (R.g[i] + R.w[i]) - rc(R, k, i)) / R.w[i]; }, rhs, rhss);
    solver.solveRefined(rhsAll, dAll);
    all.forEach((R, k) => {
      for (let i = 0; i < R.g.length; i++) {
        DW[k][i] = -(R.g[i] + R.w[i]) - rowChange(R, i, dz, dsg);
        DL[k][i] = (-rc(R, k, i) - R.l[i] * DW[k][i]) / R.w[i];
      }
    });
  };
  const maxStep = (DW: Float64Array[], DL: Float64Array[], frac: number) => {
    let a = 1;
    all.forEach((R, k) => {
      for (let i = 0; i < R.g.length; i++) {
        if (DW[k][i] < 0) a = Math.min(a, -frac * R.w[i] / DW[k][i]);
        if (DL[k][i] < 0) a = Math.min(a, -frac * R.l[i] / DL[k][i]);
      }
    });
    return a;
  };
  // The best iterate so far (least complementarity among those primal feasible to 1e-8): near the
  // optimum the Newton matrix is singular to working precision and the last steps can go astray.
  const bestZ = new Float64Array(4 * P), bestSigma = new Float64Array(M);
  const bestPi = new Float64Array(M), bestEta = new Float64Array(M), bestMu = new Float64Array(3 * N), bestKappa = new Float64Array(N);
  const keepMultipliers = () => {
    bestPi.set(dC4.l); bestEta.set(dC10.l);
    bestMu.fill(0); bestKappa.fill(0);
    cols.forEach(({ n, a }, j) => { if (a < 3) bestMu[3 * n + a] = sv.l[j]; else bestKappa[n] = sv.l[j]; });
  };
  let best = { gap: Infinity, rp: Infinity, rd: Infinity, it: 0 };
  let stalled = 0;
  for (;;) {
    evalRows();
    dualResidual();
    mu = 0; rpMax = 0; rdMax = 0;
    for (const R of all) for (let i = 0; i < R.g.length; i++) { mu += R.l[i] * R.w[i]; rpMax = Math.max(rpMax, Math.abs(R.g[i] + R.w[i])); }
    mu /= nc;
    for (let i = 0; i < 4 * P; i++) rdMax = Math.max(rdMax, Math.abs(rd[i]));
    for (let m = 0; m < M; m++) rdMax = Math.max(rdMax, Math.abs(rds[m]) / (1 + rho) * scale);
    if (!Number.isFinite(mu) || !Number.isFinite(rpMax)) break;
    if (rpMax <= 1e-8 * scale && mu * nc < best.gap) {
      best = { gap: mu * nc, rp: rpMax, rd: rdMax, it };
      bestZ.set(z); bestSigma.set(sigma);
      keepMultipliers();
    }
    if ((mu * nc <= GAP_TOL * scale && rpMax <= 1e-10 * scale) || it >= maxIt || stalled >= 3) break;
    it++;
    const solver = factor();
    direction(solver, (R, _k, i) => R.l[i] * R.w[i], dwAff, dlAff);
    const aAff = maxStep(dwAff, dlAff, 1);
    let muAff = 0;
    all.forEach((R, k) => { for (let i = 0; i < R.g.length; i++) muAff += (R.l[i] + aAff * dlAff[k][i]) * (R.w[i] + aAff * dwAff[k][i]); });
    muAff /= nc;
    const sig = Math.min(1, (muAff / mu) ** 3);
    direction(solver, (R, k, i) => R.l[i] * R.w[i] + dlAff[k][i] * dwAff[k][i] - sig * mu, dw, dl);
    let a = maxStep(dw, dl, 0.995);
    if (a < 0.5 * aAff) {
      // The second-order correction can point at the boundary far from the central path; a plain
      // centring step then makes more progress.
      direction(solver, (R, _k, i) => R.l[i] * R.w[i] - Math.max(sig, 0.1) * mu, dw, dl);
      a = maxStep(dw, dl, 0.995);
    }
    stalled = a < 1e-6 ? stalled + 1 : 0;
    for (let i = 0; i < 4 * P; i++) z[i] += a * dz[i];
    for (let m = 0; m < M; m++) sigma[m] += a * dsg[m];
    all.forEach((R, k) => { for (let i = 0; i < R.g.length; i++) { R.w[i] += a * dw[k][i]; R.l[i] += a * dl[k][i]; } });
  }
  if (best.gap < Infinity) { z.set(bestZ); sigma.set(bestSigma); }
  const converged = best.gap <= GAP_TOL * scale * 10;
  const sol = hullSolution(d, eps, (q, k) => z[4 * q + k], (m) => sigma[m], it, 0);
  // The certificate: a feasible point's value and the Lagrangian bound of the kept multipliers.
  const shares = Float64Array.from({ length: 3 * P }, (_, i) => z[4 * Math.floor(i / 3) + 1 + (i % 3)]);
  const upper = hullFeasibleValue(d, eps, rho, Float64Array.from({ length: P }, (_, q) => z[4 * q]), shares, opts.maxTasks);
  const lower = best.gap < Infinity ? hullDualBound(d, eps, rho, { pi: bestPi, eta: bestEta, mu: bestMu, kappa: bestKappa }, opts.maxTasks) : -Infinity;
  return { ...sol, ipm: { iterations: it, gap: best.gap, primalResidual: best.rp, dualResidual: best.rd, converged, lower, upper } };
}

/**
 * For G (4 × n, given as its n columns of 4 in Gt): out[o..] = (G·Gᵀ)⁻¹ and gram = G·Gᵀ, via the
 * Householder QR of Gᵀ = Q·R, so (G·Gᵀ)⁻¹ = R⁻¹R⁻ᵀ loses only cond(R) = √cond(G·Gᵀ) digits.
 */
function gramInverse(Gt: Float64Array, n: number, out: Float64Array, o: number, gram: Float64Array): number {
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) { let v = 0; for (let k = 0; k < n; k++) v += Gt[4 * k + i] * Gt[4 * k + j]; gram[4 * i + j] = v; }
  const A = Gt.slice(0, 4 * n); // A[k][j] = Gt[4k + j]: n × 4, row k
  const R = new Float64Array(16);
  for (let j = 0; j < 4; j++) {
    let norm = 0;
    for (let k = j; k < n; k++) norm += A[4 * k + j] * A[4 * k + j];
    norm = Math.sqrt(norm);
    if (norm === 0) { R[5 * j] = 1e-300; continue; }
    const alpha = A[4 * j + j] > 0 ? -norm : norm;
    // v = a - alpha e_j, reflection H = I - 2vvᵀ/vᵀv applied to the remaining columns.
    const v = new Float64Array(n);
    for (let k = j; k < n; k++) v[k] = A[4 * k + j];
    v[j] -= alpha;
    let vv = 0;
    for (let k = j; k < n; k++) vv += v[k] * v[k];
    for (let c = j; c < 4; c++) {
      let dot = 0;
      for (let k = j; k < n; k++) dot += v[k] * A[4 * k + c];
      const f = vv > 0 ? 2 * dot / vv : 0;
      for (let k = j; k < n; k++) A[4 * k + c] -= f * v[k];
    }
    for (let c = j; c < 4; c++) R[4 * j + c] = A[4 * j + c];
  }
  // R⁻¹ (upper), then out = R⁻¹R⁻ᵀ.
  const Ri = new Float64Array(16);
  for (let j = 0; j < 4; j++) {
    Ri[5 * j] = 1 / R[5 * j];
    for (let i = j - 1; i >= 0; i--) {
      let v = 0;
      for (let k = i + 1; k <= j; k++) v += R[4 * i + k] * Ri[4 * k + j];
      Ri[4 * i + j] = -v / R[5 * i];
    }
  }
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) { let v = 0; for (let k = Math.max(i, j); k < 4; k++) v += Ri[4 * i + k] * Ri[4 * j + k]; out[o + 4 * i + j] = v; }
  let lo = Infinity, hi = 0;
  for (let j = 0; j < 4; j++) { lo = Math.min(lo, Math.abs(R[5 * j])); hi = Math.max(hi, Math.abs(R[5 * j])); }
  return lo / hi;
}
