import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/cnn-coop/generate.ts';
import { precompute, offloadTimes, fullShareLatency, paSplits } from '../../src/cnn-coop/physics.ts';
import { layerSearch } from '../../src/cnn-coop/layer-search.ts';
import { solveRlt, roundRule28 } from '../../src/cnn-coop/rlt.ts';
import { pa } from '../../src/cnn-coop/algorithms/pa.ts';
import { verifyCnnCoop } from '../../src/verify/cnn-coop.ts';

test('layerSearch picks, per pair, the fastest split among those meeting the deadline (else the fastest)', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
    const s = generateScenario({ seed, devices: 6, servers: 3 });
    const pre = precompute(s);
    const chosen = layerSearch(s, pre);
    s.devices.forEach((d, m) => s.servers.forEach((_, n) => {
      const lat = paSplits(pre.profiles[n]).map((sp) => fullShareLatency(offloadTimes(s, pre, m, n, sp)));
      const meeting = lat.filter((l) => l <= d.deadlineS);
      const want = meeting.length > 0 ? Math.min(...meeting) : Math.min(...lat);
      assert.equal(fullShareLatency(offloadTimes(s, pre, m, n, chosen[m][n])), want);
    }));
  }), { numRuns: 20 });
});

test('rule (28): local below 0.5 in total, else the server holding the most', () => {
  assert.deepEqual(roundRule28([[0.2, 0.2], [0.7, 0.1], [0.3, 0.3], [0.2, 0.6], [0.3, 0.25, 0.25]]), [-1, 0, 0, 1, 0]);
});

test('the RLT relaxation meets C4 and C11–C13, and its value is a lower bound on PA\'s latency', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 3, max: 12 }), fc.integer({ min: 1, max: 3 }), (seed, M, N) => {
    const s = generateScenario({ seed, devices: M, servers: N });
    const pre = precompute(s);
    const rlt = solveRlt(s, pre, layerSearch(s, pre));
    const eps = 1e-3;
    rlt.x.forEach((row) => assert.ok(row.reduce((a, b) => a + b, 0) <= 1 + 1e-9));
    for (let n = 0; n < N; n++) {
      for (const v of [rlt.iota, rlt.nu, rlt.oslash]) {
        // Pairs ruled out by the rate keep 1/ι = ε implicitly; every device counts toward Mε.
        const sum = s.devices.reduce((a, _, m) => a + (v[m][n] > 0 ? 1 / v[m][n] : eps), 0);
        assert.ok(sum <= 1 + M * eps + 1e-6, `C11 violated: ${sum}`);
      }
    }
    const result = pa.solve(s);
    if (result.status !== 'infeasible' && rlt.deadlineSlackS.every((v) => v < 1e-9)) {
      assert.ok(rlt.objective <= result.totalLatencyS * (1 + 1e-9), `relaxation ${rlt.objective} above PA ${result.totalLatencyS}`);
    }
  }), { numRuns: 15 });
});

test('PA reports a device that no plan can serve in time as infeasible, and still plans the others', () => {
  const s = generateScenario({ seed: 4, devices: 6, servers: 2 });
  s.devices[2].deadlineS = 0.01; // too short for any place
  const r = pa.solve(s);
  assert.equal(r.status, 'infeasible');
  assert.deepEqual(r.infeasibleTasks, ['MD3']);
  assert.ok(r.tasks.filter((t) => t.device !== 'MD3').every((t) => t.meetsDeadline));
  assert.ok(verifyCnnCoop(s, r).ok, JSON.stringify(verifyCnnCoop(s, r).issues));
});

test('PA is deterministic: the same scenario gives the same plan', () => {
  const s = generateScenario({ seed: 11, devices: 10, servers: 3 });
  const a = pa.solve(s), b = pa.solve(s);
  assert.deepEqual(a.tasks, b.tasks);
});

test('every cnn-coop algorithm plans a scenario with no device as an empty, checker-passing plan', async () => {
  const { cnnCoop } = await import('../../src/cnn-coop/system.ts');
  const s = generateScenario({ seed: 1, devices: 0, servers: 2 });
  for (const algorithm of cnnCoop.algorithms) {
    const r = algorithm.solve(s);
    assert.equal(r.tasks.length, 0, algorithm.name);
    assert.equal(r.totalLatencyS, 0, algorithm.name);
    assert.notEqual(r.status, 'infeasible', algorithm.name);
    assert.ok(verifyCnnCoop(s, r).ok, algorithm.name);
  }
});
