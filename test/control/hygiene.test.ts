import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/control/store.ts';
import { Controller } from '../../src/control/controller.ts';
import { createLogger } from '../../src/control/log.ts';
import { mecRun, waitEvent } from './helpers.ts';
import { STATE, startStack } from './stack.ts';

// Issue 10, items 7, 8 and 10: HTTP edge cases, the CLI's answers, files, retention, limits,
// metrics and logs.

const report = (deviceId: string, seq: number) => ({ deviceId, seq, ...STATE });

/** A raw POST that tolerates the server closing early: the status, or the error code. */
function rawPost(url: string, body: Buffer, headers: Record<string, string>): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    req.end(body);
  });
}

describe('HTTP edge cases', { timeout: 120000 }, () => {
  it('item 7: a bad percent-escape in a path is a 400 naming the problem, not a 500', async () => {
    const st = await startStack();
    try {
      const res = await fetch(`${st.base}/v1/devices/%E0%A4%A/decision`, { headers: { authorization: `Bearer ${st.tokens.operator}` } });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: string; message: string };
      assert.equal(body.error, 'malformed');
      assert.match(body.message, /percent-escape/);
    } finally {
      await st.close();
    }
  });

  it('a body over the limit is answered 413 after it was read, so the client sees the answer, not a broken pipe', async () => {
    const st = await startStack({ maxBodyBytes: 64 * 1024 });
    try {
      const big = Buffer.from(JSON.stringify({ reports: [], pad: 'x'.repeat(2 * 1024 * 1024) }));
      for (let i = 0; i < 3; i++) {
        // declared: content-length; and streamed without one (chunked)
        assert.equal(await rawPost(`${st.base}/v1/reports`, big.subarray(0, 300 * 1024), { authorization: `Bearer ${st.tokens.device}` }), 413);
        const res = await fetch(`${st.base}/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${st.tokens.device}` }, body: new Blob([big.subarray(0, 400 * 1024)]).stream(), duplex: 'half' } as RequestInit);
        assert.equal(res.status, 413);
        assert.equal(((await res.json()) as { error: string }).error, 'too_large');
      }
      // far over the limit (more than 8 x): refused at once; the client may see either
      const huge = await rawPost(`${st.base}/v1/reports`, big, { authorization: `Bearer ${st.tokens.device}` });
      assert.ok(huge === 413 || huge === 'EPIPE' || huge === 'ECONNRESET', String(huge));
      assert.equal(st.ctl.store.logStats().reports, 0);
    } finally {
      await st.close();
    }
  });
});

describe('files, retention and limits', { timeout: 120000 }, () => {
  it('the database and its -wal and -shm files are created owner-only (0600)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mec-perm-'));
    const old = process.umask(0o022);
    try {
      const path = join(dir, 'state.db');
      const store = new Store(path);
      store.commitReports([{ report: report('a', 1), via: null }]);
      for (const f of [path, `${path}-wal`, `${path}-shm`]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
      store.close();
    } finally {
      process.umask(old);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the report log is pruned by the retention setting; device states and the plan in force stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mec-retain-'));
    const path = join(dir, 'state.db');
    try {
      const store = new Store(path);
      store.commitReports([{ report: report('a', 1), via: null }, { report: report('b', 1), via: null }], Date.now() - 10 * 24 * 3600 * 1000);
      store.commitReports([{ report: report('a', 2), via: null }]);
      const plan = { createdAt: 0, algorithm: 'pa', trigger: 't', logSeq: 0, status: 'feasible', totalLatencyS: 1, solveMs: 0, scenario: {}, result: { tasks: [] }, basis: {}, via: {} };
      const good = store.savePlan({ ...plan, verified: true }, 2);
      for (let i = 0; i < 4; i++) store.savePlan({ ...plan, verified: false }, 2);
      assert.equal(store.latestPlan()!.id, good, 'keep-plans never drops the plan in force');
      store.close();
      const ctl = new Controller({ host: '127.0.0.1', port: 0, dbPath: path, planner: { algorithm: 'pa', plan: async () => ({ ok: false, error: 'no', mode: 'full' }), close: async () => {} }, debounceMs: 10, replanS: 0, maxBodyBytes: 1 << 16, rateLimitPerS: 0, deviceTtlS: 0, keepPlans: 2, logRetentionS: 7 * 24 * 3600, log: () => {} });
      await ctl.start();
      assert.equal(ctl.store.logStats().reports, 1);
      assert.deepEqual([...ctl.devices.keys()].sort(), ['a', 'b']);
      assert.equal(ctl.latest!.header.planId, good);
      await ctl.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('one device token holds at most --max-devices-per-token device ids at once (through agents and over HTTP)', async () => {
    const st = await startStack({ maxDevicesPerToken: 2 });
    try {
      const { url } = await st.addAgent('E1');
      await st.device(url, 'd1').connect();
      await st.device(url, 'd2').connect();
      await assert.rejects(st.device(url, 'd3', { reconnect: false }).connect(), /already holds 2 devices/);
      const post = await fetch(`${st.base}/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${st.tokens.device}` }, body: JSON.stringify({ reports: [report('d4', 1)] }) });
      assert.equal(post.status, 403);
      // a known id is fine
      const known = await fetch(`${st.base}/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${st.tokens.device}` }, body: JSON.stringify({ reports: [report('d1', 1)] }) });
      assert.equal(known.status, 200);
    } finally {
      await st.close();
    }
  });
});

