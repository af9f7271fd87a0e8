import { deadlinePenalty, type RltData } from './rlt-pairs.ts';
import { hullSolution, type HullOptions } from './rlt-hull.ts';
import { RLT_EPS, type RltSolution } from './rlt.ts';
import { coneProblem, offsets } from './rlt-ipm-kkt.ts';
import { shared, Sweeps } from './rlt-ipm-exec.ts';
import { startHelper, threadDefaults, type ThreadOptions } from './rlt-ipm-team.ts';
import { socDet, socDivide, socMaxStep, socProduct, socScaling, wiMul, wMul } from './rlt-ipm-soc.ts';
import { hullDualBound, hullFeasibleValue, type HullMultipliers } from './rlt-hull-bound.ts';

/**
 * The hull relaxation of PA's stage 2 (rlt-hull.ts) as a second-order cone program, solved by a
 * primal–dual interior-point method with Nesterov–Todd scaling and Mehrotra's predictor–corrector
 * (the algorithm of CVXOPT's coneqp, without equality rows), on the structured Newton system of
 * rlt-ipm-kkt.ts.
 *
 * Each perspective term T·x²/(s+ε) gets an epigraph t with the rotated cone t·(s+ε) ≥ x², so the
 * objective and C10 become linear: min Σ c·x + Σ T·t + ρ·Σ σ. In the earlier form (first IPM, deleted;
 * the perspective kept in the objective and in C10, a nonlinear row) the Hessian of the
 * 1-homogeneous perspective is singular along (x, s+ε), the Newton systems lose every digit near
 * the optimum and the dual residual stalls; in cone form the NT scaling keeps every block positive
 * definite and the method converges like an LP interior-point method (about 20–30 iterations,
 * whatever the size).
 */
export interface ConeStats {
  iterations: number;
  /** sᵀz at the returned point (the barrier problem's duality gap, seconds). */
  gap: number;
  primalResidual: number;
  dualResidual: number;
  converged: boolean;
  /** Certificate (rlt-hull-bound.ts): a Lagrangian lower bound and a feasible point's value, penalty included. */
  lower: number;
  upper: number;
}

/**
 * Duality gap to reach, relative to the objective, and dual residual relative to the costs. At 3e-8
 * the certificate lands at 1e-8 – 1e-7, under `auto`'s 1e-6 (measured: stopping at 1e-7 left 6 of
 * 100 small random instances uncertified, 3e-8 and 1e-9 one, 1e-9 costing 1–3 more iterations).
 */
const GAP_TOL = 3e-8;
const DUAL_TOL = 1e-8;
/**
 * The epigraphs start this many shares above their perspective (t = x²/u + T_START·u): well inside
 * their cones, so the first steps are not cut short by them (measured: 20–30 % fewer iterations
 * than T_START = 1 on the paper's and the fleet's scenarios).
 */
const T_START = 100;
/**
 * Rounds of iterative refinement per Newton direction: one while far from the optimum, more near
 * it, where the multipliers' last digits decide how tight the certificate's Lagrangian bound is.
 */
const REFINE_FAR = 1, REFINE_NEAR = 3, NEAR = 1e-5;
/** The predictor (which only sets the step and σ) is refined once the relative gap is below this. */
const PREDICTOR_REFINED = 1e-3;
/**
 * A corrector's first refinement round is skipped when the direct solve's residual is already below
 * this (max-norm, relative to the right-hand side): far from the optimum it is 1e-13 – 1e-9 and the
 * round changes nothing that matters. Measured at the fleet size (M = 1,000, N = 50): 106 → 91 KKT
 * solves, 29 → 28 iterations, certificate 1.5e-7 → 3.1e-7; on 300 random small instances the same
 * iterations and certificates as without it. 1e-10 skipped too few rounds to pay for the norm.
 */
const REFINE_SKIP = 1e-9;

export interface ConeOptions extends HullOptions {
  maxIterations?: number;
  /** Called once per iteration (diagnostics, benches). */
  /** Threads for the sweeps (rlt-ipm-team.ts). */
  threads?: ThreadOptions;
  onIteration?: (info: { it: number; objective: number; gap: number; primalResidual: number; dualResidual: number; stepPrimal: number; stepDual: number }) => void;
}

