import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PlanPolicy, DEFAULT_POLICY } from '../../src/control/policy.ts';
import { availableAlgorithms, inlinePlanner, workerPlanner, type PlanOutcome, type PlanRequest, type Planner } from '../../src/control/planner.ts';
import { buildScenario } from '../../src/control/scenario.ts';
import type { Result } from '../../src/cnn-coop/model.ts';
import { waitEvent } from './helpers.ts';
import { SERVER, STATE, startStack } from './stack.ts';

// Issue 10, item 11: decisions at fleet size. The planner runs under a deadline (the plan in
// force stays when it is missed), the algorithm follows the fleet size, and a small change is
// repaired rather than solved from scratch.

const result = (latencies: number[], meets = true): Result => ({
  system: 'cnn-coop', algorithm: 'x', status: 'feasible', solveMs: 1, lowerBound: null, totalLatencyS: latencies.reduce((a, b) => a + b, 0), deviceEnergyJ: 0,
  tasks: latencies.map((l, i) => ({ device: `d${i}`, place: 'local', layers: 0, finishAt: 'device', bandwidthShare: 0, cpuShare: 0, backhaulShare: 0, latencyS: l, energyJ: 0, meetsDeadline: meets })),
});

describe('PlanPolicy', { timeout: 120000 }, () => {
  const input = { devices: 100, changed: 100, serversAdded: false, hasPrevious: true, now: 0 };

  it('auto: pa for a small fleet, the fleet-scale algorithm above the threshold, mdo where that is not installed', () => {
    const withFleet = new PlanPolicy(DEFAULT_POLICY, { algorithms: ['pa', 'mdo', 'fleet'], repair: false });
    assert.equal(withFleet.next({ ...input, devices: 30 }).algorithm, 'pa');
    assert.equal(withFleet.next({ ...input, devices: 31 }).algorithm, 'fleet');
    const without = new PlanPolicy(DEFAULT_POLICY, { algorithms: ['pa', 'mdo'], repair: false });
    assert.equal(without.next({ ...input, devices: 1000 }).algorithm, 'mdo');
    const named = new PlanPolicy({ ...DEFAULT_POLICY, algorithm: 'ara' }, { algorithms: ['pa', 'mdo', 'ara'], repair: false });
    assert.equal(named.next({ ...input, devices: 1000 }).algorithm, 'ara');
  });

  it('repairs when few devices changed, solves in full first, when many changed, when a server joined, and when a repair is doubtful', () => {
    const p = new PlanPolicy(DEFAULT_POLICY, { algorithms: ['pa', 'mdo'], repair: true });
    const first = p.next(input);
    assert.equal(first.mode, 'full', 'nothing to repair from yet');
    p.done(first, { ok: true, result: result([1, 1, 1, 1]) }, 0);
    assert.equal(p.next({ ...input, changed: 5, now: 1000 }).mode, 'repair');
    assert.equal(p.next({ ...input, changed: 30, now: 1000 }).mode, 'full');
    assert.equal(p.next({ ...input, changed: 5, serversAdded: true, now: 1000 }).mode, 'full');
    assert.equal(p.next({ ...input, changed: 5, now: 31_000 }).mode, 'full', 'a full plan at least every fullEveryS');
    const repair = p.next({ ...input, changed: 5, now: 2000 });
    assert.deepEqual(p.done(repair, { ok: true, result: result([1, 1, 1, 1.1]) }, 2000), { doubtful: false });
    const worse = p.next({ ...input, changed: 5, now: 3000 });
    assert.deepEqual(p.done(worse, { ok: true, result: result([1.2, 1.2, 1.2, 1.2]) }, 3000), { doubtful: true });
    assert.equal(p.next({ ...input, changed: 5, now: 4000 }).mode, 'full');
  });

  it('after a missed deadline the next plans use the fast fallback for a while', () => {
    const p = new PlanPolicy(DEFAULT_POLICY, { algorithms: ['pa', 'mdo'], repair: false });
    const r = p.next({ ...input, devices: 20 });
    assert.equal(r.algorithm, 'pa');
    assert.equal(r.deadlineMs, DEFAULT_POLICY.deadlineMs, 'with a plan in force, the deadline applies');
    assert.equal(p.next({ ...input, devices: 20, hasPrevious: false }).deadlineMs, 0, 'no plan in force yet: a late plan beats none');
    p.done(r, { ok: false, missedDeadline: true }, 0);
    const after = p.next({ ...input, devices: 20, now: 1000 });
    assert.equal(after.algorithm, 'mdo');
    assert.equal(after.deadlineMs, 0, 'right after a miss: a late plan beats a stale one');
    assert.equal(p.next({ ...input, devices: 20, now: 31_000 }).algorithm, 'pa');
  });
});

