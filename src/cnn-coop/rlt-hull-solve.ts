import type { Scenario } from './model.ts';
import type { Precomputed, Split } from './physics.ts';
import type { RltSolution } from './rlt.ts';
import { rltData } from './rlt-pairs.ts';
import { solveHullData, type HullOptions } from './rlt-hull.ts';
import { solveHullCone } from './rlt-ipm-cone.ts';
import { coneApplies } from './rlt-ipm-kkt.ts';

/**
 * PA's stage 2 in the hull reading (rlt-hull.ts), by the chosen method:
 *  - 'ipm': the conic interior-point method (rlt-ipm-cone.ts), fast;
 *  - 'highs': HiGHS with Kelley cutting planes, the reference;
 *  - 'auto' (default): the interior-point method, accepted when its certificate (a Lagrangian
 *    lower bound and a feasible point's value, rlt-hull-bound.ts) is within CERTIFIED_GAP of each
 *    other; otherwise HiGHS on an instance small enough for it (≤ HIGHS_FALLBACK_MAX_PAIRS
 *    pairs), and above that the IPM's point, flagged uncertified.
 * `info` says which method answered and, for the IPM, its certificate.
 */
export type HullMethod = 'auto' | 'ipm' | 'highs';

/** HiGHS's cutting planes take seconds at M = 200, N = 8 (1,600 pairs) and grow faster than linearly. */
export const HIGHS_FALLBACK_MAX_PAIRS = 2000;
/** The relaxation's value is accepted when proved within this fraction of the optimum. */
export const CERTIFIED_GAP = 1e-6;

export interface HullRun extends RltSolution {
  method: 'ipm' | 'highs';
  ipm?: { iterations: number; converged: boolean; certified: boolean; lower: number; upper: number };
}

export function solveHull(s: Scenario, pre: Precomputed, splits: Split[][], opts: HullOptions & { method?: HullMethod } = {}): HullRun {
  const d = rltData(s, pre, splits);
  const method = opts.method ?? 'auto';
  // The cone form assumes every pair on a server needs each resource that any pair there needs
  // (true of PA's splits and of MEC-/MCC-only); a server mixing the two goes to HiGHS.
  if (method === 'highs' || !coneApplies(d)) return { ...solveHullData(d, opts), method: 'highs' };
  const ipm = solveHullCone(d, opts);
  const { iterations, converged, lower, upper } = ipm.ipm;
  const certified = upper - lower <= CERTIFIED_GAP * Math.max(1, Math.abs(upper));
  const info = { iterations, converged, certified, lower, upper };
  if (method === 'ipm' || certified || d.pairs.length > HIGHS_FALLBACK_MAX_PAIRS) return { ...ipm, method: 'ipm', ipm: info };
  return { ...solveHullData(d, opts), method: 'highs', ipm: info };
}
