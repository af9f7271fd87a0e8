import type { Scenario } from './model.ts';
import type { Precomputed, Split } from './physics.ts';
import type { RltSolution } from './rlt.ts';
import { rltData } from './rlt-pairs.ts';
import { solveHullData, type HullOptions } from './rlt-hull.ts';

export type HullMethod = 'highs';

/** PA's stage 2 in the hull reading, by the chosen method (see rlt-hull.ts). */
export function solveHull(s: Scenario, pre: Precomputed, splits: Split[][], opts: HullOptions & { method?: HullMethod } = {}): RltSolution {
  const d = rltData(s, pre, splits);
  return solveHullData(d, opts);
}
