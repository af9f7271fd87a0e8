import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/cnn-coop/generate.ts';
import { parseScenario, type Scenario } from '../../src/cnn-coop/model.ts';
import { fleet } from '../../src/cnn-coop/algorithms/fleet.ts';
import { mdo } from '../../src/cnn-coop/algorithms/mdo.ts';
import { repairPlan } from '../../src/cnn-coop/fleet/repair.ts';
import { verifyCnnCoop } from '../../src/verify/cnn-coop.ts';
import { runAlgorithm } from '../../src/core/system.ts';

/** One change of a fleet: a device moves, joins or leaves, a device's task changes, a server goes away. */
const changeArb = fc.oneof(
  fc.record({ kind: fc.constant('move' as const), at: fc.nat(), dx: fc.double({ min: -80, max: 80, noNaN: true }), dy: fc.double({ min: -80, max: 80, noNaN: true }) }),
  fc.record({ kind: fc.constant('join' as const), at: fc.nat(), x: fc.double({ min: 0, max: 200, noNaN: true }), y: fc.double({ min: 0, max: 200, noNaN: true }) }),
  fc.record({ kind: fc.constant('leave' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('deadline' as const), at: fc.nat(), factor: fc.double({ min: 0.2, max: 3, noNaN: true }) }),
  fc.record({ kind: fc.constant('server-gone' as const), at: fc.nat() }),
);
type Change = typeof changeArb extends fc.Arbitrary<infer T> ? T : never;

function applyChange(s: Scenario, c: Change, serial: number): Scenario {
  const next = structuredClone(s);
  const M = next.devices.length;
  if (c.kind === 'move' && M > 0) { const d = next.devices[c.at % M]; d.x += c.dx; d.y += c.dy; }
  if (c.kind === 'join') next.devices.splice(M === 0 ? 0 : c.at % (M + 1), 0, { ...(s.devices[0] ?? generateScenario({ seed: 1, devices: 1 }).devices[0]), id: `J${serial}`, x: c.x, y: c.y });
  if (c.kind === 'leave' && M > 0) next.devices.splice(c.at % M, 1);
  if (c.kind === 'deadline' && M > 0) next.devices[c.at % M].deadlineS *= c.factor;
  if (c.kind === 'server-gone' && next.servers.length > 1) next.servers.splice(c.at % next.servers.length, 1);
  return parseScenario(JSON.parse(JSON.stringify(next)));
}

const startArb = fc.record({
  seed: fc.integer({ min: 0, max: 1e6 }),
  devices: fc.integer({ min: 0, max: 40 }),
  servers: fc.integer({ min: 1, max: 8 }),
  deadlineScale: fc.double({ min: 0.2, max: 2, noNaN: true }),
  previousBy: fc.constantFrom('fleet', 'mdo'),
});

test('repairPlan never returns a plan the independent checker rejects, over chains of random changes', () => {
  fc.assert(fc.property(startArb, fc.array(changeArb, { minLength: 1, maxLength: 4 }), (p, changes) => {
    let s = generateScenario(p);
    s.devices.forEach((d) => { d.deadlineS *= p.deadlineScale; });
    s = parseScenario(JSON.parse(JSON.stringify(s)));
    let result = runAlgorithm(p.previousBy === 'fleet' ? fleet : mdo, s);
    changes.forEach((c, i) => {
      const next = applyChange(s, c, i);
      const repaired = repairPlan({ scenario: s, result }, next);
      const report = verifyCnnCoop(next, repaired);
      assert.ok(report.ok, `${c.kind}: ${JSON.stringify(report.issues.slice(0, 3))}`);
      assert.deepEqual(repaired.tasks.map((t) => t.device), next.devices.map((d) => d.id));
      if (repaired.lowerBound !== null) assert.ok(repaired.lowerBound <= repaired.totalLatencyS * (1 + 1e-9));
      s = next;
      result = repaired;
    });
  }), { numRuns: 30 });
});

test('repair of an unchanged scenario keeps the plan; repair after one change re-allocates only the servers concerned', () => {
  const s = generateScenario({ seed: 12, devices: 200, devicesPerServer: 20 });
  const r = runAlgorithm(fleet, s);
  const same = repairPlan({ scenario: s, result: r }, structuredClone(s));
  assert.deepEqual(same.tasks.map((t) => [t.place, t.layers, t.finishAt]), r.tasks.map((t) => [t.place, t.layers, t.finishAt]));
  assert.equal(same.info?.reallocatedServers, 0);
  assert.ok(Math.abs(same.totalLatencyS - r.totalLatencyS) <= 1e-9 * r.totalLatencyS);
  const moved = structuredClone(s);
  moved.devices[3].x += 5;
  const rep = repairPlan({ scenario: s, result: r }, moved);
  assert.ok(verifyCnnCoop(moved, rep).ok);
  assert.equal(rep.info?.placedAgain, 1);
  assert.ok((rep.info?.reallocatedServers as number) < s.servers.length, 'not every server is re-allocated');
  // Devices on servers the change did not touch keep their shares exactly.
  const touched = new Set([r.tasks[3].place, rep.tasks[3].place]);
  r.tasks.forEach((t, m) => {
    if (touched.has(t.place) || touched.has(rep.tasks[m].place)) return;
    assert.deepEqual(rep.tasks[m], t);
  });
});

test('a copy of the previous scenario (as the controller\'s planner thread gets it) hits the physics memo by content, with the same repair', () => {
  const s = generateScenario({ seed: 13, devices: 80, devicesPerServer: 10 });
  const r = runAlgorithm(fleet, s);
  const next = structuredClone(s);
  next.devices[2].x += 10;
  const own = repairPlan({ scenario: s, result: r }, next);
  const copied = repairPlan({ scenario: structuredClone(s), result: r }, structuredClone(next));
  assert.equal(own.info?.physicsMemo, 'object');
  assert.equal(copied.info?.physicsMemo, 'content');
  assert.deepEqual(copied.tasks, own.tasks);
  // Content never planned: no memo, computed from scratch, still valid.
  const unseen = structuredClone(s);
  unseen.devices[0].dataMbit *= 1.5;
  const fresh = repairPlan({ scenario: unseen, result: r }, next);
  assert.equal(fresh.info?.physicsMemo, 'miss');
  assert.ok(verifyCnnCoop(next, fresh).ok);
});
