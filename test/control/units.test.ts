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
import { getSystem } from '../../src/systems.ts';
import { pathLossDb } from '../../src/core/channel.ts';
import type { Result } from '../../src/cnn-coop/model.ts';

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
