import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceReport } from '../../src/control/protocol.ts';
import type { PlanServer } from '../../src/control/scenario.ts';
import { Controller, type LatestPlan } from '../../src/control/controller.ts';
import { inlinePlanner, type Planner } from '../../src/control/planner.ts';
import { Agent } from '../../src/control/agent.ts';
import { DeviceClient } from '../../src/control/device.ts';
import { Fleet } from '../../src/control/fleet.ts';
import { getSystem } from '../../src/systems.ts';
import type { Result } from '../../src/cnn-coop/model.ts';
import { waitEvent } from './helpers.ts';

// The controller, agents and devices in this process: planning triggers, the HTTP API, the fleet.

const report = (deviceId: string, seq: number, extra: Partial<DeviceReport> = {}): DeviceReport => ({
  deviceId, seq, x: 10, y: 20, dataMbit: 3, minRateMbps: 1, deadlineS: 1.5, txPowerW: 0.6, cpuGHz: 2, gigacyclesPerMbit: 3, ...extra,
});
const server = (serverId: string, x: number, y: number): PlanServer => ({ serverId, info: { x, y, bandwidthMHz: 10, cpuGHz: 600, backhaulMbps: 100, cnnProfile: 'table1' } });

describe('Controller (in process)', () => {
  it('plans a burst of reports together (debounced), not once per report', async () => {
    let plans = 0;
    const inner = inlinePlanner('pa');
    const counting: Planner = { algorithm: 'pa', plan: (s) => { plans++; return inner.plan(s); }, close: () => inner.close() };
    const ctl = new Controller({ host: '127.0.0.1', port: 0, dbPath: ':memory:', planner: counting, debounceMs: 150, replanS: 0, maxBodyBytes: 1 << 20, rateLimitPerS: 0, deviceTtlS: 0, keepPlans: 10, log: () => {} });
    const port = await ctl.start();
    const agentToken = ctl.store.createToken('agent', 'E1').token;
    const deviceToken = ctl.store.createToken('device', 'd*').token;
    const agent = new Agent({ controllerUrl: `http://127.0.0.1:${port}`, token: agentToken, serverId: 'E1', server: server('E1', 50, 50).info, host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 16, deviceRatePerS: 0, log: () => {} });
    const connected = waitEvent(agent, 'connected', () => true);
    const agentPort = await agent.start();
    await connected;
    const clients = Array.from({ length: 10 }, (_, i) => new DeviceClient({ agentUrl: `ws://127.0.0.1:${agentPort}`, token: deviceToken, deviceId: `d${i}` }));
    try {
      await Promise.all(clients.map((c) => c.connect()));
      const before = plans;
      const seqs = clients.map((c, i) => c.report({ x: 5 * i, y: 40, dataMbit: 2, minRateMbps: 1, deadlineS: 1.5, txPowerW: 0.6, cpuGHz: 2, gigacyclesPerMbit: 3 }));
      await Promise.all(clients.map((c, i) => waitEvent(c, 'decision', (d: { basedOnSeq: number }) => d.basedOnSeq >= seqs[i])));
      // ten reports (and the agent joining) in one window: one or two plans, not ten
      assert.ok(plans - before <= 2, `${plans - before} plans for one burst`);
      assert.ok(plans - before >= 1);
    } finally {
      for (const c of clients) c.close();
      await agent.stop();
      await ctl.stop();
    }
  });
});