describe('operations', { timeout: 120000 }, () => {
  it('/metrics serves Prometheus text (operator token): acks, plans, plan time, agents, devices', async () => {
    const st = await startStack();
    try {
      const { url } = await st.addAgent('E1');
      const d = st.device(url, 'd1');
      await d.connect();
      const seq = d.report(STATE);
      await waitEvent(d, 'decision', (x: { basedOnSeq: number }) => x.basedOnSeq === seq);
      assert.equal((await fetch(`${st.base}/metrics`)).status, 401);
      const res = await fetch(`${st.base}/metrics`, { headers: { authorization: `Bearer ${st.tokens.operator}` } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      const text = await res.text();
      assert.match(text, /^mec_reports_total\{outcome="accepted"\} 1$/m);
      assert.match(text, /^mec_plans_total\{outcome="pushed",mode="full"\} [1-9]/m);
      assert.match(text, /^mec_plan_solve_seconds_count\{mode="full"\} [1-9]/m);
      assert.match(text, /^mec_agents_connected 1$/m);
      assert.match(text, /^mec_devices 1$/m);
    } finally {
      await st.close();
    }
  });

  it('log lines carry a timestamp and a level, and the level filters', () => {
    const lines: string[] = [];
    const log = createLogger((l) => lines.push(l), 'info', () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)));
    log.debug('hidden');
    log.info('controller: up');
    log.warn('careful');
    assert.deepEqual(lines, ['2026-01-02T03:04:05.006Z info  controller: up', '2026-01-02T03:04:05.006Z warn  careful']);
  });

  it('item 8 and tokens from a file: `mec devices` with a token that does not cover its ids says so in one line (exit 2); `mec agent --token-file` works', async () => {
    const st = await startStack();
    try {
      const { url } = await st.addAgent('E1');
      const tokenFile = join(st.dir, 'other.token');
      writeFileSync(tokenFile, `${st.ctl.store.createToken('device', 'zz-*').token}\n`, { mode: 0o600 });
      const refused = await mecRun(['devices', '--agents', url, '--token-file', tokenFile, '--count', '3', '--duration-s', '1']);
      assert.equal(refused.code, 2, refused.stderr);
      assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
      assert.match(refused.stderr, /^mec: error: --token: device sim-\d was refused: unauthorized: this token may report as "zz-\*", not "sim-\d"$/m);
      const missing = await mecRun(['devices', '--agents', url, '--token-file', join(st.dir, 'nope'), '--count', '1']);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--token-file: cannot read .*nope: ENOENT/);
      // an agent reading its token from a file registers
      const agentFile = join(st.dir, 'agent.token');
      writeFileSync(agentFile, st.tokens.agent, { mode: 0o600 });
      const joined = waitEvent<[string]>(st.ctl, 'agent-connected', (id) => id === 'E7', 30000);
      const { mec } = await import('./helpers.ts');
      const proc = mec(['agent', '--controller', st.base, '--server-id', 'E7', '--token-file', agentFile]);
      try {
        await joined;
        assert.doesNotMatch(proc.stderr, /visible to other users/);
      } finally {
        proc.child.kill('SIGKILL');
        await proc.exited;
      }
    } finally {
      await st.close();
    }
  });
});
