import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { waitEvent } from './helpers.ts';
import { SERVER, startStack } from './stack.ts';

// Issue 10, item 9: peers that stop answering, idle or half-open connections, and floods of
// connections are closed or refused instead of being held.

const wellFormedToken = (i: number) => `mec_device_${String(i).padStart(12, '0')}_${'A'.repeat(32)}`;

describe('liveness', { timeout: 120000 }, () => {
  it('an agent that stops answering pings (a stopped process) is closed and planned around', async () => {
    const st = await startStack({ heartbeatMs: 100 });
    try {
      await st.addAgent('E1', { heartbeatMs: 0 });
      // this "agent" says hello, then behaves like a SIGSTOPped process: it never answers a ping
      const ws = new WebSocket(`ws://127.0.0.1:${st.port}/v1/agent`, { headers: { authorization: `Bearer ${st.tokens.agent}` }, autoPong: false });
      const welcomed = waitEvent<[Buffer]>(ws, 'message', (m) => JSON.parse(m.toString()).type === 'welcome');
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', serverId: 'E2', server: { ...SERVER, x: 90 } })));
      await welcomed;
      assert.equal(st.ctl.connectedServers().length, 2);
      const [gone] = await waitEvent<[string]>(st.ctl, 'agent-disconnected', () => true);
      assert.equal(gone, 'E2');
      assert.deepEqual(st.ctl.connectedServers().map((s) => s.serverId), ['E1'], 'the agent that answers pings stays');
      const metrics = await st.ctl.metrics.registry.getSingleMetricAsString('mec_agent_heartbeat_timeouts_total');
      assert.match(metrics, /mec_agent_heartbeat_timeouts_total 1$/m);
      ws.terminate();
    } finally {
      await st.close();
    }
  });

  it('the agent closes a device connection that is not admitted in time, and one that stops answering pings', async () => {
    const st = await startStack();
    try {
      const { url } = await st.addAgent('E1', { helloTimeoutMs: 300, heartbeatMs: 100 });
      const idle = new WebSocket(`${url}/v1/device`, { headers: { authorization: `Bearer ${wellFormedToken(1)}` } });
      const [code] = await waitEvent<[number]>(idle, 'close', () => true, 10000, 'idle connection closed');
      assert.equal(code, 4408);
      // an admitted device whose process stops answering pings
      const mute = new WebSocket(`${url}/v1/device`, { headers: { authorization: `Bearer ${st.tokens.device}` }, autoPong: false });
      const welcomed = waitEvent<[Buffer]>(mute, 'message', (m) => JSON.parse(m.toString()).type === 'welcome');
      mute.on('open', () => mute.send(JSON.stringify({ type: 'hello', deviceId: 'd1' })));
      await welcomed;
      const [mcode] = await waitEvent<[number]>(mute, 'close', () => true, 10000, 'mute device closed');
      assert.equal(mcode, 1006, 'terminated, not closed politely');
    } finally {
      await st.close();
    }
  });

  it('connections waiting for admission are capped (503 beyond); a trickled HTTP request is cut off', async () => {
    const st = await startStack();
    try {
      const { agent, url } = await st.addAgent('E1', { maxPendingDevices: 3, helloTimeoutMs: 60_000 });
      const open = await Promise.all(Array.from({ length: 3 }, (_, i) => new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`${url}/v1/device`, { headers: { authorization: `Bearer ${wellFormedToken(i)}` } });
        ws.on('open', () => resolve(ws));
        ws.on('unexpected-response', () => reject(new Error('refused under the cap')));
      })));
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${url}/v1/device`, { headers: { authorization: `Bearer ${wellFormedToken(9)}` } });
        ws.on('unexpected-response', (_q, res) => { res.resume(); resolve(res.statusCode ?? 0); });
        ws.on('open', () => resolve(101));
        ws.on('error', () => {});
      });
      assert.equal(status, 503);
      assert.equal(agent.devices.pendingCount, 3);
      for (const ws of open) ws.terminate();
      // headers that never end: the agent's header timeout (the hello timeout) closes the socket
      const { agent: slowAgent, url: slowUrl } = await st.addAgent('E2', { helloTimeoutMs: 300 });
      void slowAgent;
      const sock = connect(Number(new URL(slowUrl).port), '127.0.0.1');
      sock.on('error', () => {});
      sock.resume();
      sock.write('GET /v1/device HTTP/1.1\r\nHost: x\r\n');
      await waitEvent(sock, 'close', () => true, 10000, 'trickling client cut off');
    } finally {
      await st.close();
    }
  });

  it('the controller closes an agent connection that never says hello, and caps agent connections', async () => {
    const st = await startStack({ helloTimeoutMs: 300, maxAgentConnections: 2 });
    try {
      const silent = new WebSocket(`ws://127.0.0.1:${st.port}/v1/agent`, { headers: { authorization: `Bearer ${st.tokens.agent}` } });
      const [code] = await waitEvent<[number]>(silent, 'close', () => true, 10000, 'silent agent closed');
      assert.equal(code, 4408);
      const held = await Promise.all([0, 1].map(() => new Promise<WebSocket>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${st.port}/v1/agent`, { headers: { authorization: `Bearer ${st.tokens.agent}` } });
        ws.on('open', () => resolve(ws));
      })));
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${st.port}/v1/agent`, { headers: { authorization: `Bearer ${st.tokens.agent}` } });
        ws.on('unexpected-response', (_q, res) => { res.resume(); resolve(res.statusCode ?? 0); });
        ws.on('open', () => resolve(101));
        ws.on('error', () => {});
      });
      assert.equal(status, 503);
      for (const ws of held) ws.terminate();
    } finally {
      await st.close();
    }
  });
});
