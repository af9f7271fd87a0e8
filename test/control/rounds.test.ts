import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { cellLoad, DEFAULT_POLICY, PlanPolicy } from '../../src/control/policy.ts';
import { holdsPlan, inlinePlanner, runPlanJob, type PlanOutcome, type PlanRequest, type Planner } from '../../src/control/planner.ts';
import { buildScenario } from '../../src/control/scenario.ts';
import type { Result } from '../../src/cnn-coop/model.ts';
import { waitEvent } from './helpers.ts';
import { SERVER, STATE, startStack } from './stack.ts';

// Issue 10, item 11 (report -> decision at fleet size): rounds run back to back while reports
// keep coming, a repair starts from the objects the planner thread planned, reports are committed
// in groups, and an overloaded cell is solved in full every round.

describe('an overloaded cell', () => {
  const input = { devices: 1000, changed: 1000, serversAdded: false, hasPrevious: true, now: 0 };
  const paper = (n: number) => Array.from({ length: n }, (_, i) => ({ bandwidthMHz: 10, cpuGHz: i % 2 ? 800 : 600 }));

  it('cellLoad reads the generator\'s devices per paper-sized server back from the servers', () => {
    // a 600 GHz server is 6/7 of a paper-sized one (700 GHz, the mean of 600 and 800)
    assert.equal(cellLoad(30, paper(2)), 30 / (1 + 6 / 7));
    const scaled = paper(8).map((s) => ({ bandwidthMHz: s.bandwidthMHz * 6.25, cpuGHz: s.cpuGHz * 6.25 }));
    assert.ok(Math.abs(cellLoad(1000, scaled) - 1000 / (6.25 * (4 + 4 * 6 / 7))) < 1e-9);
    assert.ok(cellLoad(1000, paper(8)) > 130, 'the bench\'s paper cell is about 9 times the paper\'s load');
    assert.equal(cellLoad(5, []), Infinity);
  });

  it('solves an overloaded cell in full every round (with fleet); a cell at fleet load is repaired when few devices changed', () => {
    const p = new PlanPolicy(DEFAULT_POLICY, { algorithms: ['pa', 'mdo', 'fleet'], repair: true });
    const first = p.next({ ...input, loadPerServer: 135 });
    assert.equal(first.algorithm, 'fleet');
    assert.match(first.why, /overloaded cell: 135 devices/);
    const ok = { ok: true as const, result: { tasks: [], totalLatencyS: 0 } as unknown as Result };
    p.done(first, ok, 0);
    assert.equal(p.next({ ...input, changed: 1, loadPerServer: 135, now: 1000 }).mode, 'full', 'no repair of an overloaded cell');
    assert.equal(p.next({ ...input, changed: 1, loadPerServer: 21, now: 1000 }).mode, 'repair');
    assert.doesNotMatch(p.next({ ...input, loadPerServer: 21, now: 1000 }).why, /overloaded/);
    const off = new PlanPolicy({ ...DEFAULT_POLICY, overloadedLoad: 0 }, { algorithms: ['pa', 'mdo', 'fleet'], repair: true });
    off.done(off.next({ ...input, loadPerServer: 135 }), ok, 0);
    assert.equal(off.next({ ...input, changed: 1, loadPerServer: 135, now: 1000 }).mode, 'repair', 'overloadedLoad 0: the rule is off');
  });
});

