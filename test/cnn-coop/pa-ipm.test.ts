import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/cnn-coop/generate.ts';
import { precompute } from '../../src/cnn-coop/physics.ts';
import { layerSearch } from '../../src/cnn-coop/layer-search.ts';
import { deadlinePenalty, rltData } from '../../src/cnn-coop/rlt-pairs.ts';
import { solveHullData } from '../../src/cnn-coop/rlt-hull.ts';
import { solveHullIpm } from '../../src/cnn-coop/rlt-ipm.ts';
import { hullDualBound, hullFeasibleValue } from '../../src/cnn-coop/rlt-hull-bound.ts';
import { solveHull } from '../../src/cnn-coop/rlt-hull-solve.ts';
import { RLT_EPS } from '../../src/cnn-coop/rlt.ts';

const dataOf = (seed: number, devices: number, servers: number) => {
  const s = generateScenario({ seed, devices, servers });
  const pre = precompute(s);
  return rltData(s, pre, layerSearch(s, pre));
};

test('on the paper\'s setting (M = 30, N = 2) the interior-point method and HiGHS cutting planes reach the same optimum to 1e-6', () => {
  for (const seed of [1, 2, 3]) {
    const d = dataOf(seed, 30, 2);
    const ipm = solveHullIpm(d);
    const ref = solveHullData(d);
    assert.ok(ipm.ipm.converged, `seed ${seed}: IPM did not converge`);
    assert.ok(Math.abs(ipm.objective - ref.objective) <= 1e-6 * ref.objective, `seed ${seed}: IPM ${ipm.objective} vs HiGHS ${ref.objective}`);
    // Its certificate brackets the reference optimum.
    assert.ok(ipm.ipm.lower <= ref.objective * (1 + 1e-9) && ref.objective <= ipm.ipm.upper * (1 + 1e-9), `seed ${seed}: [${ipm.ipm.lower}, ${ipm.ipm.upper}] vs ${ref.objective}`);
  }
});

test('on random small instances the fast solve (IPM, HiGHS when it does not converge) is feasible and near the reference optimum', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 14 }), fc.integer({ min: 1, max: 3 }), (seed, M, N) => {
    const s = generateScenario({ seed, devices: M, servers: N });
    const pre = precompute(s);
    const splits = layerSearch(s, pre);
    const fast = solveHull(s, pre, splits);
    const ref = solveHull(s, pre, splits, { method: 'highs' });
    assert.ok(Math.abs(fast.objective - ref.objective) <= 1e-4 * ref.objective, `${fast.method} ${fast.objective} vs HiGHS ${ref.objective}`);
    const d = rltData(s, pre, splits);
    fast.x.forEach((row) => assert.ok(row.reduce((a, b) => a + b, 0) <= 1 + 1e-8));
    for (let n = 0; n < N; n++) {
      for (const recip of [fast.iota, fast.nu, fast.oslash]) {
        const used = d.ofServer[n].reduce((a, q) => a + 1 / recip[d.pairs[q].m][n] - RLT_EPS, 0);
        assert.ok(used <= 1 + 1e-8, `server ${n}: shares sum to ${used}`);
      }
    }
  }), { numRuns: 12 });
});

test('the certificate: any nonnegative multipliers bound the optimum from below, and a repaired point from above', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 10 }), fc.integer({ min: 1, max: 3 }),
    fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { minLength: 40, maxLength: 40 }), (seed, M, N, raw) => {
      const d = dataOf(seed, M, N);
      const ref = solveHullData(d);
      const pick = (k: number, len: number) => Array.from({ length: len }, (_, i) => raw[(k * 7 + i) % raw.length]);
      const rho = deadlinePenalty(d);
      const lower = hullDualBound(d, RLT_EPS, rho, { pi: pick(1, M), eta: pick(2, M), mu: pick(3, 3 * N), kappa: pick(4, N) });
      assert.ok(lower <= ref.objective * (1 + 1e-9) + 1e-9, `bound ${lower} above the optimum ${ref.objective}`);
      // Any point, repaired, is feasible: its value (penalty included) is at least the optimum.
      const x = pick(5, d.pairs.length).map((v) => v / 20);
      const sh = pick(6, 3 * d.pairs.length).map((v) => v / 20);
      const upper = hullFeasibleValue(d, RLT_EPS, rho, x, sh);
      const slack = ref.deadlineSlackS.reduce((a, b) => a + b, 0) * rho;
      assert.ok(upper >= ref.objective + slack - 1e-7 * (1 + Math.abs(ref.objective)), `repaired value ${upper} below the optimum ${ref.objective}`);
    }), { numRuns: 15 });
});

test('pa (interior-point stage 2) and pa-highs (cutting planes) make the same plan on the paper\'s setting, and both pass the checker', async () => {
  const { pa, paHighs } = await import('../../src/cnn-coop/algorithms/pa.ts');
  const { verifyCnnCoop } = await import('../../src/verify/cnn-coop.ts');
  for (const seed of [1, 2]) {
    const s = generateScenario({ seed, devices: 30, servers: 2 });
    const a = pa.solve(s), b = paHighs.solve(s);
    assert.deepEqual(a.tasks.map((t) => t.place), b.tasks.map((t) => t.place), `seed ${seed}: different placements`);
    for (const r of [a, b]) assert.ok(verifyCnnCoop(s, r).ok, `${r.algorithm}: ${JSON.stringify(verifyCnnCoop(s, r).issues.slice(0, 2))}`);
  }
});
