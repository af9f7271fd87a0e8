import { type CompiledGroup, type GroupPlan, type Params, LOCAL, MBS, emptyPlan, evaluateGroup, pathDelays, sbsRate } from '../physics.ts';
import { globalTaskUpdate } from './global-update.ts';

/**
 * The paper's parallel multi-block ADMM (Section IV) on one group. Each task has O = K + 2
 * options: its K candidate SBSs (the K strongest channels), the MBS and its device. Global
 * variables v (P6, relaxed and smoothed as P8/P9), local copies x^ per block, duals lambda (21).
 * One iteration:
 *   1. environment from the previous v: expected interference at every SBS and expected bits
 *      forwarded on every path (Jacobi: each block sees the others' previous values, so the
 *      blocks are independent and can run in any order or at once, with identical numerics);
 *   2. local blocks: P4 (device) and P5 (MBS) by comparing their two values (23)-(24); one P7
 *      block per SBS by CBGP (Algorithm 1): shares (the R = x/h step, in closed form: the exact
 *      minimiser of the RLT-linearised compute term under sum h·x <= 1 is h ∝ sqrt(c_i u / f)),
 *      then c0, then c1 (projected gradient steps), then c_i = c - c0 - c1, then x^ (eq. 36:
 *      the quadratic in x^ with the concave-penalty linearisation of Theorem 2, clipped to [0, 1]);
 *   3. global update per task (global-update.ts);
 *   4. duals lambda += rho (x^ - v); primal and dual residuals; smoothing omega shrinks.
 * Costs are scaled by the group's mean best stand-alone cost so that rho is dimensionless.
 */
export interface AdmmOptions {
  rho: number;
  maxIterations: number;
  minIterations: number;
  /** Stop when both residuals (root mean square per task) fall below this. */
  tolerance: number;
  omega0: number;
  omegaDecay: number;
  omegaMin: number;
  /** Penalty xi·v(1 - v); kept below rho/2 so each global sub-problem stays strictly convex. */
  xi: number;
  /** Weight delta of the concave penalty x - x² (Theorem 2) in the SBS blocks. */
  delta: number;
  cbgpSweeps: number;
  /** Projected-gradient step for c0 and c1, as a fraction of the task's bits. */
  cbgpStep: number;
  newtonSteps: number;
  candidateSbs: number;
  /** Improve the rounded plan by single-task moves (admm/polish.ts). */
  polish: boolean;
  /** Then by moves priced by their exact effect on the whole group, interference included (admm/improve.ts). */
  improve: boolean;
  /** Record the rounded plan's utility at every iteration (one full evaluation an iteration, about
   *  doubling the run time; Figs. 2-3 turn it on). */
  traceRounded: boolean;
}

export const defaultAdmmOptions: AdmmOptions = {
  rho: 1, maxIterations: 60, minIterations: 5, tolerance: 1e-3, omega0: 0.05, omegaDecay: 0.8, omegaMin: 1e-5,
  xi: 0.2, delta: 0.05, cbgpSweeps: 2, cbgpStep: 0.25, newtonSteps: 2, candidateSbs: 4, polish: true, improve: true, traceRounded: false,
};

export interface GroupTrace {
  utility: number[];
  /** Utility of the rounded plan (largest global value per task, no repair) at every iteration. */
  rounded: number[];
  primalSq: number[];
  dualSq: number[];
}

/**
 * Does the ADMM split tasks? Counts of one group's tasks whose bits are not all in one tier
 * (device / SBS / MBS): `relaxed` in the last iterate (bits weighted by the global values v, at
 * least 1 % of the task's bits in two tiers or more), `rounded` in the plan rounded from it,
 * `final` after repair, polish and improvement; `fractional` tasks have no global value >= 0.99.
 */
export interface SplitCounts {
  relaxed: number;
  fractional: number;
  rounded: number;
  final: number;
}

