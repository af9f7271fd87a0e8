import type { Scenario } from './model.ts';
import { minBandwidthShare, offloadTimes, type Precomputed, type Split } from './physics.ts';

/**
 * The data of PA's stage-2 relaxation, shared by its solvers: one entry per allowed pair (m, n)
 * (a pair whose full band is too slow for R^min is ruled out by C9), with the pair's times under
 * whole resources for the stage-1 split.
 */
export interface RltPair {
  m: number;
  n: number;
  /** Least bandwidth share meeting R^min (C9): R^min / r_mn. */
  lo: number;
  /** Upload, edge compute and backhaul times with the whole resource (D̂^t, D̂^p, D̂^tc). */
  times: [number, number, number];
  /** Time that needs no share (cloud compute, 0 unless the scenario sets a cloud CPU). */
  fixed: number;
}

export interface RltData {
  M: number;
  N: number;
  pairs: RltPair[];
  /** Pair indices per device and per server. */
  ofDevice: number[][];
  ofServer: number[][];
  localS: number[];
  deadlineS: number[];
  /** Σ_m D_m: the plan with every task local. */
  allLocalS: number;
}

export function rltData(s: Scenario, pre: Precomputed, splits: Split[][]): RltData {
  const { M, N } = pre;
  const pairs: RltPair[] = [];
  const ofDevice: number[][] = Array.from({ length: M }, () => []);
  const ofServer: number[][] = Array.from({ length: N }, () => []);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const lo = minBandwidthShare(s, pre, m, n);
      if (lo > 1) continue;
      const t = offloadTimes(s, pre, m, n, splits[m][n]);
      ofDevice[m].push(pairs.length);
      ofServer[n].push(pairs.length);
      pairs.push({ m, n, lo, times: [t.txS, t.computeS, t.backhaulS], fixed: t.cloudS });
    }
  }
  return { M, N, pairs, ofDevice, ofServer, localS: pre.localS, deadlineS: s.devices.map((d) => d.deadlineS),
    allLocalS: pre.localS.reduce((a, b) => a + b, 0) };
}

/** A deadline second in a relaxation costs more than any plan's total latency can change. */
export const deadlinePenalty = (d: RltData): number => 1e3 * (1 + d.allLocalS);
