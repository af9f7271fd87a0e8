import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { getSystem } from '../../src/systems.ts';
import { DeviceClient, type DeviceState } from '../../src/control/device.ts';
import type { DeviceDecision } from '../../src/control/protocol.ts';
import { OPENAPI_PATH } from '../../src/control/api.ts';
import { getJson, killAll, mec, mecRun, postJson, waitEvent, type Proc } from './helpers.ts';

/**
 * The control plane as real processes on loopback: one controller, three agents (`mec agent`),
 * six devices driven through the DTME client library. Steps run in order and build on each
 * other; every wait is on an event or an output line, bounded by a timeout.
 */
const ALGORITHM = 'pa';
const dir = mkdtempSync(join(tmpdir(), 'mec-control-'));
const db = join(dir, 'state.db');
let controller: Proc;
let port = 0;
let base = '';
const agents = new Map<string, { proc: Proc; url: string }>();
const devices: DeviceClient[] = [];
const tokens: Record<string, string> = {};

const SERVERS = [
  { id: 'E1', x: 10, y: 10, cpu: 600 },
  { id: 'E2', x: 90, y: 90, cpu: 600 },
  // the strongest server and the best channels: the plan should use it, so losing it matters
  { id: 'E3', x: 50, y: 50, cpu: 800 },
];

function stateOf(i: number, step: number): DeviceState {
  const common = { dataMbit: 2 + i, minRateMbps: 1, deadlineS: 1.5 + 0.1 * i, txPowerW: 0.6, cpuGHz: 2, gigacyclesPerMbit: 3 };
  // devices 5 and 6 report measured gains (E3 heard best, E2 not at all), the others positions
  if (i >= 4) return { ...common, gainsDb: { E1: -105 - step * 0.1, E3: -72 - i } };
  return { ...common, x: 40 + 5 * i + step, y: 45 + step };
}

function controllerArgs(p: number): string[] {
  return ['controller', '--db', db, '--port', String(p), '--algorithm', ALGORITHM, '--debounce-ms', '50', '--replan-s', '0', '--rate-limit', '40'];
}

async function waitDecision(d: DeviceClient, pred: (x: DeviceDecision) => boolean, what: string): Promise<DeviceDecision> {
  if (d.lastDecision && pred(d.lastDecision)) return d.lastDecision;
  try {
    const [x] = await waitEvent<[DeviceDecision]>(d, 'decision', pred, 25000, what);
    return x;
  } catch (err) {
    // the controller's log says why no plan came (planner error, failed check, ...)
    throw new Error(`${(err as Error).message}; controller log:\n${controller.stderr.slice(-3000)}`);
  }
}

async function operatorGet(path: string) {
  return getJson(`${base}${path}`, tokens.operator);
}

