import { deadlinePenalty, type RltData } from './rlt-pairs.ts';
import { hullSolution, type HullOptions } from './rlt-hull.ts';
import { RLT_EPS, type RltSolution } from './rlt.ts';
import { coneProblem, offsets } from './rlt-ipm-kkt.ts';
import { ipmArrays, IpmSweeps } from './rlt-ipm-sweeps.ts';
import { startHelper, threadDefaults, type ThreadOptions } from './rlt-ipm-team.ts';
import { socDet } from './rlt-ipm-soc.ts';
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
  /** Threads for the sweeps (rlt-ipm-team.ts). */
  threads?: ThreadOptions;
  /** Called once per iteration (diagnostics, benches). */
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

  let cmax = 0;
  for (let q = 0; q < P; q++) cmax = Math.max(cmax, Math.abs(p.c[q]));
  let cpair = 1;
  for (let q = 0; q < P; q++) for (let r = 0; r < 3; r++) cpair = Math.max(cpair, p.T[3 * q + r]);
  cpair = Math.max(cpair, cmax);
  // The sweeps run on chunks of devices, on two threads above a size (rlt-ipm-team.ts); every
  // per-row array lives in sw.a.
  const sw = new IpmSweeps(p, { p, a: ipmArrays(p, IpmSweeps.chunksFor(p, opts.threads)), actL, actK, cpair, rho }, opts.threads);
  // The helper thread is released however the solve ends.
  try {
    const { hL, hK, cost, y, sL, zL, sK, zK, rzL, rzK } = sw.a;
    for (let m = 0; m < M; m++) { hL[o.O_C4 + m] = 1; hL[o.O_C10 + m] = b[m]; }
    for (let j = 0; j < K; j++) hL[o.O_S + j] = p.colH[j];
    for (let k = 0; k < 3 * P; k++) if (actK[k]) { hK[3 * k] = eps / 2; hK[3 * k + 1] = -eps / 2; }
    for (let q = 0; q < P; q++) { cost[7 * q] = p.c[q]; for (let r = 0; r < 3; r++) cost[7 * q + 4 + r] = p.T[3 * q + r]; }
    for (let m = 0; m < M; m++) cost[P7 + m] = rho;
    let hmax = 1;
    for (let i = 0; i < L; i++) hmax = Math.max(hmax, Math.abs(hL[i]));

    // ---- starting point: a strictly feasible y (but σ), z centred on it (s∘z = μ₀e) ----
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
    const mu0 = Math.max(1e-3, 0.1 * cmax);
    // With s = z = 0 the residual r_z is G·y − h, so the slacks s = h − G·y are −r_z (to the bit).
    sw.resid();
    for (let i = 0; i < L; i++) { sL[i] = actL[i] ? -rzL[i] : 1; zL[i] = actL[i] ? mu0 / sL[i] : 0; }
    for (let k = 0; k < 3 * P; k++) {
      const i = 3 * k;
      if (!actK[k]) { sK[i] = 1; sK[i + 1] = sK[i + 2] = 0; zK[i] = zK[i + 1] = zK[i + 2] = 0; continue; }
      for (let j = 0; j < 3; j++) sK[i + j] = -rzK[i + j];
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

    const maxIt = opts.maxIterations ?? 100;
    let it = 0, gap = Infinity, pres = Infinity, dres = Infinity, stalled = 0, refine = REFINE_FAR, lastAp = 0, lastAd = 0;
    // The best iterate (least gap among those whose linear rows hold to 1e-8): near the optimum the
    // cones' scalings are ill-conditioned and the last steps can stall or leave the cone.
    const best = { gap: Infinity, rel: Infinity, pres: Infinity, dres: Infinity, y: new Float64Array(NY), zL: new Float64Array(L) };
    for (;;) {
      const r = sw.resid();
      const pobj = d.allLocalS + r.cy;
      ({ gap, dres } = r);
      pres = r.pres / hmax;
      if (!Number.isFinite(gap) || !Number.isFinite(pobj) || !Number.isFinite(dres)) break;
      const rel = gap / (1 + Math.abs(pobj));
      opts.onIteration?.({ it, objective: pobj, gap, primalResidual: pres, dualResidual: dres, stepPrimal: lastAp, stepDual: lastAd });
      refine = rel > NEAR ? REFINE_FAR : REFINE_NEAR;
      if (pres <= 1e-8 && Math.max(rel, dres) < Math.max(best.rel, best.dres)) {
        Object.assign(best, { gap, rel, pres, dres });
        best.y.set(y); best.zL.set(zL);
      }
      if ((rel <= GAP_TOL && pres <= 1e-9 && dres <= DUAL_TOL) || it >= maxIt || stalled >= 2 || (stalled >= 1 && rel < NEAR)) break;
      it++;
      const mu = gap / nu;
      sw.scaleFactor();
      // The predictor only sets the step and σ: unrefined far from the optimum, once nearer; the
      // corrector (the step taken) fully. Measured: dropping the corrector's refinement far from the
      // optimum costs up to 1.8× the iterations; the predictor's costs nothing while the gap is above
      // 1e-3, but below it an unrefined predictor makes Mehrotra's σ ≈ 1 and the gap stalls.
      sw.direction(true, 0, rel < PREDICTOR_REFINED ? 1 : 0, REFINE_SKIP);
      const aAff = Math.min(...sw.maxSteps());
      const sigma = Math.min(1, Math.max(0, (sw.gapAt(aAff) / gap) ** 3));
      sw.direction(false, sigma * mu, refine, REFINE_SKIP);
      // Separate primal and dual step lengths (as LP interior-point codes do): each side goes as far
      // as its own cones allow.
      const [ap0, ad0] = sw.maxSteps();
      const ap = Math.min(1, 0.99 * ap0), ad = Math.min(1, 0.99 * ad0);
      const a = Math.min(ap, ad);
      lastAp = ap; lastAd = ad;
      // Stalled: a step cut to almost nothing. Near the optimum (the gap already within NEAR) one
      // such step ends the run, since the scalings are then too ill-conditioned to recover.
      stalled = a < 1e-3 || (a < 0.05 && gap / (1 + Math.abs(pobj)) < NEAR) ? stalled + 1 : 0;
      sw.update(ap, ad);
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
    sw.close();
  }
}
