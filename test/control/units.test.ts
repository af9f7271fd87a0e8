import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Store } from '../../src/control/store.ts';
import { RateLimiter, subjectAllows, tokenIdOf } from '../../src/control/auth.ts';
import { deviceReportSchema, type DeviceReport } from '../../src/control/protocol.ts';
import { buildScenario, decisionsOf, planMessageFor, UNHEARD_GAIN_DB, type PlanDevice, type PlanServer } from '../../src/control/scenario.ts';
import { ROUTES, WEBSOCKET_ROUTE, OPENAPI_PATH } from '../../src/control/api.ts';
import { Controller, type LatestPlan } from '../../src/control/controller.ts';
import { inlinePlanner, type Planner } from '../../src/control/planner.ts';
import { Agent } from '../../src/control/agent.ts';
import { DeviceClient } from '../../src/control/device.ts';
import { Fleet } from '../../src/control/fleet.ts';
import { getSystem } from '../../src/systems.ts';
import { pathLossDb } from '../../src/core/channel.ts';
import type { Result } from '../../src/cnn-coop/model.ts';
import { waitEvent } from './helpers.ts';

const report = (deviceId: string, seq: number, extra: Partial<DeviceReport> = {}): DeviceReport => ({
  deviceId, seq, x: 10, y: 20, dataMbit: 3, minRateMbps: 1, deadlineS: 1.5, txPowerW: 0.6, cpuGHz: 2, gigacyclesPerMbit: 3, ...extra,
});
const server = (serverId: string, x: number, y: number): PlanServer => ({ serverId, info: { x, y, bandwidthMHz: 10, cpuGHz: 600, backhaulMbps: 100, cnnProfile: 'table1' } });

