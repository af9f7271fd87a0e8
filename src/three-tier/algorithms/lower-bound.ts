import type { Scenario } from '../model.ts';
import { type CompiledGroup, type Params, compile, paramsOf } from '../physics.ts';

/**
 * A proved lower bound on the optimal utility, for any size, group by group. Relaxations, each
 * of which can only lower the optimum:
 * - deadlines dropped; interference dropped (noise-only SINR, so every upload is at least as fast);
 * - a forwarding task's path delay lowered to what its own bits alone cause (load >= own bits),
 *   minus the quadratic o1 term (>= 0);
 * - with parallel timing, delay >= (sum of the stage times) / 3 (each of the three branches of
 *   the max is at least a third of their sum);
 * - the SBS CPU constraint sum h <= 1 is dualised with a multiplier mu_i >= 0 per SBS (Lagrangian
 *   relaxation): a task's compute term alpha·a/h + mu·h is minimised over h in (0, 1] in closed
 *   form, phi(a) = 2 sqrt(alpha a mu) (or alpha a + mu when that h would exceed 1), which is
 *   concave in the bits, so with every other term linear the best split is a vertex: all bits on
 *   the SBS, or all forwarded to the MBS (all on the device equals the local option).
 * - a shared MBS CPU is dualised the same way (multiplier mu_M); a dedicated one is not coupled.
 * L(mu) = sum_j min over options - sum_i mu_i (- mu_M) is a lower bound for every mu >= 0; mu is improved
 * by multiplicative supergradient steps and the best value is kept.
 */
export function lowerBoundGroup(g: CompiledGroup, P: Params, rounds = 60): number {
  const { n, S } = g;
  const { alpha } = P;
  const tf = P.parallel ? 1 / 3 : 1;
  // phi(w, mu) = min over h in (0, 1] of w / h + mu h: the compute term with the capacity dualised
  const phi = (w: number, mu: number): [number, number] => {
    if (w <= 0) return [0, 0];
    if (mu <= 0) return [w, 1];
    const h = Math.sqrt(w / mu);
    return h <= 1 ? [2 * Math.sqrt(w * mu), h] : [w + mu, 1];
  };
  const localCost = Float64Array.from({ length: n }, (_, j) => tf * alpha * g.localT[j] + (1 - alpha) * g.localE[j]);
  // MBS option without its compute term, and that term's weight tf·alpha·cycles / f_MBS
  const mbsFixed = Float64Array.from({ length: n }, (_, j) => tf * alpha * g.mbsUpS[j] + (1 - alpha) * g.mbsE[j]);
  const wM = Float64Array.from({ length: n }, (_, j) => (tf * alpha * g.bits[j] * g.cyclesPerBit[j]) / g.mbsHz);
  // per pair: forwarding everything (without the MBS compute term) and all bits on the SBS (fixed part, weight)
  const fwdFixed = new Float64Array(n * S), sbsFixed = new Float64Array(n * S), wS = new Float64Array(n * S);
  for (let j = 0; j < n; j++) {
    const c = g.bits[j], u = g.cyclesPerBit[j];
    for (let i = 0; i < S; i++) {
      const q = j * S + i;
      const rate = g.sbsBandwidthHz[i] * Math.log2(1 + (g.txPowerW[j] * g.gain[q]) / g.sbsNoiseW[i]);
      const up = c / rate;
      let ownPath = 0;
      for (const e of g.sbsPath[i]) ownPath += g.elemIsLink[e] ? c / g.elemCapacityBps[e] : g.elemO2[e] * c;
      fwdFixed[q] = tf * alpha * (up + ownPath) + (1 - alpha) * (g.txPowerW[j] * up + g.sbsForwardW[i] * ownPath + c * u * P.mbsJPerCycle);
      sbsFixed[q] = tf * alpha * up + (1 - alpha) * (g.txPowerW[j] * up + c * u * P.sbsJPerCycle);
      wS[q] = (tf * alpha * c * u) / g.sbsHz[i];
    }
  }
  const mu = new Float64Array(S), used = new Float64Array(S);
  // start each multiplier at a typical task's weight, the scale of the dual price
  for (let i = 0; i < S; i++) { let sum = 0; for (let j = 0; j < n; j++) sum += wS[j * S + i]; mu[i] = n > 0 ? sum / n : 0; }
  let muM = P.mbsShared && n > 0 ? wM.reduce((a, b) => a + b, 0) / n : 0;
  let best = -Infinity;
  for (let round = 0; round < rounds; round++) {
    used.fill(0);
    let usedM = 0;
    let L = -muM;
    for (let i = 0; i < S; i++) L -= mu[i];
    for (let j = 0; j < n; j++) {
      const [phiM, hM] = P.mbsShared ? phi(wM[j], muM) : [wM[j], 0];
      let m = localCost[j], argS = -1, argH = 0, argM = 0;
      if (mbsFixed[j] + phiM < m) { m = mbsFixed[j] + phiM; argM = hM; }
      for (let i = 0; i < S; i++) {
        const q = j * S + i;
        if (fwdFixed[q] + phiM < m) { m = fwdFixed[q] + phiM; argS = -1; argM = hM; }
        const [phiS, hS] = phi(wS[q], mu[i]);
        if (sbsFixed[q] + phiS < m) { m = sbsFixed[q] + phiS; argS = i; argH = hS; argM = 0; }
      }
      L += m;
      if (argS >= 0) used[argS] += argH;
      usedM += argM;
    }
    if (L > best) best = L;
    const step = 0.5 / Math.sqrt(round + 1);
    const update = (value: number, gradient: number, seed: number) =>
      value <= 0 ? (gradient > 0 ? seed : 0) : value * Math.exp(step * Math.max(-1, Math.min(1, gradient)));
    for (let i = 0; i < S; i++) mu[i] = update(mu[i], used[i] - 1, wS[i] || 1e-12);
    if (P.mbsShared) muM = update(muM, usedM - 1, wM[0] || 1e-12);
  }
  return best;
}

export function lowerBound(scenario: Scenario, rounds = 60): number {
  const P = paramsOf(scenario);
  return compile(scenario).reduce((sum, g) => sum + lowerBoundGroup(g, P, rounds), 0);
}