describe('control plane on loopback (real processes)', { timeout: 240000 }, () => {
  before(async () => {
    // tokens through the real command; concurrent writers share the file (busy timeout)
    const created = await Promise.all([
      mecRun(['token', 'create', '--db', db, '--kind', 'operator', '--subject', 'ops']),
      mecRun(['token', 'create', '--db', db, '--kind', 'agent', '--subject', 'E*']),
      mecRun(['token', 'create', '--db', db, '--kind', 'device', '--subject', 'd*']),
      mecRun(['token', 'create', '--db', db, '--kind', 'operator', '--subject', 'burst']),
    ]);
    for (const c of created) assert.equal(c.code, 0, c.stderr);
    [tokens.operator, tokens.agent, tokens.device, tokens.burst] = created.map((c) => c.stdout.trim());
    assert.match(tokens.agent, /^mec_agent_/);
    controller = mec(controllerArgs(0));
    port = Number((await controller.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/, 60000, 'stdout'))[1]);
    base = `http://127.0.0.1:${port}`;
    await Promise.all(SERVERS.map(async (s) => {
      const proc = mec(['agent', '--controller', base, '--server-id', s.id, '--token', tokens.agent, '--x', String(s.x), '--y', String(s.y), '--cpu-ghz', String(s.cpu)]);
      // generous: three processes start at once on a shared machine
      const m = await proc.waitFor(/listening on (ws:\/\/127\.0\.0\.1:\d+)/, 60000, 'stdout');
      await proc.waitFor(/registered with the controller/, 60000, 'stderr');
      agents.set(s.id, { proc, url: m[1] });
    }));
    for (let i = 0; i < 6; i++) {
      devices.push(new DeviceClient({ agentUrl: agents.get(SERVERS[i % 3].id)!.url, token: tokens.device, deviceId: `d${i + 1}` }));
    }
    await Promise.all(devices.map((d) => d.connect()));
  });

  after(() => {
    for (const d of devices) d.close();
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a plan computed by the real cnn-coop algorithm reaches every agent and every device', async () => {
    const seqs = devices.map((d, i) => d.report(stateOf(i, 0)));
    const got = await Promise.all(devices.map((d, i) => waitDecision(d, (x) => x.basedOnSeq >= seqs[i], `decision for d${i + 1}`)));
    const planId = Math.max(...got.map((g) => g.planId));
    await Promise.all(devices.map((d, i) => waitDecision(d, (x) => x.planId >= planId, `plan ${planId} at d${i + 1}`)));
    const served = await fetch(`${base}/openapi.json`);
    assert.deepEqual(await served.json(), JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')));
    const { status, body: plan } = await operatorGet('/v1/plan');
    assert.equal(status, 200);
    assert.ok(plan.planId >= planId);
    assert.equal(plan.algorithm, ALGORITHM);
    assert.deepEqual(plan.scenario.servers.map((s: { id: string }) => s.id), ['E1', 'E2', 'E3']);
    assert.equal(plan.scenario.devices.length, 6);
    assert.ok(plan.scenario.gainsDb, 'devices reporting gains make the scenario carry a gain matrix');
    // the independent checker, run here on what the controller serves
    const system = getSystem('cnn-coop');
    const report = system.verify(system.parseScenario(plan.scenario), system.parseResult(plan.result));
    assert.ok(report.ok, JSON.stringify(report.issues));
    assert.equal(plan.verified, true);
    // every agent logged this plan, with exactly the tasks the result places on its server
    await Promise.all(SERVERS.map(async (s) => {
      const here = plan.result.tasks.filter((t: { place: string }) => t.place === s.id).length;
      await agents.get(s.id)!.proc.waitFor(new RegExp(`plan ${plan.planId} \\(\\w+\\): ${here} tasks run here, 2 relayed devices`), 20000, 'stderr');
    }));
    // and each device got its own row of that plan
    await Promise.all(devices.map(async (d, i) => {
      const dec = await waitDecision(d, (x) => x.planId === plan.planId, `plan ${plan.planId} at d${i + 1}`);
      const task = plan.result.tasks.find((t: { device: string }) => t.device === `d${i + 1}`);
      assert.equal(dec.place, task.place);
      assert.equal(dec.bandwidthShare, task.bandwidthShare);
      assert.equal(dec.basedOnSeq, seqs[i]);
    }));
  });

  it('refuses bad tokens and malformed messages, and they change nothing', async () => {
    const before = await operatorGet('/v1/state');
    // an agent with a made-up token: refused at the upgrade, the process exits with code 2
    const bad = await mecRun(['agent', '--controller', base, '--server-id', 'E9', '--token', 'mec_agent_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unauthorized/);
    // a device with no valid token, and one whose token does not cover its id; the first claims
    // the id of a connected device, which must keep its connection
    let kicked = false;
    const onKick = () => { kicked = true; };
    devices[0].on('disconnected', onKick);
    await assert.rejects(new DeviceClient({ agentUrl: agents.get('E1')!.url, token: 'nope', deviceId: 'd1', reconnect: false }).connect(), /unauthorized/);
    await assert.rejects(new DeviceClient({ agentUrl: agents.get('E1')!.url, token: tokens.device, deviceId: 'x1', reconnect: false }).connect(), /may report as "d\*"/);
    // HTTP: no token, unknown token, wrong kind
    assert.equal((await postJson(`${base}/v1/reports`, '{}')).status, 401);
    assert.equal((await getJson(`${base}/v1/state`, tokens.operator + 'x')).status, 401);
    assert.equal((await getJson(`${base}/v1/state`, tokens.device)).status, 403);
    // malformed bodies name the field
    const unknown = await postJson(`${base}/v1/reports`, JSON.stringify({ reports: [{ deviceId: 'd1', seq: 999, x: 1, y: 1, dataMbit: 1, minRateMbps: 1, deadlineS: 1, txPowerW: 1, cpuGHz: 1, gigacyclesPerMbit: 1, colour: 'red' }] }), tokens.device);
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.message, /colour/);
    const negative = await postJson(`${base}/v1/reports`, JSON.stringify({ reports: [{ deviceId: 'd1', seq: 999, x: 1, y: 1, dataMbit: -1, minRateMbps: 1, deadlineS: 1, txPowerW: 1, cpuGHz: 1, gigacyclesPerMbit: 1 }] }), tokens.device);
    assert.equal(negative.status, 400);
    assert.equal(negative.body.field, 'body reports[0].dataMbit');
    assert.equal((await postJson(`${base}/v1/reports`, '{"reports": [', tokens.device)).body.error, 'malformed');
    const huge = await postJson(`${base}/v1/reports`, JSON.stringify({ reports: [], pad: 'x'.repeat(2 * 1024 * 1024) }), tokens.device);
    assert.equal(huge.status, 413);
    // a device id the token does not cover
    assert.equal((await postJson(`${base}/v1/reports`, JSON.stringify({ reports: [{ deviceId: 'zz', seq: 1, x: 1, y: 1, dataMbit: 1, minRateMbps: 1, deadlineS: 1, txPowerW: 1, cpuGHz: 1, gigacyclesPerMbit: 1 }] }), tokens.device)).status, 403);
    // the agents' WebSocket: no token is refused at the upgrade; bad frames get errors
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/agent`);
      ws.on('unexpected-response', (_q, res) => { assert.equal(res.statusCode, 401); resolve(); });
      ws.on('open', () => reject(new Error('upgrade without a token was accepted')));
      ws.on('error', () => {});
    });
    const raw = new WebSocket(`ws://127.0.0.1:${port}/v1/agent`, { headers: { authorization: `Bearer ${tokens.agent}` } });
    const replies: any[] = [];
    raw.on('message', (m) => replies.push(JSON.parse(m.toString())));
    await waitEvent(raw, 'open', () => true);
    const next = () => waitEvent<[Buffer]>(raw, 'message', () => true).then(() => replies.at(-1));
    raw.send('not json');
    assert.equal((await next()).error, 'malformed');
    raw.send(JSON.stringify({ type: 'reports', batch: 1, reports: [{ ref: 1, report: { deviceId: 'd1', seq: 1000, x: 0, y: 0, dataMbit: 1, minRateMbps: 1, deadlineS: 1, txPowerW: 1, cpuGHz: 1, gigacyclesPerMbit: 1 } }] }));
    assert.equal((await next()).error, 'conflict'); // hello first
    raw.send(JSON.stringify({ type: 'hello', serverId: 'E1', server: { x: 0, y: 0, bandwidthMHz: -10, cpuGHz: 1, backhaulMbps: 1, cnnProfile: 'table1' } }));
    const badHello = await next();
    assert.equal(badHello.field, 'message server.bandwidthMHz');
    raw.send(JSON.stringify({ type: 'hello', serverId: 'X1', server: { x: 0, y: 0, bandwidthMHz: 10, cpuGHz: 1, backhaulMbps: 1, cnnProfile: 'table1' } }));
    assert.equal((await next()).error, 'forbidden');
    raw.close();
    // a malformed report from an admitted device: the agent refuses it and forwards nothing
    const refused = waitEvent<[{ error: string; field?: string }]>(devices[0], 'refused', () => true);
    devices[0].sendRaw(JSON.stringify({ type: 'report', report: { deviceId: 'd1', seq: 1000, x: 0, y: 0, dataMbit: 1, minRateMbps: 1, deadlineS: 0, txPowerW: 1, cpuGHz: 1, gigacyclesPerMbit: 1 } }));
    const [err] = await refused;
    assert.equal(err.error, 'malformed');
    assert.equal(err.field, 'message report.deadlineS');
    const after = await operatorGet('/v1/state');
    devices[0].off('disconnected', onKick);
    assert.equal(kicked, false, 'an unauthenticated hello pushed d1 off its agent');
    assert.deepEqual(after.body.devices, before.body.devices);
    assert.deepEqual(after.body.log, before.body.log);
    assert.deepEqual(after.body.servers.map((s: { serverId: string }) => s.serverId).sort(), ['E1', 'E2', 'E3']);
  });

  it('limits the request rate per token', async () => {
    const statuses = await Promise.all(Array.from({ length: 150 }, () => getJson(`${base}/v1/plan`, tokens.burst)));
    const limited = statuses.filter((s) => s.status === 429);
    assert.ok(limited.length > 0, 'a burst over the limit is refused');
    assert.equal(limited[0].body.error, 'rate_limited');
    assert.ok(statuses.some((s) => s.status === 200), 'within the burst it is served');
  });

  it('a controller killed mid-stream and restarted loses no acknowledged report', async () => {
    let acks = 0;
    const onAck = () => { acks++; };
    for (const d of devices) d.on('ack', onAck);
    let step = 1;
    const pump = setInterval(() => devices.forEach((d, i) => d.report(stateOf(i, step++))), 100);
    await waitEvent(devices[0], 'ack', () => acks >= 12, 20000, 'acks before the kill');
    controller.child.kill('SIGKILL');
    await controller.exited;
    clearInterval(pump);
    const acked = devices.map((d) => d.lastAckedSeq);
    const sent = devices.map((d) => d.lastSeq);
    assert.ok(acked.every((s) => s >= 1), `every device had a report acknowledged: ${acked}`);
    controller = mec(controllerArgs(port));
    await controller.waitFor(/listening on/, 20000, 'stdout');
    const resumed = await operatorGet('/v1/state');
    const stored = new Map(resumed.body.devices.map((d: { deviceId: string; seq: number }) => [d.deviceId, d.seq]));
    devices.forEach((d, i) => assert.ok((stored.get(`d${i + 1}`) as number) >= acked[i], `d${i + 1}: stored ${stored.get(`d${i + 1}`)} < acknowledged ${acked[i]}`));
    // the agents reconnect, resend what was not acknowledged, and the latest reports get planned
    await Promise.all(devices.map((d, i) => waitDecision(d, (x) => x.basedOnSeq >= sent[i], `d${i + 1} planned on its last report after the restart`)));
    for (const d of devices) d.off('ack', onAck);
  });

  it('an agent that disconnects is re-planned around', async () => {
    const { body: before } = await operatorGet('/v1/plan');
    assert.ok(before.result.tasks.some((t: { place: string }) => t.place === 'E3'), 'precondition: the plan uses E3');
    agents.get('E3')!.proc.child.kill('SIGKILL');
    // d1 reports through E1, which stays: its next decision comes from a plan without E3
    const dec = await waitDecision(devices[0], (x) => x.planId > before.planId, 'a plan after E3 left');
    const { body: after } = await operatorGet('/v1/plan');
    assert.ok(after.planId >= dec.planId);
    assert.deepEqual(after.scenario.servers.map((s: { id: string }) => s.id), ['E1', 'E2']);
    assert.equal(after.scenario.devices.length, 6, "E3's devices are still planned, on other servers or locally");
    assert.ok(after.result.tasks.every((t: { place: string }) => t.place !== 'E3'));
    const system = getSystem('cnn-coop');
    assert.ok(system.verify(system.parseScenario(after.scenario), system.parseResult(after.result)).ok);
    const { body: state } = await operatorGet('/v1/state');
    assert.equal(state.servers.find((s: { serverId: string }) => s.serverId === 'E3').connected, false);
  });
});
