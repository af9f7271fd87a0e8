import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/cnn-coop/generate.ts';
import { parseScenario, type Scenario } from '../../src/cnn-coop/model.ts';
import { allSplits, precompute, type Split } from '../../src/cnn-coop/physics.ts';
import { allocTask } from '../../src/cnn-coop/plan.ts';
import { allocate } from '../../src/cnn-coop/allocation.ts';
import { exact } from '../../src/cnn-coop/algorithms/exact.ts';
import { lowerBoundOf } from '../../src/cnn-coop/bounds.ts';
import { verifyCnnCoop } from '../../src/verify/cnn-coop.ts';
import { runAlgorithm } from '../../src/core/system.ts';

/**
 * Tiny scenarios where every choice matters: slow servers and thin links (so tasks compete),
 * deadlines from very tight to loose (so some instances are infeasible and local computing is
 * sometimes the answer), a two-layer profile whose output layer costs extra (so "all at the edge"
 * does not dominate k = K) and sometimes a cloud CPU (share-free time).
 */
export const tinyScenarioArb = (minDevices: number, maxDevices: number, maxServers: number, minDeadlineScale = 0.2) => fc.record({
  seed: fc.integer({ min: 0, max: 1e6 }),
  devices: fc.integer({ min: minDevices, max: maxDevices }),
  servers: fc.integer({ min: 1, max: maxServers }),
  deadlineScale: fc.double({ min: minDeadlineScale, max: 3, noNaN: true }),
  serverCpuGHz: fc.constantFrom(2, 8, 40),
  deviceCpuScale: fc.constantFrom(1, 10),
  minRateMbps: fc.constantFrom(0, 1, 4),
  cloud: fc.boolean(),
}).map((p): Scenario => {
  const s = generateScenario({
    seed: p.seed, devices: p.devices, servers: p.servers, bandwidthMHz: 1, backhaulMbps: 10, serverCpuGHz: [p.serverCpuGHz],
    profile: { reduction: [0.5, 0.2], gigacyclesPerMbit: [0.6, 1.4], totalGigacyclesPerMbit: 1.8 },
  });
  s.devices.forEach((d) => { d.deadlineS *= p.deadlineScale; d.cpuGHz *= p.deviceCpuScale; d.minRateMbps = p.minRateMbps; });
  if (p.cloud) s.cloud = { cpuGHz: 20 };
  return parseScenario(JSON.parse(JSON.stringify(s)));
});

/** Every placement (local, or any server with any split), each leaf by the exact allocation. */
export function bruteForce(s: Scenario): { latencyS: number } | null {
  const pre = precompute(s);
  const M = s.devices.length;
  const choices: ({ server: number; split?: Split })[][] = s.devices.map(() => [
    { server: -1 }, ...s.servers.flatMap((_, n) => allSplits(pre.profiles[n]).map((split) => ({ server: n, split }))),
  ]);
  let best: number | null = null;
  const memo = new Map<string, number | null>();
  const pick = new Array<number>(M).fill(0);
  const leaf = () => {
    let total = 0;
    for (let m = 0; m < M; m++) {
      if (choices[m][pick[m]].server >= 0) continue;
      if (pre.localS[m] > s.devices[m].deadlineS) return;
      total += pre.localS[m];
    }
    for (let n = 0; n < s.servers.length; n++) {
      const members = pick.flatMap((c, m) => (choices[m][c].server === n ? [`${m}:${c}`] : []));
      if (members.length === 0) continue;
      // Leaves share servers' task sets: allocate each set once.
      const key = `${n}|${members.join(',')}`;
      if (!memo.has(key)) {
        const a = allocate(pick.flatMap((c, m) => (choices[m][c].server === n ? [allocTask(s, pre, m, n, choices[m][c].split!)] : [])));
        memo.set(key, a.feasible ? a.objective : null);
      }
      const cost = memo.get(key)!;
      if (cost === null) return;
      total += cost;
    }
    if (best === null || total < best) best = total;
  };
  const rec = (m: number) => {
    if (m === M) { leaf(); return; }
    for (let c = 0; c < choices[m].length; c++) { pick[m] = c; rec(m + 1); }
  };
  rec(0);
  return best === null ? null : { latencyS: best };
}