export function solveHullCone(d: RltData, opts: ConeOptions = {}): RltSolution & { ipm: ConeStats; multipliers: HullMultipliers } {
  const eps = opts.eps ?? RLT_EPS;
  // Started first, so the helper's start-up (~0.3 s under tsx) overlaps the set-up below.
  if (d.pairs.length >= (opts.threads?.minPairs ?? threadDefaults.minPairs)) startHelper();
  const p = coneProblem(d, opts.maxTasks);
  const { P, M, K } = p;
  const o = offsets(p);
  const L = o.L, P7 = 7 * P, NY = P7 + M;
  const rho = deadlinePenalty(d);
  const b = Float64Array.from({ length: M }, (_, m) => d.deadlineS[m] - d.localS[m]);

  // Which rows exist: a pair's CPU/backhaul rows and cones only when it uses the resource; a
  // device's C4/C10 only when it has a pair.
  const actL = new Uint8Array(L), actK = new Uint8Array(3 * P);
  for (let q = 0; q < P; q++) {
    actL[4 * q] = actL[4 * q + 1] = 1;
    actL[4 * q + 2] = p.used[3 * q + 1]; actL[4 * q + 3] = p.used[3 * q + 2];
    for (let r = 0; r < 3; r++) actK[3 * q + r] = p.used[3 * q + r];
  }
  for (let m = 0; m < M; m++) { actL[o.O_SIG + m] = 1; actL[o.O_C4 + m] = actL[o.O_C10 + m] = p.ofDevice[m].length > 0 ? 1 : 0; }
  for (let j = 0; j < K; j++) actL[o.O_S + j] = 1;
  let nu = 0;
  for (let i = 0; i < L; i++) nu += actL[i];
  for (let k = 0; k < 3 * P; k++) nu += actK[k];

  const hL = new Float64Array(L), hK = new Float64Array(9 * P);
  for (let m = 0; m < M; m++) { hL[o.O_C4 + m] = 1; hL[o.O_C10 + m] = b[m]; }
  for (let j = 0; j < K; j++) hL[o.O_S + j] = p.colH[j];
  for (let k = 0; k < 3 * P; k++) if (actK[k]) { hK[3 * k] = eps / 2; hK[3 * k + 1] = -eps / 2; }
  const cost = new Float64Array(NY);
  for (let q = 0; q < P; q++) { cost[7 * q] = p.c[q]; for (let r = 0; r < 3; r++) cost[7 * q + 4 + r] = p.T[3 * q + r]; }
  for (let m = 0; m < M; m++) cost[P7 + m] = rho;

  /** outL/outK = G·y. */
  // One sweep, device by device, the server columns summed as the pairs go by (in increasing pair
  // order, as a column-by-column gather would: the same sums without its strided passes). The
  // cones' rows are skipped when only the linear ones are read (Δs of a direction).
  const applyG = (y: Float64Array, outL: Float64Array, outK: Float64Array, cones = true) => {
    for (let j = 0; j < K; j++) outL[o.O_S + j] = 0;
    for (let m = 0; m < M; m++) {
      const sg = y[P7 + m];
      outL[o.O_SIG + m] = -sg;
      let sx = 0, tot = -sg;
      const mine = p.ofDevice[m];
      for (let e = 0; e < mine.length; e++) {
        const q = mine[e], v = 7 * q, x = y[v], n4 = 4 * p.srv[q];
        outL[4 * q] = -x;
        outL[4 * q + 1] = p.lo[q] * x - y[v + 1];
        outL[4 * q + 2] = actL[4 * q + 2] ? -y[v + 2] : 0;
        outL[4 * q + 3] = actL[4 * q + 3] ? -y[v + 3] : 0;
        if (cones) for (let r = 0; r < 3; r++) {
          const k = 9 * q + 3 * r;
          if (!actK[3 * q + r]) { outK[k] = outK[k + 1] = outK[k + 2] = 0; continue; }
          const s = y[v + 1 + r], t = y[v + 4 + r];
          outK[k] = -0.5 * (t + s); outK[k + 1] = 0.5 * (s - t); outK[k + 2] = -x;
        }
        sx += x;
        tot += p.c[q] * x + p.T[3 * q] * y[v + 4] + p.T[3 * q + 1] * y[v + 5] + p.T[3 * q + 2] * y[v + 6];
        for (let a = 0; a < 4; a++) {
          const j = p.colOf[n4 + a];
          if (j >= 0) outL[o.O_S + j] += y[v + (a < 3 ? 1 + a : 0)];
        }
      }
      outL[o.O_C4 + m] = actL[o.O_C4 + m] ? sx : 0;
      outL[o.O_C10 + m] = actL[o.O_C10 + m] ? tot : 0;
    }
  };
  /** out = Gᵀ·z. */
  const applyGt = (zL: Float64Array, zK: Float64Array, out: Float64Array) => {
    for (let q = 0; q < P; q++) {
      const v = 7 * q, m = p.dev[q], n = p.srv[q];
      const z4 = actL[o.O_C4 + m] ? zL[o.O_C4 + m] : 0, z10 = actL[o.O_C10 + m] ? zL[o.O_C10 + m] : 0;
      let gx = -zL[4 * q] + p.lo[q] * zL[4 * q + 1] + z4 + p.c[q] * z10;
      const jl = p.colOf[4 * n + 3];
      if (jl >= 0) gx += zL[o.O_S + jl];
      out[v + 1] = -zL[4 * q + 1];
      out[v + 2] = actL[4 * q + 2] ? -zL[4 * q + 2] : 0;
      out[v + 3] = actL[4 * q + 3] ? -zL[4 * q + 3] : 0;
      for (let r = 0; r < 3; r++) {
        if (!actK[3 * q + r]) { out[v + 4 + r] = 0; continue; }
        const k = 9 * q + 3 * r;
        gx -= zK[k + 2];
        out[v + 1 + r] += 0.5 * (zK[k + 1] - zK[k]) + zL[o.O_S + p.colOf[4 * n + r]];
        out[v + 4 + r] = p.T[3 * q + r] * z10 - 0.5 * (zK[k] + zK[k + 1]);
      }
      out[v] = gx;
    }
    for (let m = 0; m < M; m++) out[P7 + m] = -zL[o.O_SIG + m] - (actL[o.O_C10 + m] ? zL[o.O_C10 + m] : 0);
  };

  // ---- starting point: a strictly feasible y (but σ), z centred on it (s∘z = μ₀e) ----
  const y = new Float64Array(NY);
  for (let n = 0; n < p.N; n++) {
    const qs = p.ofServer[n];
    for (const q of qs) for (let r = 0; r < 3; r++) if (p.used[3 * q + r]) y[7 * q + 1 + r] = 0.5 / qs.length;
  }
  for (let m = 0; m < M; m++) {
    const qs = p.ofDevice[m];
    for (const q of qs) {
      const v = 7 * q;
      const x = Math.min(0.5 / (qs.length + 1), p.lo[q] > 0 ? 0.5 * y[v + 1] / p.lo[q] : 1);
      y[v] = x;
      for (let r = 0; r < 3; r++) if (p.used[3 * q + r]) { const u = y[v + 1 + r] + eps; y[v + 4 + r] = x * x / u + T_START * u; }
    }
  }
  const sL = new Float64Array(L), zL = new Float64Array(L), sK = new Float64Array(9 * P), zK = new Float64Array(9 * P);
  let cmax = 0;
  for (let q = 0; q < P; q++) cmax = Math.max(cmax, Math.abs(p.c[q]));
  const mu0 = Math.max(1e-3, 0.1 * cmax);
  applyG(y, sL, sK);
  for (let i = 0; i < L; i++) { sL[i] = actL[i] ? hL[i] - sL[i] : 1; zL[i] = actL[i] ? mu0 / sL[i] : 0; }
  for (let k = 0; k < 3 * P; k++) {
    const i = 3 * k;
    if (!actK[k]) { sK[i] = 1; sK[i + 1] = sK[i + 2] = 0; zK[i] = zK[i + 1] = zK[i + 2] = 0; continue; }
    for (let j = 0; j < 3; j++) sK[i + j] = hK[i + j] - sK[i + j];
    const det = socDet(sK, i);
    zK[i] = mu0 * sK[i] / det; zK[i + 1] = -mu0 * sK[i + 1] / det; zK[i + 2] = -mu0 * sK[i + 2] / det;
  }
  // σ starts at its optimum's scale (its multiplier near ρ, σ = μ₀/ρ); C10's slack stays positive,
  // leaving a primal residual where the start misses a deadline.
  for (let m = 0; m < M; m++) {
    const i10 = o.O_C10 + m, is = o.O_SIG + m;
    if (actL[i10]) { sL[i10] = Math.max(sL[i10], 1); zL[i10] = mu0 / sL[i10]; }
    zL[is] = Math.max(rho - (actL[i10] ? zL[i10] : 0), rho / 2);
    sL[is] = mu0 / zL[is];
    y[P7 + m] = sL[is];
  }

  const wL = shared(L), nt = shared(15 * P);
  const rhsY = shared(NY), bzL = shared(L), bzK = shared(9 * P);
  const dy = shared(NY), dzL = shared(L), dzK = shared(9 * P), dztK = shared(9 * P);
  const fY = shared(NY), fL = shared(L), fK = shared(9 * P), gY = shared(NY), gL = shared(L), gK = shared(9 * P), gtK = shared(9 * P);
  const kkt = new Sweeps(p, [wL, nt, rhsY, bzL, bzK, dy, dzL, dzK, dztK, fY, fL, fK, gY, gL, gK, gtK], opts.threads);
  // The helper thread is released however the solve ends.
  try {
    const ry = new Float64Array(NY), rzL = new Float64Array(L), rzK = new Float64Array(9 * P);
    // rsL = s/z and wsL = √(s/z) per linear row, once per iteration (the directions and refinements read them).
    const lamL = new Float64Array(L), rsL = new Float64Array(L), wsL = new Float64Array(L);
    const lamK = new Float64Array(9 * P);
    const xiL = new Float64Array(L), xiK = new Float64Array(9 * P), rcK = new Float64Array(9 * P);
    const dsL = new Float64Array(L), dsK = new Float64Array(9 * P);
    const v3 = new Float64Array(3), v3b = new Float64Array(3);
    const dsaL = new Float64Array(L), dzaL = new Float64Array(L), dsaK = new Float64Array(9 * P), dzaK = new Float64Array(9 * P);
    let cpair = 1;
    for (let q = 0; q < P; q++) for (let r = 0; r < 3; r++) cpair = Math.max(cpair, p.T[3 * q + r]);
    cpair = Math.max(cpair, cmax);
    let hmax = 1;
    for (let i = 0; i < L; i++) hmax = Math.max(hmax, Math.abs(hL[i]));

    /**
     * One Newton direction for the complementarity right-hand side rc (scaled space): fills dy, dz,
     * ds, and the scaled ds̃, dz̃ (in dsaL/dzaL, dsaK/dzaK when `keepScaled`).
     */
    const direction = (sigmaMu: number, rcK: Float64Array, keepScaled: boolean) => {
      // The predictor's r_c is −λ∘λ, the corrector's −λ∘λ − ds̃ₐ∘dz̃ₐ + σμe (on a linear row, products of numbers).
      for (let i = 0; i < L; i++) {
        if (!actL[i]) { bzL[i] = 0; continue; }
        xiL[i] = (keepScaled ? -lamL[i] * lamL[i] : -lamL[i] * lamL[i] - dsaL[i] * dzaL[i] + sigmaMu) / lamL[i];
        bzL[i] = -rzL[i] - wsL[i] * xiL[i];
      }
      for (let k = 0; k < 3 * P; k++) {
        const i = 3 * k;
        if (!actK[k]) { bzK[i] = bzK[i + 1] = bzK[i + 2] = 0; continue; }
        socDivide(lamK, rcK, i, xiK);
        wMul(nt, 5 * k, xiK, i, v3, 0);
        bzK[i] = -rzK[i] - v3[0]; bzK[i + 1] = -rzK[i + 1] - v3[1]; bzK[i + 2] = -rzK[i + 2] - v3[2];
      }
      kkt.solve(rhsY, bzL, bzK, dy, dzL, dzK, dztK);
      // Iterative refinement of the full system in scaled form (Gᵀ W⁻¹ dz̃ = r_y, W⁻¹G Δy − dz̃ = W⁻¹b_z):
      // the cones' W reach condition numbers near 1/μ, so a direct solve alone loses the primal rows.
      // The predictor only sets the step and σ: unrefined far from the optimum, once nearer; the
      // corrector (the step taken) fully. Measured: dropping the corrector's refinement far from the
      // optimum costs up to 1.8× the iterations; the predictor's costs nothing while the gap is above
      // 1e-3, but below it an unrefined predictor makes Mehrotra's σ ≈ 1 and the gap stalls.
      for (let round = 0, rounds = keepScaled ? (lastRel < PREDICTOR_REFINED ? 1 : 0) : refine; round < rounds; round++) {
        // The residuals, with their max-norm and the right-hand side's taken in the same sweeps.
        let res = 0, scale = 0;
        applyGt(dzL, dzK, fY);
        for (let i = 0; i < NY; i++) { const f = rhsY[i] - fY[i]; fY[i] = f; res = Math.max(res, Math.abs(f)); scale = Math.max(scale, Math.abs(rhsY[i])); }
        applyG(dy, fL, fK, true);
        for (let i = 0; i < L; i++) {
          const f = actL[i] ? bzL[i] - fL[i] + rsL[i] * dzL[i] : 0;
          fL[i] = f; res = Math.max(res, Math.abs(f)); scale = Math.max(scale, Math.abs(bzL[i]));
        }
        for (let k = 0; k < 3 * P; k++) {
          const i = 3 * k;
          if (!actK[k]) { fK[i] = fK[i + 1] = fK[i + 2] = 0; continue; }
          for (let j = 0; j < 3; j++) v3[j] = bzK[i + j] - fK[i + j];
          wiMul(nt, 5 * k, v3, 0, v3b, 0);
          for (let j = 0; j < 3; j++) v3b[j] += dztK[i + j];
          wMul(nt, 5 * k, v3b, 0, fK, i);
          res = Math.max(res, Math.abs(fK[i]), Math.abs(fK[i + 1]), Math.abs(fK[i + 2]));
        }
        if (round === 0 && !keepScaled && res <= REFINE_SKIP * scale) break;
        kkt.solve(fY, fL, fK, gY, gL, gK, gtK);
        for (let i = 0; i < NY; i++) dy[i] += gY[i];
        for (let i = 0; i < L; i++) dzL[i] += gL[i];
        for (let i = 0; i < 9 * P; i++) { dzK[i] += gK[i]; dztK[i] += gtK[i]; }
      }
      // Δs: for a cone from its complementarity row in scaled space, ds̃ = ξ − dz̃, Δs = W·ds̃
      // (CVXOPT's way: λ∘(ds̃ + dz̃) = r_c holds exactly where W is ill-conditioned); for a linear
      // row from its primal row, G·Δy + Δs = −r_z, so the linear rows (C4, C9, C11–C13) stay
      // feasible to rounding once reached.
      applyG(dy, fL, fK, false);
      for (let i = 0; i < L; i++) {
        if (!actL[i]) { dsL[i] = dzL[i] = 0; continue; }
        const w = wsL[i];
        dsL[i] = -rzL[i] - fL[i];
        if (keepScaled) { dzaL[i] = w * dzL[i]; dsaL[i] = dsL[i] / w; }
      }
      for (let k = 0; k < 3 * P; k++) {
        const i = 3 * k;
        if (!actK[k]) { dsK[i] = dsK[i + 1] = dsK[i + 2] = 0; continue; }
        for (let j = 0; j < 3; j++) v3[j] = xiK[i + j] - dztK[i + j];
        wMul(nt, 5 * k, v3, 0, dsK, i);
        if (keepScaled) for (let j = 0; j < 3; j++) { dsaK[i + j] = v3[j]; dzaK[i + j] = dztK[i + j]; }
      }
    };
    /** Largest steps keeping the slacks (primal) and the multipliers (dual) in their cones. */
    const maxSteps = (): [number, number] => {
      let ap = 1, ad = 1;
      for (let i = 0; i < L; i++) {
        if (!actL[i]) continue;
        if (dsL[i] < 0) ap = Math.min(ap, -sL[i] / dsL[i]);
        if (dzL[i] < 0) ad = Math.min(ad, -zL[i] / dzL[i]);
      }
      for (let k = 0; k < 3 * P; k++) {
        if (!actK[k]) continue;
        ap = socMaxStep(sK, dsK, 3 * k, ap);
        ad = socMaxStep(zK, dzK, 3 * k, ad);
      }
      return [ap, ad];
    };
    const maxStep = (): number => Math.min(...maxSteps());
    const gapAt = (a: number): number => {
      let g = 0;
      for (let i = 0; i < L; i++) if (actL[i]) g += (sL[i] + a * dsL[i]) * (zL[i] + a * dzL[i]);
      for (let k = 0; k < 3 * P; k++) {
        if (!actK[k]) continue;
        const i = 3 * k;
        g += (sK[i] + a * dsK[i]) * (zK[i] + a * dzK[i]) + (sK[i + 1] + a * dsK[i + 1]) * (zK[i + 1] + a * dzK[i + 1]) + (sK[i + 2] + a * dsK[i + 2]) * (zK[i + 2] + a * dzK[i + 2]);
      }
      return g;
    };

    const maxIt = opts.maxIterations ?? 100;
    let it = 0, gap = Infinity, pres = Infinity, dres = Infinity, stalled = 0, refine = REFINE_FAR, lastAp = 0, lastAd = 0, lastRel = Infinity;
    // The best iterate (least gap among those whose linear rows hold to 1e-8): near the optimum the
    // cones' scalings are ill-conditioned and the last steps can stall or leave the cone.
    const best = { gap: Infinity, rel: Infinity, pres: Infinity, dres: Infinity, y: new Float64Array(NY), zL: new Float64Array(L) };
    for (;;) {
      // Residuals r_y = c + Gᵀz, r_z = G·y + s − h, with their norms, sᵀz and the objective in the same sweeps.
      applyGt(zL, zK, ry);
      let pobj = d.allLocalS;
      dres = 0;
      for (let i = 0; i < NY; i++) { ry[i] += cost[i]; rhsY[i] = -ry[i]; pobj += cost[i] * y[i]; }
      for (let i = 0; i < P7; i++) dres = Math.max(dres, Math.abs(ry[i]) / cpair);
      for (let m = 0; m < M; m++) dres = Math.max(dres, Math.abs(ry[P7 + m]) / rho);
      applyG(y, rzL, rzK);
      pres = 0; gap = 0;
      for (let i = 0; i < L; i++) {
        if (!actL[i]) { rzL[i] = 0; continue; }
        rzL[i] = rzL[i] + sL[i] - hL[i]; pres = Math.max(pres, Math.abs(rzL[i]));
        gap += sL[i] * zL[i];
      }
      for (let k = 0; k < 3 * P; k++) {
        const i = 3 * k;
        if (!actK[k]) continue;
        rzK[i] += sK[i] - hK[i]; rzK[i + 1] += sK[i + 1] - hK[i + 1]; rzK[i + 2] += sK[i + 2] - hK[i + 2];
        gap += sK[i] * zK[i] + sK[i + 1] * zK[i + 1] + sK[i + 2] * zK[i + 2];
      }
      pres /= hmax;
      if (!Number.isFinite(gap) || !Number.isFinite(pobj) || !Number.isFinite(dres)) break;
      const rel = gap / (1 + Math.abs(pobj));
      opts.onIteration?.({ it, objective: pobj, gap, primalResidual: pres, dualResidual: dres, stepPrimal: lastAp, stepDual: lastAd });
      refine = rel > NEAR ? REFINE_FAR : REFINE_NEAR;
      lastRel = rel;
      if (pres <= 1e-8 && Math.max(rel, dres) < Math.max(best.rel, best.dres)) {
        Object.assign(best, { gap, rel, pres, dres });
        best.y.set(y); best.zL.set(zL);
      }
      if ((rel <= GAP_TOL && pres <= 1e-9 && dres <= DUAL_TOL) || it >= maxIt || stalled >= 2 || (stalled >= 1 && rel < NEAR)) break;
      it++;
      const mu = gap / nu;
      for (let i = 0; i < L; i++) if (actL[i]) { wL[i] = zL[i] / sL[i]; lamL[i] = Math.sqrt(sL[i] * zL[i]); rsL[i] = sL[i] / zL[i]; wsL[i] = Math.sqrt(rsL[i]); } else wL[i] = 1;
      // The cones' scalings, and the predictor's rc = −λ∘λ with them.
      for (let k = 0; k < 3 * P; k++) if (actK[k]) { socScaling(sK, zK, 3 * k, nt, 5 * k, lamK); socProduct(lamK, lamK, 3 * k, rcK); for (let j = 0; j < 3; j++) rcK[3 * k + j] = -rcK[3 * k + j]; }
      kkt.factor(wL, nt);
      direction(0, rcK, true);
      const aAff = maxStep();
      const sigma = Math.min(1, Math.max(0, (gapAt(aAff) / gap) ** 3));
      // Corrector: rc = −λ∘λ − ds̃ₐ∘dz̃ₐ + σμe, from the predictor's −λ∘λ still in rcK.
      for (let k = 0; k < 3 * P; k++) {
        if (!actK[k]) continue;
        const i = 3 * k;
        const a0 = dsaK[i], a1 = dsaK[i + 1], a2 = dsaK[i + 2], b0 = dzaK[i], b1 = dzaK[i + 1], b2 = dzaK[i + 2];
        rcK[i] = rcK[i] - (a0 * b0 + a1 * b1 + a2 * b2);
        rcK[i + 1] = rcK[i + 1] - (a0 * b1 + b0 * a1);
        rcK[i + 2] = rcK[i + 2] - (a0 * b2 + b0 * a2);
        rcK[i] += sigma * mu;
      }
      direction(sigma * mu, rcK, false);
      // Separate primal and dual step lengths (as LP interior-point codes do): each side goes as far
      // as its own cones allow.
      const [ap0, ad0] = maxSteps();
      const ap = Math.min(1, 0.99 * ap0), ad = Math.min(1, 0.99 * ad0);
      const a = Math.min(ap, ad);
      lastAp = ap; lastAd = ad;
      // Stalled: a step cut to almost nothing. Near the optimum (the gap already within NEAR) one
      // such step ends the run, since the scalings are then too ill-conditioned to recover.
      stalled = a < 1e-3 || (a < 0.05 && gap / (1 + Math.abs(pobj)) < NEAR) ? stalled + 1 : 0;
      for (let i = 0; i < NY; i++) y[i] += ap * dy[i];
      for (let i = 0; i < L; i++) if (actL[i]) { sL[i] += ap * dsL[i]; zL[i] += ad * dzL[i]; }
      for (let i = 0; i < 9 * P; i++) { sK[i] += ap * dsK[i]; zK[i] += ad * dzK[i]; }
    }
    if (best.gap < Infinity) { y.set(best.y); zL.set(best.zL); ({ gap, pres, dres } = best); }
    const converged = best.rel <= 10 * GAP_TOL && best.dres <= 10 * DUAL_TOL;

    const sol = hullSolution(d, eps, (q, k) => y[7 * q + k], (m) => y[P7 + m], it, 0);
    const x = Float64Array.from({ length: P }, (_, q) => y[7 * q]);
    const shares = Float64Array.from({ length: 3 * P }, (_, i) => y[7 * ((i / 3) | 0) + 1 + (i % 3)]);
    const upper = hullFeasibleValue(d, eps, rho, x, shares, opts.maxTasks);
    const muS = new Float64Array(3 * p.N), kappa = new Float64Array(p.N);
    for (let j = 0; j < K; j++) { if (p.colA[j] < 3) muS[3 * p.colN[j] + p.colA[j]] = zL[o.O_S + j]; else kappa[p.colN[j]] = zL[o.O_S + j]; }
    const multipliers: HullMultipliers = { pi: zL.slice(o.O_C4, o.O_C4 + M), eta: zL.slice(o.O_C10, o.O_C10 + M), mu: muS, kappa };
    const lower = hullDualBound(d, eps, rho, multipliers, opts.maxTasks);
    return { ...sol, multipliers, ipm: { iterations: it, gap, primalResidual: pres, dualResidual: dres, converged, lower, upper } };
  } finally {
    kkt.close();
  }
}
