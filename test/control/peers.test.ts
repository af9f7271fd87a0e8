import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Controller } from '../../src/control/controller.ts';
import { inlinePlanner } from '../../src/control/planner.ts';
import { Agent } from '../../src/control/agent.ts';
import { waitEvent } from './helpers.ts';
import type { DeviceDecision } from '../../src/control/protocol.ts';
import { SERVER, STATE, startStack } from './stack.ts';

// Issue 10, items 1-6: one bad peer (device, agent, token) costs only itself.

describe('one bad peer costs only itself', { timeout: 120000 }, () => {
  it('item 1: clients with a made-up 300-character token are refused by the agent; its controller link stays up', async () => {
    const st = await startStack();
    try {
      const { agent, url } = await st.addAgent('E1');
      let drops = 0;
      agent.on('disconnected', () => drops++);
      const token = 'x'.repeat(300);
      const statuses = await Promise.all(Array.from({ length: 25 }, (_, i) => new Promise<number>((resolve) => {
        const ws = new WebSocket(`${url}/v1/device`, { headers: { authorization: `Bearer ${token}` } });
        ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', deviceId: `d${i}` })));
        ws.on('unexpected-response', (_q, res) => { res.resume(); resolve(res.statusCode ?? 0); });
        // accepted: the device is refused later (closed); 0 marks that it got through the upgrade
        ws.on('close', () => resolve(0));
        ws.on('error', () => {});
      })));
      assert.deepEqual(new Set(statuses), new Set([401]));
      // a legitimate device after them: its admit travels the same link, after anything forwarded
      const d = st.device(url, 'd1');
      await d.connect();
      d.report(STATE);
      await waitEvent(d, 'ack', () => true);
      assert.equal(drops, 0, 'the agent lost its controller link');
      assert.equal(st.ctl.servers.get('E1')!.conn!.malformed, 0);
    } finally {
      await st.close();
    }
  });

  it('item 2: a resend larger than the controller message limit goes in batches that fit, and is all acknowledged', async () => {
    const st = await startStack({ maxBodyBytes: 16 * 1024 });
    let ctl2: Controller | null = null;
    try {
      const { agent, url } = await st.addAgent('E1');
      const clients = Array.from({ length: 30 }, (_, i) => st.device(url, `d${i}`));
      await Promise.all(clients.map((c) => c.connect()));
      // the controller goes away; every device reports a state with gains to 60 servers meanwhile
      const lost = waitEvent(agent, 'disconnected', () => true);
      await st.ctl.stop();
      await lost;
      const gainsDb = Object.fromEntries(Array.from({ length: 60 }, (_, n) => [`S${String(n).padStart(2, '0')}`, -90 - n / 7]));
      const { x: _x, y: _y, ...rest } = STATE;
      const seqs = clients.map((c) => c.report({ ...rest, gainsDb }));
      // queued at the agent: far more than 16 KiB in all
      ctl2 = new Controller({ ...st.ctl.opts, port: st.port, planner: inlinePlanner('pa') });
      await ctl2.start();
      await Promise.all(clients.map((c, i) => waitEvent(c, 'ack', (seq: number) => seq === seqs[i], 20000, `ack of d${i}`)));
      assert.equal(ctl2.devices.size, 30);
      assert.ok([...ctl2.devices.values()].every((d) => d.report.gainsDb !== undefined));
    } finally {
      await st.close();
      await ctl2?.stop();
    }
  });

  it('item 3: admits refused for the rate limit are asked again until every device is welcomed', async () => {
    const st = await startStack({ rateLimitPerS: 4 });
    try {
      const { url } = await st.addAgent('E1');
      const clients = Array.from({ length: 14 }, (_, i) => st.device(url, `d${i}`));
      let limited = 0;
      st.ctl.on('refused', (r: { error: string }) => { if (r.error === 'rate_limited') limited++; });
      await Promise.all(clients.map((c) => c.connect()));
      assert.ok(limited > 0, 'precondition: some admits were rate limited');
      assert.ok(clients.every((c) => c.isAdmitted));
    } finally {
      await st.close();
    }
  });

  it('item 4: a hello whose inline profile fails the planner\'s rules is refused, naming the field; the others still plan', async () => {
    const st = await startStack();
    try {
      const { url } = await st.addAgent('E1');
      const bad = new Agent({
        controllerUrl: st.base, token: st.tokens.agent, serverId: 'E2', host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 16, deviceRatePerS: 0, heartbeatMs: 0, log: () => {},
        server: { ...SERVER, cnnProfile: 'table1', profile: { reduction: [0.5, 0.2], gigacyclesPerMbit: [1, 2, 3] } },
      });
      st.agents.push(bad);
      const fatal = waitEvent<[Error]>(bad, 'fatal', () => true);
      await bad.start();
      const [err] = await fatal;
      assert.match(err.message, /^message server\.profile: reduction has 2 entries but gigacyclesPerMbit 3/);
      assert.equal(st.ctl.servers.has('E2'), false);
      const d = st.device(url, 'd1');
      await d.connect();
      const seq = d.report(STATE);
      const decision = d.lastDecision?.basedOnSeq === seq ? d.lastDecision : (await waitEvent<[DeviceDecision]>(d, 'decision', (x) => x.basedOnSeq === seq))[0];
      assert.ok(decision.place === 'E1' || decision.place === 'local');
    } finally {
      await st.close();
    }
  });

  it('item 4: an inline profile named like a built-in one is that agent\'s own; other servers keep the built-in', async () => {
    const st = await startStack();
    try {
      const own = { reduction: [0.9, 0.8, 0.7, 0.6, 0.5], gigacyclesPerMbit: [9, 18, 27, 36, 45] };
      await st.addAgent('E1', { server: { ...SERVER, cnnProfile: 'table1', profile: own } });
      const { url } = await st.addAgent('E2', { server: { ...SERVER, x: 60 } });
      const d = st.device(url, 'd1');
      await d.connect();
      d.report(STATE);
      const [plan] = await waitEvent<[{ stored: { scenario: any } }]>(st.ctl, 'planned', (p) => p.stored.scenario.servers.length === 2);
      const sc = plan.stored.scenario;
      const { resolveProfile } = await import('../../src/cnn-coop/profiles/index.ts');
      assert.deepEqual(sc.cnnProfiles.table1, resolveProfile('table1'));
      assert.deepEqual(sc.cnnProfiles['E1/table1'], own);
      assert.equal(sc.servers.find((s: { id: string }) => s.id === 'E1').cnnProfile, 'E1/table1');
      assert.equal(sc.servers.find((s: { id: string }) => s.id === 'E2').cnnProfile, 'table1');
    } finally {
      await st.close();
    }
  });

  it('item 5: a revoked device token stops its connected device at the next report', async () => {
    const st = await startStack();
    try {
      const { url } = await st.addAgent('E1');
      const d = st.device(url, 'd1', { reconnect: false });
      await d.connect();
      const first = d.report(STATE);
      await waitEvent(d, 'ack', (seq: number) => seq === first);
      st.ctl.store.revokeToken(st.tokens.deviceId);
      const refused = waitEvent<[{ error: string }]>(d, 'refused', () => true);
      const closed = waitEvent(d, 'disconnected', () => true);
      d.report({ ...STATE, x: 40 });
      assert.equal((await refused)[0].error, 'unauthorized');
      await closed;
      assert.equal(st.ctl.devices.get('d1')!.report.seq, first, 'the report after the revocation was not stored');
    } finally {
      await st.close();
    }
  });

  it('item 6: a restarted device (seq from 0, a later epoch) is stored, not acknowledged as a duplicate; an older epoch is', async () => {
    const st = await startStack();
    try {
      const { url } = await st.addAgent('E1');
      const before = st.device(url, 'd1', { epoch: 1000 });
      await before.connect();
      for (let i = 0; i < 3; i++) before.report({ ...STATE, x: 40 + i });
      await waitEvent(before, 'ack', (seq: number) => seq === 2);
      before.close();
      const after = st.device(url, 'd1', { epoch: 2000 });
      await after.connect();
      after.report({ ...STATE, x: 30 });
      const [, duplicate] = await waitEvent<[number, boolean]>(after, 'ack', () => true);
      assert.equal(duplicate, false);
      assert.equal(st.ctl.devices.get('d1')!.report.x, 30);
      const decision = after.lastDecision?.basedOnEpoch === 2000 ? after.lastDecision : (await waitEvent<[DeviceDecision]>(after, 'decision', (x) => x.basedOnEpoch === 2000))[0];
      assert.equal(decision.basedOnSeq, 0);
      after.close();
      const stale = st.device(url, 'd1', { epoch: 1500 });
      await stale.connect();
      stale.report({ ...STATE, x: 10 });
      assert.equal((await waitEvent<[number, boolean]>(stale, 'ack', () => true))[1], true);
      assert.equal(st.ctl.devices.get('d1')!.report.x, 30);
      // the client's default epoch is its start time, so a later run is newer
      const t = Date.now();
      assert.ok(st.device(url, 'd2').epoch >= t);
    } finally {
      await st.close();
    }
  });

  it('an agent token cannot push a server registered with another token off; the same token replaces its own stale link', async () => {
    const st = await startStack();
    try {
      await st.addAgent('E1');
      const other = st.ctl.store.createToken('agent', 'E*').token;
      const first = st.ctl.servers.get('E1')!.conn!;
      const ws = new WebSocket(`ws://127.0.0.1:${st.port}/v1/agent`, { headers: { authorization: `Bearer ${other}` } });
      await waitEvent(ws, 'open', () => true);
      const closed = waitEvent<[number]>(ws, 'close', () => true);
      ws.send(JSON.stringify({ type: 'hello', serverId: 'E1', server: SERVER }));
      assert.equal((await closed)[0], 4409);
      assert.equal(st.ctl.servers.get('E1')!.conn, first);
    } finally {
      await st.close();
    }
  });
});
