import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fleetOptionsFrom, generateScenario } from '../../src/cnn-coop/generate.ts';
import { parseScenario } from '../../src/cnn-coop/model.ts';
import { fleet, solveFleet } from '../../src/cnn-coop/algorithms/fleet.ts';
import { exact } from '../../src/cnn-coop/algorithms/exact.ts';
import { best } from '../../src/cnn-coop/algorithms/best.ts';
import { verifyCnnCoop } from '../../src/verify/cnn-coop.ts';
import { runAlgorithm } from '../../src/core/system.ts';
import { InputError } from '../../src/core/errors.ts';

const scenarioArb = fc.record({
  seed: fc.integer({ min: 0, max: 1e6 }),
  devices: fc.integer({ min: 0, max: 40 }),
  servers: fc.integer({ min: 1, max: 12 }),
  bandwidthMHz: fc.constantFrom(2, 10, 30),
  backhaulMbps: fc.constantFrom(5, 100, 1000),
  deadlineScale: fc.double({ min: 0.1, max: 2, noNaN: true }),
  minRateMbps: fc.constantFrom(0, 1, 10),
  cloud: fc.boolean(),
}).map((p) => {
  const s = generateScenario(p);
  s.devices.forEach((d) => { d.deadlineS *= p.deadlineScale; d.minRateMbps = p.minRateMbps; });
  if (p.cloud) s.cloud = { cpuGHz: 3000 };
  return parseScenario(JSON.parse(JSON.stringify(s)));
});

test('fleet passes the independent checker on random scenarios, and its bound is below its plan', () => {
  fc.assert(fc.property(scenarioArb, (s) => {
    const r = runAlgorithm(fleet, s);
    const report = verifyCnnCoop(s, r);
    assert.ok(report.ok, JSON.stringify(report.issues));
    if (r.status === 'infeasible') { assert.ok(r.infeasibleTasks!.length > 0); assert.equal(r.lowerBound, null); return; }
    assert.ok(r.lowerBound !== null && r.lowerBound <= r.totalLatencyS * (1 + 1e-9), `bound ${r.lowerBound} above plan ${r.totalLatencyS}`);
  }), { numRuns: 25 });
});

test('fleet\'s bound is below the proved optimum, and its plan within 2 % of it, on small scenarios', () => {
  for (const [seed, servers] of [[41, 2], [42, 3], [43, 4]]) {
    const s = generateScenario({ seed, devices: 8, servers });
    const opt = runAlgorithm(exact, s);
    const r = runAlgorithm(fleet, s);
    assert.equal(opt.status, 'optimal');
    assert.ok(r.lowerBound !== null && r.lowerBound <= opt.totalLatencyS * (1 + 1e-9), `bound ${r.lowerBound} vs optimum ${opt.totalLatencyS}`);
    assert.ok(r.totalLatencyS >= opt.totalLatencyS * (1 - 1e-9));
    assert.ok(r.totalLatencyS <= 1.02 * opt.totalLatencyS, `fleet ${r.totalLatencyS} vs optimum ${opt.totalLatencyS}`);
  }
});

test('fleet\'s bound is below best\'s feasible plan, with few candidate servers too', () => {
  const s = generateScenario({ seed: 5, devices: 60, devicesPerServer: 12 });
  const b = runAlgorithm(best, s);
  assert.notEqual(b.status, 'infeasible');
  for (const candidateServers of [1, 2, 8]) {
    const r = solveFleet(s, { candidateServers });
    assert.ok(verifyCnnCoop(s, r).ok);
    if (r.lowerBound !== null) assert.ok(r.lowerBound <= b.totalLatencyS * (1 + 1e-9), `bound ${r.lowerBound} vs best ${b.totalLatencyS}`);
  }
});

test('with a time budget of 0 ms fleet still returns a plan the checker accepts, no better than the unbudgeted one', () => {
  const s = generateScenario({ seed: 8, devices: 120, devicesPerServer: 15 });
  const cut = runAlgorithm(fleet, s, { timeBudgetMs: 0 });
  const full = runAlgorithm(fleet, s);
  assert.ok(verifyCnnCoop(s, cut).ok);
  assert.equal(cut.info?.rounds, 0);
  assert.ok(full.totalLatencyS <= cut.totalLatencyS * (1 + 1e-12));
  assert.equal(fleet.supports?.timeBudgetMs, true);
});

