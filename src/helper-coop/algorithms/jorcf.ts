import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { toInstance, localCapBits, pathGain, rateBps } from '../physics.ts';
import { infeasibleResult, planResult } from '../result.ts';

/** The access point JORCF offloads to when the scenario names none (specs §9, assumed values). */
export const DEFAULT_ACCESS_POINT = { distanceM: 30, txPowerW: 0.2 } as const;

/**
 * JORCF (specs §8, [7]-style): the user offloads to one AP-side server at fixed power, hence fixed
 * rate r_0, and optimises only the split and its own frequency:
 *   min_ℓu γc³ℓu³/T² + e_0(L − ℓu),  e_0 = P/r_0,  (L − ℓu)/r_0 ≤ T,  c·ℓu ≤ f^max·T,
 * whose solution is the unconstrained stationary point clipped to the feasible interval. Only the
 * user's energy counts; helpers are not used.
 */
export function solveJorcf(s: Scenario): Result {
  const inst = toInstance(s);
  const ap = s.accessPoint ?? DEFAULT_ACCESS_POINT;
  const bandwidthHz = (s.accessPoint?.bandwidthMHz ?? s.bandwidthMHz) * 1e6;
  const rate = rateBps(bandwidthHz, ap.txPowerW, s.noiseW / pathGain(s, ap.distanceM));
  const e0 = ap.txPowerW / rate;
  const T = inst.deadlineS;
  const L = inst.dataBits;
  const lo = Math.max(0, L - rate * T);
  const hi = Math.min(L, localCapBits(inst));
  if (lo > hi) {
    const most = localCapBits(inst) + rate * T;
    return infeasibleResult('jorcf', [`local computing plus the access point's fixed rate of ${rate.toFixed(0)} bit/s carry at most ${most.toFixed(0)} bits within ${T} s`], most);
  }
  const { kappa, cyclesPerBit: c } = inst.user;
  const localBits = Math.min(Math.max(T * Math.sqrt(e0 / (3 * kappa * c ** 3)), lo), hi);
  const bits = L - localBits;
  return planResult(s, 'jorcf', {
    status: 'optimal',
    lowerBound: null,
    localBits,
    helpers: s.helpers.map(() => ({ bits: 0, offloadTimeS: 0, computeTimeS: 0, downloadTimeS: 0, txPowerW: 0, helperTxPowerW: 0, cpuHz: 0 })),
    apOffload: { bits, timeS: bits / rate, txPowerW: bits > 0 ? ap.txPowerW : 0 },
  });
}

export const jorcf: Algorithm<Scenario, Result> = {
  name: 'jorcf',
  description: 'benchmark JORCF: offload to one access-point server at fixed power and rate, optimise split and local frequency',
  solve: solveJorcf,
};