describe('planner deadline', { timeout: 120000 }, () => {
  it('a worker solve past its deadline is abandoned (missedDeadline), and the next plan runs on a fresh thread', async () => {
    const planner = workerPlanner('mdo');
    try {
      const scenario = buildScenario([{ serverId: 'E1', info: SERVER }], [{ via: 'E1', report: { deviceId: 'd1', seq: 0, ...STATE } }]);
      // 1 ms: less than the thread needs to start, so the deadline always comes first
      const missed = await planner.plan({ scenario, algorithm: 'mdo', deadlineMs: 1 });
      assert.equal(missed.ok, false);
      assert.equal((missed as { missedDeadline?: boolean }).missedDeadline, true);
      const done = await planner.plan({ scenario, algorithm: 'mdo', deadlineMs: 60_000 });
      assert.equal(done.ok, true, JSON.stringify(done));
      assert.equal((done as { verified: boolean }).verified, true);
    } finally {
      await planner.close();
    }
  });

  it('the controller keeps the plan in force when the planner misses its deadline, passes the budget down, and re-plans with the fallback', async () => {
    const inner = inlinePlanner('pa');
    const seen: PlanRequest[] = [];
    let stall = false;
    const planner: Planner = {
      algorithm: 'auto',
      async plan(req): Promise<PlanOutcome> {
        seen.push(req);
        if (stall) return { ok: false, error: `missed its deadline of ${req.deadlineMs} ms`, mode: 'full', missedDeadline: true };
        return inner.plan(req);
      },
      close: async () => {},
    };
    const st = await startStack({ planner, policy: { budgetMs: 700, deadlineMs: 5000, smallFleetMax: 10 }, repairAvailable: false });
    try {
      const { url } = await st.addAgent('E1');
      const d = st.device(url, 'd1');
      await d.connect();
      d.report(STATE);
      const [good] = await waitEvent<[{ header: { planId: number } }]>(st.ctl, 'planned', () => true);
      assert.equal(seen.at(-1)!.algorithm, 'pa');
      assert.equal(seen.at(-1)!.timeBudgetMs, 700);
      assert.equal(seen.at(-1)!.deadlineMs, undefined, 'no plan in force yet: no deadline');
      stall = true;
      const failed = waitEvent<[string]>(st.ctl, 'plan-failed', () => true);
      d.report({ ...STATE, x: 40 });
      assert.match((await failed)[0], /missed its deadline/);
      assert.equal(seen.at(-1)!.deadlineMs, 5000);
      assert.equal(st.ctl.latest!.header.planId, good.header.planId, 'the last good plan stays in force');
      assert.equal(d.lastDecision!.planId, good.header.planId);
      stall = false;
      const [next] = await waitEvent<[{ header: { planId: number; algorithm: string } }]>(st.ctl, 'planned', () => true);
      assert.ok(next.header.planId > good.header.planId);
      const { names } = await availableAlgorithms('cnn-coop');
      assert.equal(seen.at(-1)!.algorithm, names.includes('fleet') ? 'fleet' : 'mdo', 'the retry uses the fast fallback');
      const text = await st.ctl.metrics.registry.getSingleMetricAsString('mec_plans_total');
      assert.match(text, /outcome="deadline",mode="full"\} 1/);
    } finally {
      await st.close();
    }
  });

  it('a small change is repaired from the plan in force, and the repaired plan goes through the independent check', async () => {
    const inner = inlinePlanner('pa');
    const seen: PlanRequest[] = [];
    const refs: string[] = [];
    let tamper = false;
    const planner: Planner = {
      algorithm: 'pa',
      async plan(req): Promise<PlanOutcome> {
        seen.push(req);
        // the repair stands in for fleet/repair.ts: a full solve of the new scenario, optionally broken
        const o = await inner.plan({ ...req, previous: undefined });
        if (o.ok) refs.push(o.ref);
        if (!o.ok || !req.previous) return o;
        if (!tamper) return { ...o, mode: 'repair' };
        const result = structuredClone(o.result);
        for (const t of result.tasks) t.latencyS = 0;
        const { getSystem } = await import('../../src/systems.ts');
        const report = getSystem('cnn-coop').verify(req.scenario, result);
        return { ...o, result, verified: report.ok, issues: report.issues, mode: 'repair' };
      },
      close: async () => {},
    };
    const st = await startStack({ planner, policy: { repairMaxFraction: 0.2 }, repairAvailable: true });
    try {
      const { url } = await st.addAgent('E1');
      const clients = Array.from({ length: 10 }, (_, i) => st.device(url, `d${i}`));
      await Promise.all(clients.map((c) => c.connect()));
      const seqs = clients.map((c, i) => c.report({ ...STATE, x: 30 + i }));
      await Promise.all(clients.map((c, i) => waitEvent(c, 'decision', (x: { basedOnSeq: number }) => x.basedOnSeq === seqs[i])));
      assert.equal(seen.at(-1)!.previous, undefined, 'the first plan is a full one');
      const planned = waitEvent<[{ header: { mode: string; planId: number } }]>(st.ctl, 'planned', (p) => p.header.mode === 'repair');
      const inForceRef = refs.at(-1);
      clients[0].report({ ...STATE, x: 20 });
      const [repaired] = await planned;
      assert.ok(seen.at(-1)!.previous, 'one device of ten changed: repaired');
      assert.equal(seen.at(-1)!.previous!.ref, inForceRef, 'the repair names the planner thread\'s objects of the plan in force');
      assert.equal(seen.at(-1)!.previous!.result.tasks.length, 10);
      tamper = true;
      const failed = waitEvent<[string]>(st.ctl, 'plan-failed', () => true);
      clients[1].report({ ...STATE, x: 21 });
      assert.match((await failed)[0], /failed the independent check/);
      assert.equal(st.ctl.latest!.header.planId, repaired.header.planId, 'a repaired plan that fails the check is never pushed');
    } finally {
      await st.close();
    }
  });
});
