import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateScenario } from '../../src/cnn-coop/generate.ts';
import { fleet, solveFleet } from '../../src/cnn-coop/algorithms/fleet.ts';
import { mdo } from '../../src/cnn-coop/algorithms/mdo.ts';
import { repairPlan } from '../../src/cnn-coop/fleet/repair.ts';
import { verifyCnnCoop } from '../../src/verify/cnn-coop.ts';
import { runAlgorithm } from '../../src/core/system.ts';

/**
 * The time budget without timed assertions: the solver reads time only through the injected
 * clock, so a clock that stands still never cuts anything (the same plan as without a budget),
 * and a clock that is past the budget from its second reading makes every step take its cut.
 */
const stoppedClock = () => () => 0;
const expiredClock = () => { let reads = 0; return () => (reads++ === 0 ? 0 : 1e12); };

type BudgetInfo = { exhausted: boolean; cut: string[]; narrowedCandidates: number; cheapAllocations: number };

test('fleet: a clock that stands still cuts nothing; a clock past the budget gets a checker-valid plan from the cheap steps only, and info says so', () => {
  const s = generateScenario({ seed: 4, devices: 150, devicesPerServer: 15, loadPerServer: 15 });
  // (Without a budget fleet skips the greedy plan it keeps in hand under one: compared with a budget never reached.)
  const free = solveFleet(s, { timeBudgetMs: 1e9 });
  const still = solveFleet(s, { timeBudgetMs: 50, clock: stoppedClock() });
  assert.deepEqual(still.tasks, free.tasks);
  assert.equal((still.info?.budget as BudgetInfo).exhausted, false);
  const cut = solveFleet(s, { timeBudgetMs: 50, clock: expiredClock() });
  assert.ok(verifyCnnCoop(s, cut).ok, JSON.stringify(verifyCnnCoop(s, cut).issues.slice(0, 3)));
  const b = cut.info?.budget as BudgetInfo;
  assert.equal(b.exhausted, true);
  for (const step of ['candidates', 'relaxation', 'allocation', 'moves']) assert.ok(b.cut.includes(step), `${step} not cut: ${b.cut}`);
  // The clock is read before the first device: every device gets its nearest server only.
  assert.equal(b.narrowedCandidates, s.devices.length);
  assert.ok(b.cheapAllocations > 0);
  assert.equal(cut.info?.rounds, 0);
  assert.equal(cut.info?.moves, 0);
  assert.equal(cut.lowerBound, null);
  assert.ok(cut.totalLatencyS >= free.totalLatencyS * (1 - 1e-12), 'the cut plan is not better than the full one');
});

test('fleet on an overloaded instance with the budget spent at once: still a checker-valid plan, judged in the latency mode', () => {
  const s = generateScenario({ seed: 2, devices: 90, servers: 2 });
  const r = solveFleet(s, { timeBudgetMs: 10, clock: expiredClock() });
  assert.ok(verifyCnnCoop(s, r).ok, JSON.stringify(verifyCnnCoop(s, r).issues.slice(0, 3)));
  assert.equal(r.status, 'infeasible');
  assert.match(String(r.info?.mode), /^latency/);
  assert.equal((r.info?.budget as BudgetInfo).exhausted, true);
});

test('repairPlan: a clock past the budget still gives a checker-valid repair (no moves, no bound), a stopped clock the unbudgeted one', () => {
  const s = generateScenario({ seed: 6, devices: 120, devicesPerServer: 12, loadPerServer: 15 });
  const r = runAlgorithm(fleet, s);
  const next = structuredClone(s);
  next.devices[5].x += 30;
  next.devices.push({ ...s.devices[9], id: 'NEW', x: s.devices[9].y, y: s.devices[9].x });
  const free = repairPlan({ scenario: s, result: r }, next);
  const still = repairPlan({ scenario: s, result: r }, next, { timeBudgetMs: 20, clock: stoppedClock() });
  assert.deepEqual(still.tasks, free.tasks);
  const cut = repairPlan({ scenario: s, result: r }, next, { timeBudgetMs: 20, clock: expiredClock() });
  assert.ok(verifyCnnCoop(next, cut).ok, JSON.stringify(verifyCnnCoop(next, cut).issues.slice(0, 3)));
  assert.equal(cut.info?.moves, 0);
  assert.equal(cut.lowerBound, null);
  const b = cut.info?.budget as { exhausted: boolean; cheapAllocations: number };
  assert.equal(b.exhausted, true);
  assert.ok(b.cheapAllocations > 0);
});

test('overloaded instances (paper resources, far more devices than the servers can serve on time): fleet\'s total latency is at most mdo\'s', () => {
  for (const [seed, devices, servers] of [[1, 200, 4], [3, 90, 2]]) {
    const s = generateScenario({ seed, devices, servers });
    const m = runAlgorithm(mdo, s);
    const f = runAlgorithm(fleet, s);
    assert.ok(verifyCnnCoop(s, f).ok);
    assert.equal(m.status, 'infeasible');
    assert.ok(f.totalLatencyS <= m.totalLatencyS * (1 + 1e-9), `seed ${seed}: fleet ${f.totalLatencyS} vs mdo ${m.totalLatencyS}`);
    assert.match(String(f.info?.mode), /^latency/);
  }
});

test('repair of an overloaded plan after some devices move: checker-valid, latency mode, total latency at most mdo\'s on the new scenario', () => {
  const s = generateScenario({ seed: 3, devices: 90, servers: 2 });
  const r = runAlgorithm(fleet, s);
  const next = structuredClone(s);
  next.devices.forEach((d, m) => { if (m % 15 === 0) { d.x += 20; d.y -= 15; } });
  const rep = repairPlan({ scenario: s, result: r }, next);
  assert.ok(verifyCnnCoop(next, rep).ok, JSON.stringify(verifyCnnCoop(next, rep).issues.slice(0, 3)));
  assert.equal(rep.info?.repair, 'incremental');
  assert.match(String(rep.info?.mode), /^latency/);
  // Only the moved devices are placed again (the late ones stay unless something of theirs changed).
  assert.equal(rep.info?.placedAgain, 6);
  const m = runAlgorithm(mdo, next);
  assert.ok(rep.totalLatencyS <= m.totalLatencyS, `repair ${rep.totalLatencyS} vs mdo ${m.totalLatencyS}`);
});