describe('Controller HTTP API (in process)', () => {
  it('takes direct device reports, serves the decision, forgets a device that leaves, and stops a revoked token', async () => {
    const ctl = new Controller({ host: '127.0.0.1', port: 0, dbPath: ':memory:', planner: inlinePlanner('pa'), debounceMs: 20, replanS: 0, maxBodyBytes: 1 << 16, rateLimitPerS: 0, deviceTtlS: 0, keepPlans: 0, log: () => {} });
    const port = await ctl.start();
    const base = `http://127.0.0.1:${port}`;
    const op = ctl.store.createToken('operator', 'me').token;
    const dev = ctl.store.createToken('device', 'h*').token;
    const agentRec = ctl.store.createToken('agent', 'E1');
    const agent = new Agent({ controllerUrl: base, token: agentRec.token, serverId: 'E1', server: server('E1', 50, 50).info, host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 16, deviceRatePerS: 0, log: () => {} });
    try {
      const connected = waitEvent(agent, 'connected', () => true);
      const agentPort = await agent.start();
      await connected;
      const planned = waitEvent<[{ planId: number }]>(agent, 'plan', () => true);
      const post = await fetch(`${base}/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${dev}` }, body: JSON.stringify({ reports: [report('h1', 3, { x: 45, y: 50 })] }) });
      assert.equal(post.status, 200);
      assert.deepEqual(((await post.json()) as { outcomes: string[] }).outcomes, ['accepted']);
      const [msg] = await planned;
      const decision: any = await (await fetch(`${base}/v1/devices/h1/decision`, { headers: { authorization: `Bearer ${dev}` } })).json();
      assert.equal(decision.basedOnSeq, 3);
      assert.equal(decision.planId, msg.planId);
      // a device token only sees its own devices
      assert.equal((await fetch(`${base}/v1/devices/x1/decision`, { headers: { authorization: `Bearer ${dev}` } })).status, 403);
      assert.equal((await fetch(`${base}/v1/nowhere`)).status, 404);
      assert.equal((await fetch(`${base}/v1/state`, { method: 'PUT' })).status, 405);
      const del = await fetch(`${base}/v1/devices/h1`, { method: 'DELETE', headers: { authorization: `Bearer ${op}` } });
      assert.equal(del.status, 200);
      assert.equal(ctl.devices.has('h1'), false);
      assert.equal((await fetch(`${base}/v1/devices/h1`, { method: 'DELETE', headers: { authorization: `Bearer ${op}` } })).status, 404);
      // revoking the agent's token closes its connection at its next message
      const serverSide = ctl.servers.get('E1')!.conn!.ws;
      ctl.store.revokeToken(agentRec.record.id);
      // the controller's own close handler was registered first, so it has run when this fires
      const closed = waitEvent(serverSide, 'close', () => true);
      const raw = new DeviceClient({ agentUrl: `ws://127.0.0.1:${agentPort}`, token: dev, deviceId: 'h2', reconnect: false });
      raw.connect().catch(() => {});
      await closed;
      raw.close();
      assert.equal(ctl.servers.get('E1')!.conn, null);
    } finally {
      await agent.stop();
      await ctl.stop();
    }
  });
});

describe('Controller and the independent check', () => {
  it('stores a plan that fails the check but never pushes it; the last good plan stays in force', async () => {
    const inner = inlinePlanner('pa');
    let tamper = false;
    const planner: Planner = {
      algorithm: 'pa',
      async plan(s) {
        const o = await inner.plan(s);
        if (!o.ok || !tamper) return o;
        // a share sum above 1 on a server: the checker must catch it
        const result = structuredClone(o.result);
        for (const t of result.tasks) if (t.place !== 'local') t.bandwidthShare = 1;
        const system = getSystem('cnn-coop');
        const report = system.verify(system.parseScenario(s.scenario), result);
        return { ...o, result, verified: report.ok, issues: report.issues };
      },
      close: () => inner.close(),
    };
    const ctl = new Controller({ host: '127.0.0.1', port: 0, dbPath: ':memory:', planner, debounceMs: 20, replanS: 0, maxBodyBytes: 1 << 16, rateLimitPerS: 0, deviceTtlS: 0, keepPlans: 0, log: () => {} });
    const port = await ctl.start();
    const agentToken = ctl.store.createToken('agent', 'E1').token;
    const deviceToken = ctl.store.createToken('device', 'd*').token;
    const agent = new Agent({ controllerUrl: `http://127.0.0.1:${port}`, token: agentToken, serverId: 'E1', server: server('E1', 50, 50).info, host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 16, deviceRatePerS: 0, log: () => {} });
    const clients: DeviceClient[] = [];
    try {
      const connected = waitEvent(agent, 'connected', () => true);
      const agentPort = await agent.start();
      await connected;
      for (let i = 0; i < 3; i++) clients.push(new DeviceClient({ agentUrl: `ws://127.0.0.1:${agentPort}`, token: deviceToken, deviceId: `d${i}` }));
      await Promise.all(clients.map((c) => c.connect()));
      const state = (i: number, x: number) => ({ x, y: 50, dataMbit: 4 + i, minRateMbps: 1, deadlineS: 1.5, txPowerW: 0.6, cpuGHz: 2, gigacyclesPerMbit: 3 });
      const seqs = clients.map((c, i) => c.report(state(i, 45 + i)));
      await Promise.all(clients.map((c, i) => waitEvent(c, 'decision', (d: { basedOnSeq: number }) => d.basedOnSeq >= seqs[i])));
      const good = ctl.latest!.header.planId;
      assert.ok(ctl.latest!.stored.result && (ctl.latest!.stored.result as Result).tasks.some((t) => t.place === 'E1'), 'precondition: tasks offloaded');
      tamper = true;
      const before = ctl.store.logStats().plans;
      const failed = waitEvent<[string]>(ctl, 'plan-failed', () => true);
      clients.forEach((c, i) => c.report(state(i, 40 + i)));
      const [why] = await failed;
      assert.match(why, /failed the independent check/);
      // the tampered plan is stored (for diagnosis) ...
      assert.equal(ctl.store.logStats().plans, before + 1);
      // ... but the plan in force, and what the devices hold, is still the good one
      assert.equal(ctl.latest!.header.planId, good);
      assert.equal(ctl.store.latestPlan()!.id, good);
      for (const c of clients) assert.equal(c.lastDecision!.planId, good);
    } finally {
      for (const c of clients) c.close();
      await agent.stop();
      await ctl.stop();
    }
  });
});

