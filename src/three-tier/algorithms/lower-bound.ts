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
 * L(mu) = sum_j min over options - sum_i mu_i is a lower bound for every mu >= 0; mu is improved
 * by multiplicative supergradient steps and the best value is kept.
 */
export function lowerBoundGroup(g: CompiledGroup, P: Params, rounds = 60): number {
  const { n, S, } = g;
  const { alpha } = P;
  const tf = P.parallel ? 1 / 3 : 1;
  const base = new Float64Array(n);
  for (let j = 0; j < n; j++) base[j] = Math.min(tf * alpha * g.localT[j] + (1 - alpha) * g.localE[j], tf * alpha * g.mbsT[j] + (1 - alpha) * g.mbsE[j]);
  if (S === 0) return base.reduce((a, b) => a + b, 0);
  // per pair: cost of forwarding everything (fixed) and, for all bits on the SBS, the fixed part and a = cycles / f
  const fwdCost = new Float64Array(n * S), sbsFixed = new Float64Array(n * S), aPair = new Float64Array(n * S);
  for (let j = 0; j < n; j++) {
    const c = g.bits[j], u = g.cyclesPerBit[j];
    for (let i = 0; i < S; i++) {
      const q = j * S + i;
      const rate = g.sbsBandwidthHz[i] * Math.log2(1 + (g.txPowerW[j] * g.gain[q]) / g.sbsNoiseW[i]);
      const up = c / rate;
      let ownPath = 0;
      for (const e of g.sbsPath[i]) ownPath += g.elemIsLink[e] ? c / g.elemCapacityBps[e] : g.elemO2[e] * c;
      fwdCost[q] = tf * alpha * (up + ownPath + (c * u) / g.mbsHz) + (1 - alpha) * (g.txPowerW[j] * up + g.sbsForwardW[i] * ownPath + c * u * P.mbsJPerCycle);
      sbsFixed[q] = tf * alpha * up + (1 - alpha) * (g.txPowerW[j] * up + c * u * P.sbsJPerCycle);
      aPair[q] = (c * u) / g.sbsHz[i];
    }
  }
  const mu = new Float64Array(S), used = new Float64Array(S);
  // start each mu at the compute time of a typical task, the scale of the dual price
  for (let i = 0; i < S; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += aPair[j * S + i];
    mu[i] = n > 0 ? (tf * alpha * sum) / n : 0;
  }
  let best = -Infinity;
  for (let round = 0; round < rounds; round++) {
    used.fill(0);
    let L = 0;
    for (let i = 0; i < S; i++) L -= mu[i];
    for (let j = 0; j < n; j++) {
      let m = base[j], arg = -1, argH = 0;
      for (let i = 0; i < S; i++) {
        const q = j * S + i;
        if (fwdCost[q] < m) { m = fwdCost[q]; arg = -1; }
        const w = tf * alpha * aPair[q];
        let phi: number, hOpt: number;
        if (mu[i] <= 0) { phi = w > 0 ? w : 0; hOpt = 1; } // h = 1 is optimal when the CPU is free
        else {
          hOpt = Math.sqrt(w / mu[i]);
          if (hOpt <= 1) phi = 2 * Math.sqrt(w * mu[i]); else { hOpt = 1; phi = w + mu[i]; }
        }
        const cost = sbsFixed[q] + phi;
        if (cost < m) { m = cost; arg = i; argH = hOpt; }
      }
      L += m;
      if (arg >= 0) used[arg] += argH;
    }
    if (L > best) best = L;
    const step = 0.5 / Math.sqrt(round + 1);
    for (let i = 0; i < S; i++) {
      const gradient = used[i] - 1;
      if (mu[i] <= 0) mu[i] = gradient > 0 ? (tf * alpha * aPair[i]) || 1e-12 : 0;
      else mu[i] *= Math.exp(step * Math.max(-1, Math.min(1, gradient)));
    }
  }
  return best;
}

export function lowerBound(scenario: Scenario, rounds = 60): number {
  const P = paramsOf(scenario);
  return compile(scenario).reduce((sum, g) => sum + lowerBoundGroup(g, P, rounds), 0);
}