describe('planning rounds', { timeout: 120000 }, () => {
  it('reports that arrive during a round are planned as soon as it ends, not after the debounce', async () => {
    const inner = inlinePlanner('pa');
    const gate = new EventEmitter();
    const calls: PlanRequest[] = [];
    const planner: Planner = {
      algorithm: 'pa',
      async plan(req): Promise<PlanOutcome> {
        calls.push(req);
        gate.emit('call', calls.length);
        await waitEvent(gate, 'release', (n: number) => n === calls.length);
        return inner.plan(req);
      },
      close: async () => {},
    };
    // a debounce of an hour: a round that waited for it would never come within the test
    const st = await startStack({ planner, debounceMs: 3_600_000, repairAvailable: false });
    try {
      const { url } = await st.addAgent('E1');
      const d = st.device(url, 'd1');
      await d.connect();
      const acked = waitEvent(st.ctl, 'reports-acked', () => true);
      d.report(STATE);
      await acked;
      const first = waitEvent(gate, 'call', (n: number) => n === 1);
      st.ctl.requestPlan('test', 0);
      await first;
      const during = waitEvent(st.ctl, 'reports-acked', () => true);
      const seq = d.report({ ...STATE, x: 40 });
      await during;
      const second = waitEvent(gate, 'call', (n: number) => n === 2);
      gate.emit('release', 1);
      await second;
      assert.equal((calls[1].scenario.devices[0] as { x: number }).x, 40, 'the second round plans the report that came during the first');
      const decided = waitEvent(d, 'decision', (x: { basedOnSeq: number }) => x.basedOnSeq === seq);
      gate.emit('release', 2);
      await decided;
    } finally {
      await st.close();
    }
  });

  it('a repair starts from the very objects the planner thread planned (its memo), a copy otherwise', async () => {
    const servers = ['E1', 'E2'].map((serverId, i) => ({ serverId, info: { ...SERVER, x: 30 + 40 * i, bandwidthMHz: 40, cpuGHz: 2400, backhaulMbps: 400 } }));
    const devices = (moved: number[]) => Array.from({ length: 8 }, (_, i) => ({ via: 'E1', report: { deviceId: `d${i}`, seq: 0, ...STATE, x: 20 + 8 * i + (moved.includes(i) ? 5 : 0) } }));
    const planned = buildScenario(servers, devices([]));
    const full = await runPlanJob({ id: 1, system: 'cnn-coop', scenario: planned, algorithm: 'fleet' });
    assert.ok(full.ok && full.verified, JSON.stringify(full));
    assert.ok(full.result.tasks.every((t) => t.meetsDeadline), 'every deadline met, so a repair places only changed devices again');
    assert.ok(holdsPlan(full.ref));
    const next = buildScenario(servers, devices([0]));
    // a stale copy (devices 1 and 2 differ from what was planned): with the ref, the thread's own
    // objects are used and only device 0 is placed again; without, the copy makes it three
    const stale = { scenario: buildScenario(servers, devices([1, 2])), result: structuredClone(full.result) };
    const withRef = await runPlanJob({ id: 2, system: 'cnn-coop', scenario: next, algorithm: 'fleet', previous: { ...stale, ref: full.ref } });
    const withoutRef = await runPlanJob({ id: 3, system: 'cnn-coop', scenario: next, algorithm: 'fleet', previous: stale });
    assert.ok(withRef.ok && withRef.verified && withoutRef.ok && withoutRef.verified);
    assert.equal(withRef.mode, 'repair');
    assert.equal((withRef.result.info as { placedAgain: number }).placedAgain, 1);
    assert.equal((withoutRef.result.info as { placedAgain: number }).placedAgain, 3);
    const unknown = await runPlanJob({ id: 4, system: 'cnn-coop', scenario: next, algorithm: 'fleet', previous: { ...stale, ref: 'elsewhere:1' } });
    assert.ok(unknown.ok);
    assert.equal((unknown.result.info as { placedAgain: number }).placedAgain, 3, 'a ref this thread never issued falls back to the copy');
  });
});

describe('group commit', { timeout: 120000 }, () => {
  /** One agent message's worth of reports (seq 0) for these device ids; resolves to their outcomes. */
  const submit = (ctl: Awaited<ReturnType<typeof startStack>>['ctl'], ids: string[]) => new Promise<unknown>((resolve) => ctl.submitReports({
    items: ids.map((deviceId) => ({ report: { deviceId, seq: 0, ...STATE }, via: null })), done: (outcomes, err) => resolve(outcomes ?? err),
  }));

  it('reports arriving within the commit window share one transaction; a full group does not wait for the window', async () => {
    const st = await startStack({ commitWindowMs: 3_600_000 });
    try {
      const unit = (ids: string[]) => submit(st.ctl, ids);
      const before = st.ctl.commits;
      // an hour's window: these three only get committed together with the full group below
      const a = unit(['d1']);
      await new Promise((r) => setImmediate(r));
      const b = unit(['d2']);
      await new Promise((r) => setImmediate(r));
      const c = unit(Array.from({ length: 1000 }, (_, i) => `dx${i}`));
      assert.deepEqual(await a, ['accepted']);
      assert.deepEqual(await b, ['accepted']);
      assert.equal(((await c) as string[]).filter((o) => o === 'accepted').length, 1000);
      assert.equal(st.ctl.commits - before, 1, 'one transaction for the three batches');
    } finally {
      await st.close();
    }
  });

  it('devices leaving share the commit with reports, in arrival order', async () => {
    const st = await startStack({ commitWindowMs: 3_600_000 });
    try {
      const unit = (ids: string[]) => submit(st.ctl, ids);
      const before = st.ctl.commits;
      const reported = unit(['d1']);
      const left = st.ctl.removeDevice('d1', null);
      const unknown = st.ctl.removeDevice('d2', null);
      const full = unit(Array.from({ length: 1000 }, (_, i) => `dx${i}`));
      assert.deepEqual(await reported, ['accepted']);
      assert.equal(await left, true, 'the leave comes after the report it followed');
      assert.equal(await unknown, false);
      await full;
      assert.equal(st.ctl.devices.has('d1'), false);
      assert.equal(st.ctl.store.devices().has('d1'), false);
      assert.equal(st.ctl.commits - before, 1, 'one transaction for reports and leaves');
    } finally {
      await st.close();
    }
  });
});