describe('Controller re-planning triggers', () => {
  it('re-plans on the timer without any change, and drops a device that leaves through its agent', async () => {
    const ctl = new Controller({ host: '127.0.0.1', port: 0, dbPath: ':memory:', planner: inlinePlanner('pa'), debounceMs: 20, replanS: 0.3, maxBodyBytes: 1 << 16, rateLimitPerS: 0, deviceTtlS: 0, keepPlans: 0, log: () => {} });
    const port = await ctl.start();
    const agentToken = ctl.store.createToken('agent', 'E1').token;
    const deviceToken = ctl.store.createToken('device', 'd*').token;
    const agent = new Agent({ controllerUrl: `http://127.0.0.1:${port}`, token: agentToken, serverId: 'E1', server: server('E1', 50, 50).info, host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 16, deviceRatePerS: 0, log: () => {} });
    const clients = [0, 1].map((i) => ({ i, c: null as DeviceClient | null }));
    try {
      const connected = waitEvent(agent, 'connected', () => true);
      const agentPort = await agent.start();
      await connected;
      for (const k of clients) k.c = new DeviceClient({ agentUrl: `ws://127.0.0.1:${agentPort}`, token: deviceToken, deviceId: `d${k.i}` });
      await Promise.all(clients.map((k) => k.c!.connect()));
      clients.forEach((k) => k.c!.report({ x: 40 + k.i, y: 50, dataMbit: 3, minRateMbps: 1, deadlineS: 1.5, txPowerW: 0.6, cpuGHz: 2, gigacyclesPerMbit: 3 }));
      const [timed] = await waitEvent<[LatestPlan]>(ctl, 'planned', (p) => p.header.trigger === 'timer');
      assert.equal(timed.decisions.size, 2);
      const left = waitEvent<[LatestPlan]>(ctl, 'planned', (p) => p.header.trigger === 'device left');
      clients[0].c!.close({ leave: true });
      const [after] = await left;
      assert.deepEqual([...after.decisions.keys()], ['d1']);
      assert.equal(ctl.devices.has('d0'), false);
    } finally {
      for (const k of clients) k.c?.close();
      await agent.stop();
      await ctl.stop();
    }
  });
});

describe('Fleet (mec devices)', () => {
  it('simulated devices move, report through their agent and measure report -> decision times', async () => {
    const ctl = new Controller({ host: '127.0.0.1', port: 0, dbPath: ':memory:', planner: inlinePlanner('pa'), debounceMs: 30, replanS: 0, maxBodyBytes: 1 << 16, rateLimitPerS: 0, deviceTtlS: 0, keepPlans: 0, log: () => {} });
    const port = await ctl.start();
    const agentToken = ctl.store.createToken('agent', 'E*').token;
    const deviceToken = ctl.store.createToken('device', 'sim-*').token;
    const agents = ['E1', 'E2'].map((id, n) => new Agent({ controllerUrl: `http://127.0.0.1:${port}`, token: agentToken, serverId: id, server: server(id, 30 + 40 * n, 50).info, host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 16, deviceRatePerS: 0, log: () => {} }));
    const urls = await Promise.all(agents.map(async (a) => {
      const connected = waitEvent(a, 'connected', () => true);
      const p = await a.start();
      await connected;
      return `ws://127.0.0.1:${p}`;
    }));
    const fleet = new Fleet({ agentUrls: urls, token: deviceToken, count: 4, idPrefix: 'sim-', seed: 3, areaM: 100, speedMps: 5, periodS: 0.2 });
    try {
      const start = fleet.devices.map((d) => ({ x: d.state.x, y: d.state.y }));
      await fleet.connect();
      assert.equal(fleet.stats.admitted, 4);
      fleet.run();
      // every device's third report (seq 2) gets planned
      await Promise.all(fleet.devices.map((d) => waitEvent(d.client, 'decision', (x: { basedOnSeq: number }) => x.basedOnSeq >= 2)));
      const s = fleet.summary();
      assert.ok(s.reportsAcked >= 12 && s.reportsAcked <= s.reportsSent);
      assert.ok(s.decisionMedianMs > 0 && s.decisionP99Ms >= s.decisionMedianMs);
      assert.ok(fleet.devices.every((d, i) => d.state.x !== start[i].x || d.state.y !== start[i].y), 'devices move');
      assert.deepEqual([...new Set([...ctl.devices.values()].map((d) => d.via))].sort(), ['E1', 'E2'], 'spread over the agents');
    } finally {
      fleet.stop();
      for (const a of agents) await a.stop();
      await ctl.stop();
    }
  });
});