test('fleet generator: servers follow the fleet, resources keep the paper\'s load per server, defaults unchanged', () => {
  const paper = generateScenario({ seed: 3, devices: 30 });
  assert.deepEqual(generateScenario({ seed: 3, devices: 30, servers: 2 }), paper);
  assert.equal(paper.servers.length, 2);
  assert.equal(paper.servers[0].bandwidthMHz, 10);
  const f = generateScenario({ seed: 3, devices: 1000, devicesPerServer: 20, loadPerServer: 10 });
  assert.equal(f.servers.length, 50);
  const scale = 1000 / 50 / 10;
  f.servers.forEach((srv) => {
    assert.equal(srv.bandwidthMHz, 10 * scale);
    assert.equal(srv.backhaulMbps, 100 * scale);
    assert.ok(srv.cpuGHz === 600 * scale || srv.cpuGHz === 800 * scale);
  });
  // The paper's server density: 2 servers per 100 m square.
  const side = 100 * Math.sqrt(50 / 2);
  assert.ok(f.devices.every((d) => d.x >= 0 && d.x < side && d.y >= 0 && d.y < side));
  assert.ok(f.devices.some((d) => d.x > 100));
  // Servers are drawn before devices: the same seed gives the same servers for any fleet size.
  assert.deepEqual(generateScenario({ seed: 3, devices: 900, servers: 50, loadPerServer: 10 }).servers.map((s) => s.x),
    generateScenario({ seed: 3, devices: 1000, servers: 50, loadPerServer: 10, areaM: side }).servers.map((s) => s.x).map((x) => x * Math.sqrt(50 / 2) * 100 / side));
  assert.deepEqual(fleetOptionsFrom({ 'devices-per-server': 0, 'load-per-server': 0, 'area-m': 0 }), {});
  assert.throws(() => fleetOptionsFrom({ 'devices-per-server': 2.5 }), (e: unknown) => e instanceof InputError && /--devices-per-server/.test(e.message));
  assert.throws(() => fleetOptionsFrom({ 'load-per-server': -1 }), (e: unknown) => e instanceof InputError && /--load-per-server/.test(e.message));
});

test('fleet/bound.ts: G(Y, s) at any loads stays below the proved optimum (random Y, small random scenarios with cloud, floors, tight deadlines)', async () => {
  const { boundAt } = await import('../../src/cnn-coop/fleet/bound.ts');
  const { precompute } = await import('../../src/cnn-coop/physics.ts');
  const small = fc.record({
    seed: fc.integer({ min: 0, max: 1e6 }),
    devices: fc.integer({ min: 1, max: 6 }),
    servers: fc.integer({ min: 1, max: 3 }),
    deadlineScale: fc.double({ min: 0.3, max: 1.5, noNaN: true }),
    minRateMbps: fc.constantFrom(0, 1, 20),
    cloud: fc.boolean(),
  }).map((p) => {
    const s = generateScenario(p);
    s.devices.forEach((d) => { d.deadlineS *= p.deadlineScale; d.minRateMbps = p.minRateMbps; });
    if (p.cloud) s.cloud = { cpuGHz: 2000 };
    return parseScenario(JSON.parse(JSON.stringify(s)));
  });
  const loads = fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 9, maxLength: 9 });
  let compared = 0;
  fc.assert(fc.property(small, loads, (s, y) => {
    const opt = runAlgorithm(exact, s);
    if (opt.status !== 'optimal') return;
    compared++;
    const Y = Float64Array.from({ length: 3 * s.servers.length }, (_, i) => y[i]);
    const g = boundAt(s, precompute(s), s.devices.map(() => false), Y);
    assert.ok(g <= opt.totalLatencyS * (1 + 1e-9), `G = ${g} above the optimum ${opt.totalLatencyS}`);
  }), { numRuns: 40 });
  assert.ok(compared >= 10, `only ${compared} feasible instances`);
});