test('exact equals brute force over every placement and split on tiny instances (M <= 3, N <= 2)', () => {
  let feasible = 0;
  let infeasible = 0;
  fc.assert(fc.property(tinyScenarioArb(1, 3, 2), (s) => {
    const brute = bruteForce(s);
    const r = runAlgorithm(exact, s);
    assert.ok(verifyCnnCoop(s, r).ok, JSON.stringify(verifyCnnCoop(s, r).issues));
    if (brute === null) {
      infeasible++;
      assert.equal(r.status, 'infeasible');
      assert.ok((r.infeasibleTasks ?? []).length > 0, 'an infeasible result names the tasks');
      return;
    }
    feasible++;
    assert.equal(r.status, 'optimal');
    assert.ok(Math.abs(r.totalLatencyS - brute.latencyS) <= 1e-6 * brute.latencyS, `exact ${r.totalLatencyS} vs brute force ${brute.latencyS}`);
    assert.ok(r.lowerBound !== null && r.lowerBound <= r.totalLatencyS * (1 + 1e-9) && r.lowerBound >= r.totalLatencyS * (1 - 2e-6));
    const lb = lowerBoundOf(s);
    assert.ok(lb <= brute.latencyS * (1 + 1e-9), `lower bound ${lb} above the optimum ${brute.latencyS}`);
  }), { numRuns: 30, seed: 3 });
  assert.ok(feasible >= 10 && infeasible >= 1, `the generator covers both cases (${feasible} feasible, ${infeasible} infeasible)`);
});

test('exact reaches the same optimum as brute force with four devices on one server', () => {
  fc.assert(fc.property(tinyScenarioArb(4, 4, 1, 1), (s) => {
    const brute = bruteForce(s);
    const r = runAlgorithm(exact, s);
    if (brute === null) { assert.equal(r.status, 'infeasible'); return; }
    assert.ok(Math.abs(r.totalLatencyS - brute.latencyS) <= 1e-6 * brute.latencyS, `exact ${r.totalLatencyS} vs brute force ${brute.latencyS}`);
  }), { numRuns: 3, seed: 5 });
});

test('exact names the task that misses its deadline in every placement', () => {
  const s = generateScenario({ seed: 4, devices: 4, servers: 2 });
  s.devices[2].deadlineS = 1e-4;
  const r = runAlgorithm(exact, s);
  assert.equal(r.status, 'infeasible');
  assert.deepEqual(r.infeasibleTasks, ['MD3']);
  assert.match(JSON.stringify(r.info), /MD3 misses its deadline/);
  assert.equal(r.lowerBound, null);
});

test('lowerBoundOf <= exact <= every registered algorithm on random default scenarios (M <= 8)', async () => {
  const { cnnCoop } = await import('../../src/cnn-coop/system.ts');
  fc.assert(fc.property(fc.record({ seed: fc.integer({ min: 0, max: 1e6 }), devices: fc.integer({ min: 2, max: 8 }), servers: fc.integer({ min: 1, max: 3 }) }), (p) => {
    const s = generateScenario(p);
    const r = runAlgorithm(exact, s);
    assert.equal(r.status, 'optimal');
    assert.ok(verifyCnnCoop(s, r).ok);
    const lb = lowerBoundOf(s);
    assert.ok(lb <= r.totalLatencyS * (1 + 1e-9), `lower bound ${lb} above the optimum ${r.totalLatencyS}`);
    for (const a of cnnCoop.algorithms) {
      if (a.name === 'exact') continue;
      const other = runAlgorithm(a, s);
      if (other.status === 'infeasible') continue;
      assert.ok(r.totalLatencyS <= other.totalLatencyS * (1 + 1e-6), `${a.name}: ${other.totalLatencyS} below the optimum ${r.totalLatencyS}`);
    }
  }), { numRuns: 3, seed: 12 });
});

test('branchAndBound stopped by its node limit keeps its plan and reports only a proved bound', async () => {
  const { branchAndBound } = await import('../../src/cnn-coop/branch.ts');
  const { taskOptions } = await import('../../src/cnn-coop/options.ts');
  const s = generateScenario({ seed: 2, devices: 9, servers: 3 });
  const tasks = taskOptions(s, precompute(s));
  const full = branchAndBound(tasks, 3);
  const cut = branchAndBound(tasks, 3, undefined, 5);
  assert.equal(full.complete, true);
  assert.equal(cut.complete, false);
  assert.ok(cut.lowerBound <= full.latencyS * (1 + 1e-9), 'the cut search still bounds the optimum');
  if (cut.choice) assert.ok(cut.latencyS >= full.latencyS * (1 - 1e-9), 'and its plan is no better than the optimum');
});
