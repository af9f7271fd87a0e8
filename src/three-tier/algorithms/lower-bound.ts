import { shannonRateBps } from '../../core/channel.ts';
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
 * - CPU shares: a resource (an SBS, or the MBS when shared) serving tasks J with optimal shares
 *   spends (sum_{j in J} sqrt w_j)^2, w_j = alpha·cycles/f; a task splitting its bits as fractions
 *   y over its options (device / MBS / all on SBS i / all forwarded through SBS i) is charged
 *   linearly for everything but that term and y·sqrt(w) <= sqrt(y·w) inside it, so the relaxed
 *   cost never exceeds the true one. The relaxation is convex; Frank-Wolfe with exact line search
 *   certifies f(y) + min_s grad·(s - y) <= its optimum at every iterate, and the best is kept.
 */
export function lowerBoundGroup(g: CompiledGroup, P: Params, rounds = 200): number {
  const { n, S } = g;
  const { alpha } = P;
  const tf = P.parallel ? 1 / 3 : 1;
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
      const rate = shannonRateBps(g.sbsBandwidthHz[i], (g.txPowerW[j] * g.gain[q]) / g.sbsNoiseW[i]);
      const up = c / rate;
      let ownPath = 0;
      for (const e of g.sbsPath[i]) ownPath += g.elemIsLink[e] ? c / g.elemCapacityBps[e] : g.elemO2[e] * c;
      fwdFixed[q] = tf * alpha * (up + ownPath) + (1 - alpha) * (g.txPowerW[j] * up + g.sbsForwardW[i] * ownPath + c * u * P.mbsJPerCycle);
      sbsFixed[q] = tf * alpha * up + (1 - alpha) * (g.txPowerW[j] * up + c * u * P.sbsJPerCycle);
      wS[q] = (tf * alpha * c * u) / g.sbsHz[i];
    }
  }
  // options of task j: 0 local, 1 MBS, 2 + 2i all bits on SBS i, 3 + 2i all forwarded through SBS i.
  // The relaxation keeps the square-root-share congestion exactly: a resource r serving the set
  // J costs (sum_{j in J} sqrt w_j)^2, and with fractional y this (sum_j y_j sqrt w_j)^2 is convex,
  // so min over y in the simplex per task is a convex program whose optimum is a lower bound.
  // Frank-Wolfe certifies it: f(y) + min_s grad f(y)·(s - y) <= optimum at every iterate.
  const O = 2 + 2 * S, R = S + 1; // resources: the SBSs, then the MBS (congested only when shared)
  const F = new Float64Array(n * O), root = new Float64Array(n * O), res = new Int32Array(n * O).fill(-1);
  for (let j = 0; j < n; j++) {
    const o = j * O;
    F[o] = localCost[j];
    if (P.mbsShared) { F[o + 1] = mbsFixed[j]; root[o + 1] = Math.sqrt(wM[j]); res[o + 1] = S; } else F[o + 1] = mbsFixed[j] + wM[j];
    for (let i = 0; i < S; i++) {
      const q = j * S + i;
      F[o + 2 + 2 * i] = sbsFixed[q]; root[o + 2 + 2 * i] = Math.sqrt(wS[q]); res[o + 2 + 2 * i] = i;
      if (P.mbsShared) { F[o + 3 + 2 * i] = fwdFixed[q]; root[o + 3 + 2 * i] = Math.sqrt(wM[j]); res[o + 3 + 2 * i] = S; } else F[o + 3 + 2 * i] = fwdFixed[q] + wM[j];
    }
  }
  const y = new Float64Array(n * O), Y = new Float64Array(R), dY = new Float64Array(R);
  const pick = new Int32Array(n);
  const lmo = () => {
    // each task's option of least gradient F + 2 sqrt(w) Y_r; returns sum_j (min - y_j·grad_j)
    let gapTerm = 0;
    for (let j = 0; j < n; j++) {
      let best = Infinity, arg = 0, dot = 0;
      for (let o = 0; o < O; o++) {
        const q = j * O + o;
        const grad = F[q] + (res[q] >= 0 ? 2 * root[q] * Y[res[q]] : 0);
        if (grad < best) { best = grad; arg = o; }
        dot += y[q] * grad;
      }
      pick[j] = arg;
      gapTerm += best - dot;
    }
    return gapTerm;
  };
  // start at the vertex chosen with empty resources
  lmo();
  for (let j = 0; j < n; j++) { const q = j * O + pick[j]; y[q] = 1; if (res[q] >= 0) Y[res[q]] += root[q]; }
  let best = -Infinity;
  for (let round = 0; round < rounds; round++) {
    let f = 0;
    for (let q = 0; q < n * O; q++) f += y[q] * F[q];
    for (let r = 0; r < R; r++) f += Y[r] * Y[r];
    const gapTerm = lmo();
    best = Math.max(best, f + gapTerm);
    // stop once the certified bound is within 0.05 % of the relaxation's current value
    if (f - best <= 5e-4 * Math.max(1e-300, Math.abs(f))) break;
    // exact line search towards the vertex: f(y + g d) is quadratic in g
    let lin = 0;
    dY.fill(0);
    for (let j = 0; j < n; j++) {
      for (let o = 0; o < O; o++) {
        const q = j * O + o;
        const d = (o === pick[j] ? 1 : 0) - y[q];
        if (d === 0) continue;
        lin += F[q] * d;
        if (res[q] >= 0) dY[res[q]] += root[q] * d;
      }
    }
    let quad = 0, cross = 0;
    for (let r = 0; r < R; r++) { quad += dY[r] * dY[r]; cross += Y[r] * dY[r]; }
    const step = quad > 0 ? Math.min(1, Math.max(0, -(lin + 2 * cross) / (2 * quad))) : 1;
    if (step <= 0) break;
    for (let j = 0; j < n; j++) for (let o = 0; o < O; o++) { const q = j * O + o; y[q] = (1 - step) * y[q] + (o === pick[j] ? step : 0); }
    for (let r = 0; r < R; r++) Y[r] += step * dY[r];
  }
  return best;
}

export function lowerBound(scenario: Scenario, rounds = 200): number {
  const P = paramsOf(scenario);
  return compile(scenario).reduce((sum, g) => sum + lowerBoundGroup(g, P, rounds), 0);
}