export interface GroupAdmmOutput {
  plan: GroupPlan;
  iterations: number;
  trace: GroupTrace;
  splits: SplitCounts;
  /** Filled by solveAndRoundGroup when the improvement ran (algorithms/admm.ts). */
  improve?: { moves: number; passes: number; exactChecks: number; rejected: number; utilityBefore: number; utilityAfter: number };
}

/** Tasks of a plan whose bits are in more than one tier. */
export function countSplits(g: CompiledGroup, plan: GroupPlan): number {
  let k = 0;
  for (let j = 0; j < g.n; j++) {
    if (plan.place[j] < 0) continue;
    const ci = g.bits[j] - plan.c0[j] - plan.c1[j];
    if ((plan.c0[j] > 0 ? 1 : 0) + (plan.c1[j] > 0 ? 1 : 0) + (ci > 0 ? 1 : 0) >= 2) k++;
  }
  return k;
}

export function solveGroupAdmm(g: CompiledGroup, P: Params, opt: AdmmOptions): GroupAdmmOutput {
  const { n, S } = g;
  const K = Math.min(S, Math.max(0, opt.candidateSbs));
  const O = K + 2, iM = K, iL = K + 1;
  const cand = new Int32Array(n * K);
  for (let j = 0; j < n; j++) {
    const order = Array.from({ length: S }, (_, i) => i).sort((a, b) => g.gain[j * S + b] - g.gain[j * S + a] || a - b);
    for (let k = 0; k < K; k++) cand[j * K + k] = order[k];
  }
  const { alpha } = P;
  const U = (t: number, e: number) => alpha * t + (1 - alpha) * e;
  // set in the first iteration from the cheapest option of every task, so rho is dimensionless
  let scale = 1;

  const v = new Float64Array(n * O).fill(1 / O), lam = new Float64Array(n * O), xhat = new Float64Array(n * O);
  const cost = new Float64Array(n * O), util = new Float64Array(n * O), marg = new Float64Array(n * O), time = new Float64Array(n * O), vPrev = new Float64Array(n * O);
  const c0 = new Float64Array(n * K), c1 = new Float64Array(n * K), h = new Float64Array(n * K);
  const rate = new Float64Array(n * K);
  const tau = new Float64Array(O);
  const trace: GroupTrace = { utility: [], rounded: [], primalSq: [], dualSq: [] };
  const pairsAt: number[][] = Array.from({ length: S }, () => []);
  for (let j = 0; j < n; j++) for (let k = 0; k < K; k++) pairsAt[cand[j * K + k]].push(j * K + k);
  for (let j = 0; j < n; j++) {
    util[j * O + iL] = marg[j * O + iL] = U(g.localT[j], g.localE[j]); time[j * O + iL] = g.localT[j];
    util[j * O + iM] = marg[j * O + iM] = U(g.mbsT[j], g.mbsE[j]); time[j * O + iM] = g.mbsT[j];
  }
  const eS = P.sbsJPerCycle, eM = P.mbsJPerCycle;
  let omega = opt.omega0;
  let iterations = 0;
  const rxAll = new Float64Array(S), upAt = new Float64Array(S), fwd = new Float64Array(S), nFwd = new Float64Array(S);
  const elemLoad = new Float64Array(g.elemIsLink.length);
  const mbsSpeed = new Float64Array(n).fill(g.mbsHz);

  // rounding: each task takes its largest global value (ties: the cheaper option)
  const roundPlan = (): GroupPlan => {
    const plan = emptyPlan(n, LOCAL);
    for (let j = 0; j < n; j++) {
      let best = 0;
      for (let o = 1; o < O; o++) {
        const a = v[j * O + o], b = v[j * O + best];
        if (a > b + 1e-12 || (Math.abs(a - b) <= 1e-12 && cost[j * O + o] < cost[j * O + best])) best = o;
      }
      if (best === iL) plan.place[j] = LOCAL;
      else if (best === iM) plan.place[j] = MBS;
      else {
        const q = j * K + best, c = g.bits[j];
        plan.place[j] = cand[q];
        plan.c0[j] = c0[q] < 1e-9 * c ? 0 : c0[q];
        plan.c1[j] = c1[q] < 1e-9 * c ? 0 : Math.min(c1[q], c - plan.c0[j]);
      }
    }
    return plan;
  };
  for (let it = 0; it < opt.maxIterations; it++) {
    iterations = it + 1;
    // 1. environment from the previous global iterate
    rxAll.fill(0); upAt.fill(0); fwd.fill(0); nFwd.fill(0); elemLoad.fill(0);
    for (let j = 0; j < n; j++) {
      let sumV = 0;
      for (let k = 0; k < K; k++) {
        const i = cand[j * K + k], vv = v[j * O + k];
        sumV += vv;
        upAt[i] += vv * g.txPowerW[j] * g.gain[j * S + i];
        if (c1[j * K + k] > 0) { fwd[i] += vv * c1[j * K + k]; nFwd[i] += vv; }
      }
      if (sumV > 0) for (let i = 0; i < S; i++) rxAll[i] += sumV * g.txPowerW[j] * g.gain[j * S + i];
    }
    // shared MBS: each task's expected square-root share of the MBS CPU under the current iterate
    if (P.mbsShared) {
      let sumSqrtM = 0;
      for (let j = 0; j < n; j++) {
        sumSqrtM += v[j * O + iM] * Math.sqrt((g.bits[j] * g.cyclesPerBit[j]) / g.mbsHz);
        for (let k = 0; k < K; k++) if (c1[j * K + k] > 0) sumSqrtM += v[j * O + k] * Math.sqrt((c1[j * K + k] * g.cyclesPerBit[j]) / g.mbsHz);
      }
      for (let j = 0; j < n; j++) {
        const own = Math.sqrt((g.bits[j] * g.cyclesPerBit[j]) / g.mbsHz);
        mbsSpeed[j] = g.mbsHz * Math.min(1, own / Math.max(own, sumSqrtM));
        const tM = (g.bits[j] * g.cyclesPerBit[j]) / mbsSpeed[j];
        time[j * O + iM] = g.mbsUpS[j] + tM;
        util[j * O + iM] = U(time[j * O + iM], g.mbsE[j]);
        marg[j * O + iM] = util[j * O + iM] + alpha * tM;
      }
    }
    const D = pathDelays(g, fwd);
    for (let i = 0; i < S; i++) for (const e of g.sbsPath[i]) elemLoad[e] += fwd[i];
    const dD = Float64Array.from(g.sbsPath, (path) => path.reduce((a, e) => a + (g.elemIsLink[e] ? 1 / g.elemCapacityBps[e] : 2 * g.elemO1[e] * elemLoad[e] + g.elemO2[e]), 0));
    for (let j = 0; j < n; j++) {
      let sumV = 0;
      for (let k = 0; k < K; k++) sumV += v[j * O + k];
      for (let k = 0; k < K; k++) {
        const i = cand[j * K + k];
        const ownElsewhere = (sumV - v[j * O + k]) * g.txPowerW[j] * g.gain[j * S + i];
        rate[j * K + k] = sbsRate(g, j, i, Math.max(0, rxAll[i] - upAt[i] - ownElsewhere));
      }
    }
    // 2a. SBS blocks (P7 by CBGP)
    for (let i = 0; i < S; i++) {
      const pairs = pairsAt[i];
      const f = g.sbsHz[i];
      // the split steps shrink over the iterations so the blocks, which all react to the same
      // previous iterate, settle instead of moving together back and forth
      const stepNow = opt.cbgpStep / (1 + it / 10);
      for (let sweep = 0; sweep < opt.cbgpSweeps; sweep++) {
        // shares: h ∝ sqrt(a), normalised by the expected load of the previous global iterate (sum h·x <= 1)
        let denom = 0;
        for (const q of pairs) {
          const j = (q / K) | 0, k = q - j * K;
          const ci = g.bits[j] - c0[q] - c1[q];
          denom += v[j * O + k] * Math.sqrt(Math.max(ci, 0) * g.cyclesPerBit[j] / f);
        }
        for (const q of pairs) {
          const j = (q / K) | 0, k = q - j * K, c = g.bits[j], u = g.cyclesPerBit[j];
          const ci = c - c0[q] - c1[q];
          h[q] = ci > 0 && denom > 0 ? Math.min(1, Math.max(P.minCpuShare, Math.sqrt(ci * u / f) / denom)) : 1;
          const R = rate[q], fL = g.localHz[j], pw = g.txPowerW[j];
          // c0 then c1: per-bit gradients of the pair cost (the sign of x^ does not change them)
          const g0 = alpha * (u / fL - 1 / R - u / (h[q] * f)) + (1 - alpha) * (u * P.kappa * fL * fL - pw / R - u * eS);
          c0[q] = Math.min(c - c1[q], Math.max(0, c0[q] - stepNow * c * Math.sign(g0)));
          // forwarding: marginal congestion of every forwarder plus the path delay spread over the task's bits
          const wP = alpha + (1 - alpha) * g.sbsForwardW[i];
          const g1 = alpha * (u / mbsSpeed[j] - u / (h[q] * f)) + (1 - alpha) * (u * eM - u * eS) + wP * (nFwd[i] * dD[i] + D[i] / c);
          c1[q] = Math.min(c - c0[q], Math.max(0, c1[q] - stepNow * c * Math.sign(g1)));
        }
      }
      for (const q of pairs) {
        const j = (q / K) | 0, k = q - j * K, c = g.bits[j], u = g.cyclesPerBit[j], fL = g.localHz[j];
        const ci = c - c0[q] - c1[q];
        const up = c - c0[q] > 0 ? (c - c0[q]) / rate[q] : 0;
        const tS = ci > 0 ? (ci * u) / (h[q] * f) : 0;
        const tF = c1[q] > 0 ? D[i] + (c1[q] * u) / mbsSpeed[j] : 0;
        const tL = (c0[q] * u) / fL;
        const T = P.parallel ? Math.max(tL, up + Math.max(tS, tF)) : tL + up + tS + tF;
        const E = c0[q] * u * P.kappa * fL * fL + g.txPowerW[j] * up + ci * u * eS + (c1[q] > 0 ? g.sbsForwardW[i] * D[i] : 0) + c1[q] * u * eM;
        const o = j * O + k;
        time[o] = T;
        util[o] = U(T, E);
        // the x^ update prices the capacity too (envelope theorem: with square-root shares the
        // multiplier of sum h·x <= 1 adds alpha·(own compute time), so a task pays its marginal cost)
        marg[o] = util[o] + alpha * tS;
      }
    }
    if (it === 0) {
      let sumBest = 0;
      for (let j = 0; j < n; j++) { let m = Infinity; for (let o = 0; o < O; o++) m = Math.min(m, marg[j * O + o]); sumBest += m; }
      scale = n > 0 && sumBest > 0 && Number.isFinite(sumBest) ? n / sumBest : 1;
    }
    for (let q = 0; q < n * O; q++) cost[q] = marg[q] * scale;
    // x^ of the SBS blocks (eq. 36, with the Theorem 2 linearisation of the concave penalty)
    for (let j = 0; j < n; j++) for (let k = 0; k < K; k++) {
      const o = j * O + k;
      const x = v[o] - (cost[o] + lam[o] + opt.delta * (1 - 2 * xhat[o])) / opt.rho;
      xhat[o] = time[o] > g.deadlineS[j] ? 0 : Math.min(1, Math.max(0, x));
    }
    // 2b. device and MBS blocks: binary, by comparing the two values of (23)-(24)
    for (let j = 0; j < n; j++) {
      for (const o of [j * O + iM, j * O + iL]) {
        const feasible = time[o] <= g.deadlineS[j];
        xhat[o] = feasible && cost[o] + lam[o] + 0.5 * opt.rho * (1 - 2 * v[o]) < 0 ? 1 : 0;
      }
    }
    // 3. global update (Newton + CG in the null space + line search), task by task
    vPrev.set(v);
    for (let j = 0; j < n; j++) {
      let minTau = Infinity;
      for (let o = 0; o < O; o++) { tau[o] = time[j * O + o] / g.deadlineS[j]; minTau = Math.min(minTau, tau[o]); }
      const useDeadline = minTau < 1;
      if (useDeadline) {
        // the barrier needs a strictly feasible start: blend towards the fastest option if needed
        let m = 1;
        for (let o = 0; o < O; o++) m -= tau[o] * v[j * O + o];
        if (!(m > 1e-6)) {
          let fastest = 0;
          for (let o = 1; o < O; o++) if (tau[o] < tau[fastest]) fastest = o;
          const w = 0.5;
          for (let o = 0; o < O; o++) v[j * O + o] = (1 - w) * v[j * O + o] + (o === fastest ? w : 0);
          let m2 = 1;
          for (let o = 0; o < O; o++) m2 -= tau[o] * v[j * O + o];
          if (!(m2 > 1e-9)) {
            const eps = 1e-3;
            for (let o = 0; o < O; o++) v[j * O + o] = o === fastest ? 1 - eps * (O - 1) : eps;
          }
        }
      }
      globalTaskUpdate({ O, v, vOff: j * O, xhat, lam, tau: useDeadline ? tau : null, rho: opt.rho, omega, xi: opt.xi, newtonSteps: opt.newtonSteps });
    }
    // 4. dual updates (21) and residuals
    let primalSq = 0, dualSq = 0, utility = 0;
    for (let q = 0; q < n * O; q++) {
      const r = xhat[q] - v[q];
      lam[q] += opt.rho * r;
      primalSq += r * r;
      const s = opt.rho * (v[q] - vPrev[q]);
      dualSq += s * s;
      utility += v[q] * util[q];
    }
    trace.utility.push(utility); trace.primalSq.push(primalSq); trace.dualSq.push(dualSq);
    if (opt.traceRounded) {
      const ev = evaluateGroup(g, P, roundPlan());
      let u = 0;
      for (let j = 0; j < n; j++) u += U(ev.delayS[j], ev.energyJ[j]);
      trace.rounded.push(u);
    }
    omega = Math.max(opt.omegaMin, omega * opt.omegaDecay);
    const tol2 = opt.tolerance * opt.tolerance * Math.max(1, n);
    if (it + 1 >= opt.minIterations && primalSq < tol2 && dualSq < tol2) break;
  }

  const plan = roundPlan();
  let relaxed = 0, fractional = 0;
  for (let j = 0; j < n; j++) {
    const c = g.bits[j];
    let local = v[j * O + iL] * c, mbs = v[j * O + iM] * c, sbs = 0, vMax = Math.max(v[j * O + iL], v[j * O + iM]);
    for (let k = 0; k < K; k++) {
      const vv = v[j * O + k], q = j * K + k;
      local += vv * c0[q]; mbs += vv * c1[q]; sbs += vv * Math.max(0, c - c0[q] - c1[q]);
      vMax = Math.max(vMax, vv);
    }
    if ((local >= 0.01 * c ? 1 : 0) + (mbs >= 0.01 * c ? 1 : 0) + (sbs >= 0.01 * c ? 1 : 0) >= 2) relaxed++;
    if (vMax < 0.99) fractional++;
  }
  const rounded = countSplits(g, plan);
  return { plan, iterations, trace, splits: { relaxed, fractional, rounded, final: rounded } };
}
