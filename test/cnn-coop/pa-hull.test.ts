import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/cnn-coop/generate.ts';
import { precompute } from '../../src/cnn-coop/physics.ts';
import { layerSearch } from '../../src/cnn-coop/layer-search.ts';
import { allocate } from '../../src/cnn-coop/allocation.ts';
import { allocTask } from '../../src/cnn-coop/plan.ts';
import { rltData } from '../../src/cnn-coop/rlt-pairs.ts';
import { solveHullData } from '../../src/cnn-coop/rlt-hull.ts';
import { RLT_EPS } from '../../src/cnn-coop/rlt.ts';
import { pa, paSpec } from '../../src/cnn-coop/algorithms/pa.ts';
import { verifyCnnCoop } from '../../src/verify/cnn-coop.ts';

/** Least total latency over every placement (local or a server, stage-1 splits) meeting every deadline, by enumeration. */
function bruteForce(seed: number, M: number, N: number): { best: number; hull: ReturnType<typeof solveHullData>; d: ReturnType<typeof rltData> } {
  const s = generateScenario({ seed, devices: M, servers: N });
  const pre = precompute(s);
  const splits = layerSearch(s, pre);
  const d = rltData(s, pre, splits);
  let best = Infinity;
  const place = new Array<number>(M).fill(-1);
  const visit = (m: number) => {
    if (m === M) {
      let total = 0;
      for (let i = 0; i < M; i++) if (place[i] < 0) { if (pre.localS[i] > s.devices[i].deadlineS) return; total += pre.localS[i]; }
      for (let n = 0; n < N; n++) {
        const members = place.flatMap((p, i) => (p === n ? [i] : []));
        if (members.length === 0) continue;
        const a = allocate(members.map((i) => allocTask(s, pre, i, n, splits[i][n])));
        if (!a.feasible || a.violators.length > 0) return;
        total += a.objective;
      }
      best = Math.min(best, total);
      return;
    }
    for (let n = -1; n < N; n++) {
      if (n >= 0 && pre.rateMbps[m][n] < s.devices[m].minRateMbps) continue;
      place[m] = n;
      visit(m + 1);
    }
    place[m] = -1;
  };
  visit(0);
  return { best, hull: solveHullData(d), d };
}

test('the hull relaxation is below every plan over the stage-1 splits that meets the deadlines (brute force)', () => {
  let compared = 0;
  for (const [seed, M, N] of [[1, 4, 2], [2, 5, 2], [3, 3, 3], [4, 4, 2], [5, 4, 3], [6, 5, 2]] as const) {
    const { best, hull } = bruteForce(seed, M, N);
    if (!Number.isFinite(best)) continue;
    compared++;
    assert.ok(hull.objective <= best * (1 + 1e-7), `seed ${seed}: relaxation ${hull.objective} above the best plan ${best}`);
    // It prices congestion: well above the all-at-x≈1-for-free value of the spec's reading.
    assert.ok(hull.objective >= 0.5 * best, `seed ${seed}: relaxation ${hull.objective} far below the best plan ${best}`);
  }
  assert.ok(compared >= 4, 'enough instances had a plan meeting every deadline');
});

test('the hull relaxation meets C4, C9 and C11–C13 at its solution', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 3 }), (seed, M, N) => {
    const s = generateScenario({ seed, devices: M, servers: N });
    const pre = precompute(s);
    const d = rltData(s, pre, layerSearch(s, pre));
    const h = solveHullData(d);
    h.x.forEach((row) => { assert.ok(row.every((v) => v >= 0 && v <= 1)); assert.ok(row.reduce((a, b) => a + b, 0) <= 1 + 1e-8); });
    for (let n = 0; n < N; n++) {
      for (const recip of [h.iota, h.nu, h.oslash]) {
        const used = d.ofServer[n].reduce((a, q) => a + 1 / recip[d.pairs[q].m][n] - RLT_EPS, 0);
        assert.ok(used <= 1 + 1e-7, `server ${n} shares sum to ${used}`);
      }
    }
    for (const p of d.pairs) assert.ok(1 / h.iota[p.m][p.n] - RLT_EPS >= p.lo * h.x[p.m][p.n] - 1e-7, 'C9: bandwidth share below R^min/r · x');
  }), { numRuns: 10 });
});

test('pa and pa-spec pass the independent checker, and pa is not worse than pa-spec on the default scenario', () => {
  let paTotal = 0, specTotal = 0;
  for (let seed = 1; seed <= 4; seed++) {
    const s = generateScenario({ seed, devices: 12, servers: 3 });
    for (const alg of [pa, paSpec]) {
      const r = alg.solve(s);
      const report = verifyCnnCoop(s, r);
      assert.ok(report.ok, `${alg.name}: ${JSON.stringify(report.issues.slice(0, 2))}`);
      if (alg === pa) paTotal += r.totalLatencyS; else specTotal += r.totalLatencyS;
    }
  }
  assert.ok(paTotal <= specTotal, `pa ${paTotal} vs pa-spec ${specTotal}`);
});
