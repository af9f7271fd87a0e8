import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/cnn-coop/generate.ts';
import { parseScenario } from '../../src/cnn-coop/model.ts';
import { best } from '../../src/cnn-coop/algorithms/best.ts';
import { exact } from '../../src/cnn-coop/algorithms/exact.ts';
import { pa } from '../../src/cnn-coop/algorithms/pa.ts';
import { verifyCnnCoop } from '../../src/verify/cnn-coop.ts';
import { runAlgorithm } from '../../src/core/system.ts';

const scenarioArb = fc.record({
  seed: fc.integer({ min: 0, max: 1e6 }),
  devices: fc.integer({ min: 0, max: 14 }),
  servers: fc.integer({ min: 1, max: 5 }),
  bandwidthMHz: fc.constantFrom(2, 10, 30),
  backhaulMbps: fc.constantFrom(5, 100, 1000),
  deadlineScale: fc.double({ min: 0.1, max: 2, noNaN: true }),
  minRateMbps: fc.constantFrom(0, 1, 10),
}).map((p) => {
  const s = generateScenario(p);
  s.devices.forEach((d) => { d.deadlineS *= p.deadlineScale; d.minRateMbps = p.minRateMbps; });
  return parseScenario(JSON.parse(JSON.stringify(s)));
});

test('best passes the independent checker on random scenarios, and its bound is below it when it is feasible', () => {
  let infeasible = 0;
  fc.assert(fc.property(scenarioArb, (s) => {
    const r = runAlgorithm(best, s);
    const report = verifyCnnCoop(s, r);
    assert.ok(report.ok, JSON.stringify(report.issues));
    if (r.status === 'infeasible') { infeasible++; assert.ok(r.infeasibleTasks!.length > 0); assert.equal(r.lowerBound, null); return; }
    assert.ok(r.lowerBound !== null && r.lowerBound <= r.totalLatencyS * (1 + 1e-9));
  }), { numRuns: 15, seed: 7 });
  assert.ok(infeasible < 15);
});

test('best is within 1 % of the proved optimum on default scenarios with M = 8', () => {
  for (const seed of [21, 22, 23]) {
    const s = generateScenario({ seed, devices: 8, servers: 2 });
    const opt = runAlgorithm(exact, s);
    const r = runAlgorithm(best, s);
    assert.equal(opt.status, 'optimal');
    assert.ok(opt.totalLatencyS <= r.totalLatencyS * (1 + 1e-9), 'exact is no worse than best');
    assert.ok(r.totalLatencyS <= 1.01 * opt.totalLatencyS, `best ${r.totalLatencyS} vs optimum ${opt.totalLatencyS}`);
  }
});

test('best is feasible and no worse than PA on the paper\'s default scenarios (M = 25, N = 2 and N = 6)', () => {
  for (const [seed, servers] of [[31, 2], [32, 6]]) {
    const s = generateScenario({ seed, devices: 25, servers });
    const p = runAlgorithm(pa, s);
    const r = runAlgorithm(best, s);
    if (p.status !== 'infeasible') assert.notEqual(r.status, 'infeasible');
    assert.ok(r.totalLatencyS <= p.totalLatencyS * (1 + 1e-9), `best ${r.totalLatencyS} vs PA ${p.totalLatencyS}`);
  }
});

test('best chooses raw-to-cloud when the backhaul is fast and the edge slow, and all-at-edge when the backhaul is slow', () => {
  const fastCloud = generateScenario({ seed: 5, devices: 6, servers: 2, backhaulMbps: 1e5, serverCpuGHz: [1] });
  fastCloud.devices.forEach((d) => { d.deadlineS = 100; });
  assert.ok(runAlgorithm(best, fastCloud).tasks.every((t) => t.place !== 'local' && t.layers === 0 && t.finishAt === 'cloud'));
  const slowCloud = generateScenario({ seed: 5, devices: 6, servers: 2, backhaulMbps: 0.01 });
  assert.ok(runAlgorithm(best, slowCloud).tasks.every((t) => t.finishAt === 'edge'));
});

test('best is deterministic: the same scenario gives the same plan', () => {
  const s = generateScenario({ seed: 9, devices: 20, servers: 4 });
  const a = runAlgorithm(best, s);
  const b = runAlgorithm(best, s);
  assert.deepEqual({ ...a, solveMs: 0 }, { ...b, solveMs: 0 });
});

test('quickAllocate equals allocate on random task sets, slack or binding, and its closed form satisfies the KKT conditions', async () => {
  const { quickAllocate } = await import('../../src/cnn-coop/quick-allocation.ts');
  const { allocate } = await import('../../src/cnn-coop/allocation.ts');
  const task = fc.record({
    txS: fc.double({ min: 0.01, max: 1, noNaN: true }),
    computeS: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 1, noNaN: true })),
    backhaulS: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 1, noNaN: true })),
    fixedS: fc.constantFrom(0, 0.05),
    minAlpha: fc.double({ min: 0, max: 0.3, noNaN: true }),
    deadlineS: fc.double({ min: 1, max: 60, noNaN: true }),
  });
  let closedForm = 0;
  fc.assert(fc.property(fc.array(task, { minLength: 1, maxLength: 6 }), (tasks) => {
    const q = quickAllocate(tasks);
    const a = allocate(tasks);
    assert.equal(q.feasible, a.feasible);
    if (!a.feasible) return;
    assert.ok(Math.abs(q.objective - a.objective) <= 1e-6 * a.objective, `quick ${q.objective} vs allocate ${a.objective}`);
    if (q.sweeps > 0) return;
    closedForm++;
    // Stationarity t/s² = ν_r for every used resource, and each share sum is exactly 1.
    (['alpha', 'beta', 'lambda'] as const).forEach((key, r) => {
      const times = tasks.map((t) => [t.txS, t.computeS, t.backhaulS][r]);
      const shares = q[key];
      if (times.every((t) => t === 0)) return;
      assert.ok(Math.abs(shares.reduce((x, y) => x + y, 0) - 1) < 1e-12);
      times.forEach((t, i) => { if (t > 0) assert.ok(Math.abs(t / shares[i] ** 2 - q.prices[r]) <= 1e-9 * q.prices[r]); });
    });
  }), { numRuns: 150, seed: 11 });
  assert.ok(closedForm > 20, `the closed form is exercised (${closedForm} cases)`);
});