function tempDb(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mec-store-'));
  return { path: join(dir, 'state.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('Store', () => {
  it('commitReports accepts a newer seq, acknowledges a resent or older one as a duplicate without logging it', () => {
    const store = new Store(':memory:');
    assert.deepEqual(store.commitReports([{ report: report('a', 1), via: 'E1' }, { report: report('a', 2), via: 'E1' }]).outcomes, ['accepted', 'accepted']);
    assert.deepEqual(store.commitReports([{ report: report('a', 2), via: 'E1' }, { report: report('a', 1), via: 'E1' }, { report: report('b', 0), via: null }]).outcomes, ['duplicate', 'duplicate', 'accepted']);
    assert.equal(store.logStats().reports, 3);
    assert.equal(store.devices().get('a')!.report.seq, 2);
    store.close();
  });

  it('a reopened file has every committed device, the latest plan and the tokens', () => {
    const { path, cleanup } = tempDb();
    const s1 = new Store(path);
    s1.commitReports([{ report: report('a', 5, { x: 7 }), via: 'E2' }]);
    s1.saveServer('E2', server('E2', 1, 2).info);
    const { token } = s1.createToken('device', 'a');
    s1.savePlan({ createdAt: 1, algorithm: 'pa', trigger: 't', logSeq: 1, status: 'feasible', verified: true, totalLatencyS: 1, solveMs: 1, scenario: { s: 1 }, result: { tasks: [] }, basis: { a: 5 }, via: { a: 'E2' } }, 10);
    s1.close();
    const s2 = new Store(path);
    const a = s2.devices().get('a')!;
    assert.equal(a.report.x, 7);
    assert.equal(a.via, 'E2');
    assert.equal(s2.servers()[0].serverId, 'E2');
    assert.deepEqual(s2.latestPlan()!.basis, { a: 5 });
    assert.equal(s2.checkToken(token)!.subject, 'a');
    s2.close();
    cleanup();
  });

  it('removeDevice logs the leave and forgets the device; unknown devices are reported as such', () => {
    const store = new Store(':memory:');
    store.commitReports([{ report: report('a', 1), via: null }]);
    assert.equal(store.removeDevice('a', null), true);
    assert.equal(store.removeDevice('a', null), false);
    assert.equal(store.devices().size, 0);
    assert.equal(store.logStats().reports, 2);
    store.close();
  });

  it('keeps only the last keepPlans plans', () => {
    const store = new Store(':memory:');
    for (let i = 0; i < 5; i++) store.savePlan({ createdAt: i, algorithm: 'pa', trigger: 't', logSeq: i, status: 'feasible', verified: true, totalLatencyS: i, solveMs: 0, scenario: {}, result: { tasks: [] }, basis: {}, via: {} }, 2);
    assert.equal(store.logStats().plans, 2);
    assert.equal(store.latestPlan()!.totalLatencyS, 4);
    store.close();
  });

  it('checkToken refuses a wrong secret, a malformed token and a revoked one', () => {
    const store = new Store(':memory:');
    const { record, token } = store.createToken('agent', 'E*');
    assert.equal(store.checkToken(token)!.kind, 'agent');
    assert.equal(store.checkToken(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')), null);
    assert.equal(store.checkToken('garbage'), null);
    assert.equal(tokenIdOf(token), record.id);
    assert.equal(store.revokeToken(record.id), true);
    assert.equal(store.checkToken(token), null);
    assert.equal(store.checkTokenById(record.id), false);
    store.close();
  });
});

describe('auth', () => {
  it('subjectAllows matches exactly, or by prefix with a trailing *', () => {
    assert.ok(subjectAllows('E1', 'E1'));
    assert.ok(!subjectAllows('E1', 'E10'));
    assert.ok(subjectAllows('sim-*', 'sim-42'));
    assert.ok(!subjectAllows('sim-*', 'si'));
  });

  it('RateLimiter allows a burst, then refuses with the wait until the bucket refills', () => {
    let t = 0;
    const limiter = new RateLimiter(10, 5, () => t);
    for (let i = 0; i < 5; i++) assert.equal(limiter.take().ok, true);
    const refused = limiter.take();
    assert.equal(refused.ok, false);
    assert.equal((refused as { retryAfterMs: number }).retryAfterMs, 100);
    t += 100;
    assert.equal(limiter.take().ok, true);
    assert.equal(limiter.take().ok, false);
    t += 10_000;
    for (let i = 0; i < 5; i++) assert.equal(limiter.take().ok, true);
    assert.equal(limiter.take().ok, false, 'the bucket never holds more than the burst');
  });
});

describe('deviceReportSchema', () => {
  it('needs a position or measured gains, x and y together, no unknown field, gains <= 0 dB', () => {
    assert.ok(deviceReportSchema.safeParse(report('a', 0)).success);
    assert.ok(deviceReportSchema.safeParse(report('a', 0, { x: undefined, y: undefined, gainsDb: { E1: -90 } })).success);
    const bad: Array<[unknown, string]> = [
      [report('a', 0, { x: undefined, y: undefined }), 'gainsDb'],
      [report('a', 0, { y: undefined }), 'y'],
      [{ ...report('a', 0), extra: 1 }, ''],
      [report('a', 0, { gainsDb: { E1: 3 } }), 'gainsDb'],
      [report('a', -1), 'seq'],
      [report('a b', 0), 'deviceId'],
    ];
    for (const [raw, field] of bad) {
      const r = deviceReportSchema.safeParse(raw);
      assert.equal(r.success, false, JSON.stringify(raw));
      if (field) assert.equal(r.error!.issues[0].path[0], field);
    }
  });
});

describe('buildScenario', () => {
  it('gives a valid cnn-coop scenario, sorted by id, whatever the order and mix of reports', () => {
    const system = getSystem('cnn-coop');
    const arbReport = fc.record({
      id: fc.integer({ min: 0, max: 30 }),
      pos: fc.option(fc.tuple(fc.double({ min: 0, max: 200, noNaN: true }), fc.double({ min: 0, max: 200, noNaN: true })), { nil: undefined }),
      gains: fc.dictionary(fc.constantFrom('E1', 'E2', 'E3'), fc.double({ min: -150, max: -60, noNaN: true })),
      dataMbit: fc.double({ min: 0.1, max: 10, noNaN: true }),
    });
    fc.assert(fc.property(fc.uniqueArray(arbReport, { selector: (r) => r.id, maxLength: 8 }), fc.subarray(['E1', 'E2', 'E3'], { minLength: 1 }), (reports, ids) => {
      const devices: PlanDevice[] = reports.map((r) => ({
        via: null,
        report: r.pos ? report(`d${r.id}`, 0, { x: r.pos[0], y: r.pos[1], dataMbit: r.dataMbit }) : report(`d${r.id}`, 0, { x: undefined, y: undefined, gainsDb: r.gains, dataMbit: r.dataMbit }),
      }));
      const servers = ids.map((id, n) => server(id, 10 * n, 5 * n)).reverse();
      const s = buildScenario(servers, devices);
      system.parseScenario(JSON.parse(JSON.stringify(s)));
      assert.deepEqual(s.servers.map((x) => x.id), [...ids].sort());
      assert.deepEqual(s.devices.map((d) => d.id), devices.map((d) => d.report.deviceId).sort());
      assert.equal(s.gainsDb !== undefined, reports.some((r) => !r.pos));
    }));
  });

  it('mixes reported gains, path-loss gains for positioned devices, and the unheard floor', () => {
    const s = buildScenario([server('E2', 100, 0), server('E1', 0, 0)], [
      { via: 'E1', report: report('b', 0, { x: 30, y: 40 }) },
      { via: 'E1', report: report('a', 0, { x: undefined, y: undefined, gainsDb: { E2: -80 } }) },
    ]);
    assert.deepEqual(s.gainsDb![0], [UNHEARD_GAIN_DB, -80]);
    assert.equal(s.gainsDb![1][0], -pathLossDb(50, s.channel.pathLoss));
    assert.equal(s.gainsDb![1][1], -pathLossDb(Math.hypot(70, 40), s.channel.pathLoss));
  });

  it('splits a real PA plan: each task to the server running it, each decision to the agent relaying it', () => {
    const system = getSystem('cnn-coop');
    const servers = [server('E1', 20, 20), server('E2', 80, 80)];
    const devices: PlanDevice[] = Array.from({ length: 5 }, (_, i) => ({ via: i % 2 ? 'E2' : 'E1', report: report(`d${i}`, i, { x: 15 * i, y: 20 + 10 * i, dataMbit: 1 + i }) }));
    const scenario = buildScenario(servers, devices);
    const result: Result = system.algorithms.find((a) => a.name === 'pa')!.solve(system.parseScenario(scenario));
    assert.ok(system.verify(scenario, result).ok);
    const basis = Object.fromEntries(devices.map((d) => [d.report.deviceId, d.report.seq]));
    const via = Object.fromEntries(devices.map((d) => [d.report.deviceId, d.via]));
    const decisions = decisionsOf(result, 7, basis);
    const header = { planId: 7, createdAt: 0, algorithm: 'pa', status: result.status, verified: true, totalLatencyS: result.totalLatencyS };
    const msgs = ['E1', 'E2'].map((id) => planMessageFor(id, header, decisions, via));
    const offloaded = result.tasks.filter((t) => t.place !== 'local').map((t) => t.device).sort();
    assert.deepEqual(msgs.flatMap((m) => m.tasks.map((t) => t.deviceId)).sort(), offloaded);
    for (const m of msgs) assert.ok(m.tasks.every((t) => t.place === m.serverId));
    assert.deepEqual(msgs.flatMap((m) => m.devices.map((d) => d.deviceId)).sort(), devices.map((d) => d.report.deviceId).sort());
    for (const m of msgs) for (const d of m.devices) assert.equal(d.basedOnSeq, basis[d.deviceId]);
  });
});

describe('OpenAPI description', () => {
  it('describes every route the controller handles, with its method', () => {
    const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8'));
    for (const r of [...ROUTES, WEBSOCKET_ROUTE]) {
      assert.ok(doc.paths[r.path], `${r.path} missing from docs/openapi.json`);
      assert.ok(doc.paths[r.path][r.method.toLowerCase()], `${r.method} ${r.path} missing from docs/openapi.json`);
    }
    const described = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    const handled = [...ROUTES, WEBSOCKET_ROUTE].map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual(described, handled, 'and nothing that is not handled');
  });
});

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
        const report = system.verify(system.parseScenario(s), result);
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
