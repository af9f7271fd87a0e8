import type { Scenario } from './model.ts';
import type { Precomputed, Split } from './physics.ts';
import type { RltSolution } from './rlt.ts';
import { rltData } from './rlt-pairs.ts';
import { solveHullData, type HullOptions } from './rlt-hull.ts';
import { solveHullIpm } from './rlt-ipm.ts';

/**
 * PA's stage 2 in the hull reading (rlt-hull.ts), by the chosen method:
 *  - 'ipm': the structured interior-point method (rlt-ipm.ts), fast;
 *  - 'highs': HiGHS with Kelley cutting planes, the reference;
 *  - 'auto' (default): the interior-point method, and HiGHS when it does not converge (its
 *    complementarity gap above 1e-10 of Σ D_m at a primal feasible point) on an instance small
 *    enough for HiGHS (≤ HIGHS_FALLBACK_MAX_PAIRS pairs); above that the IPM's best point is
 *    returned, flagged unconverged, with its certificate.
 * `info` says which method answered and, for the IPM, its certificate (rlt-hull-bound.ts).
 */
export type HullMethod = 'auto' | 'ipm' | 'highs';

/** HiGHS's cutting planes take seconds at M = 200, N = 8 (1,600 pairs) and grow faster than linearly. */
export const HIGHS_FALLBACK_MAX_PAIRS = 2000;

export interface HullRun extends RltSolution {
  method: 'ipm' | 'highs';
  ipm?: { iterations: number; converged: boolean; lower: number; upper: number };
}

export function solveHull(s: Scenario, pre: Precomputed, splits: Split[][], opts: HullOptions & { method?: HullMethod } = {}): HullRun {
  const d = rltData(s, pre, splits);
  const method = opts.method ?? 'auto';
  if (method === 'highs') return { ...solveHullData(d, opts), method: 'highs' };
  // The IPM assumes every pair on a server needs each resource that any pair there needs (true of
  // PA's splits and of MEC-/MCC-only); a server mixing the two goes to HiGHS.
  const mixed = d.ofServer.some((qs) => [0, 1, 2].some((r) => { const k = qs.filter((q) => d.pairs[q].times[r] > 0).length; return k > 0 && k < qs.length; }));
  if (mixed) return { ...solveHullData(d, opts), method: 'highs' };
  const ipm = solveHullIpm(d, opts);
  const { iterations, converged, lower, upper } = ipm.ipm;
  if (method === 'ipm' || converged || d.pairs.length > HIGHS_FALLBACK_MAX_PAIRS) return { ...ipm, method: 'ipm', ipm: { iterations, converged, lower, upper } };
  return { ...solveHullData(d, opts), method: 'highs', ipm: { iterations, converged, lower, upper } };
}
