/**
 * The control plane under load: a controller and 8 agents as real processes on loopback, and a
 * fleet of simulated moving devices (DeviceClient) in this process. Per row: the report rate the
 * fleet offers and the rate the controller acknowledges (committed to SQLite, synchronous=FULL),
 * the acknowledgement time, and the time from a report to the first decision computed from it
 * (pushed controller -> agent -> device), as median and p99, next to the planner's own solve time,
 * which is where most of that time goes.
 *
 * Two configurations in one run, each with its own controller and agents: the baseline of issue 10
 * (mdo, a full re-plan every round, no deadline) and the controller's policy (`auto`: the
 * fleet-scale algorithm at this size under a time budget, repair when few devices changed).
 *
 * Environment: CONTROL_BENCH_ALGORITHM (auto), CONTROL_BENCH_BUDGET_MS (300), CONTROL_BENCH_DEVICES
 * (1000), CONTROL_BENCH_WINDOW_S (60: the measured window), CONTROL_BENCH_BASELINE=0 (skip the
 * baseline), CONTROL_BENCH_FAST=1 (also a 5 reports/s row; CONTROL_BENCH_FAST_PERIOD_S, 0.2),
 * CONTROL_BENCH_INGEST=0 (skip the controller-alone ingest row).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable } from './timing.ts';
import { Store } from '../src/control/store.ts';
import { Fleet } from '../src/control/fleet.ts';
import { median, quantile } from '../src/core/stats.ts';
import WebSocket from 'ws';
import { once } from 'node:events';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ALGORITHM = process.env.CONTROL_BENCH_ALGORITHM ?? 'auto';
const BUDGET_MS = Number(process.env.CONTROL_BENCH_BUDGET_MS ?? 300);
const BASELINE = process.env.CONTROL_BENCH_BASELINE !== '0';
const FAST = process.env.CONTROL_BENCH_FAST === '1';
const INGEST = process.env.CONTROL_BENCH_INGEST !== '0';
const DEVICES = Number(process.env.CONTROL_BENCH_DEVICES ?? 1000);
const WINDOW_S = Number(process.env.CONTROL_BENCH_WINDOW_S ?? 60);
const FAST_PERIOD_S = Number(process.env.CONTROL_BENCH_FAST_PERIOD_S ?? 0.2);
const AGENTS = 8;
const AREA_M = 200;

const children: ChildProcess[] = [];
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); });

function start(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); if (err.length > 1e6) err = err.slice(-5e5); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout starting ${args[0]}: ${err}`)), 300_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = ready.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, match: m, stderr: () => err }); }
    });
    child.on('exit', (code) => reject(new Error(`${args[0]} exited (${code}): ${err}`)));
  });
}

/**
 * The controller's own ingest capacity, without the fleet and agents in front of it: 8 agent
 * links (as `mec agent` speaks them) each keep 4 batches of 125 device reports in flight.
 */
async function rawIngest(url: string, seconds: number): Promise<Record<string, string | number>> {
  const links = 8, perLink = 125, inflight = 4;
  let acked = 0;
  let sent = 0;
  const ackMs: number[] = [];
  let measuring = false;
  let stopAt = Infinity;
  const ready: Array<() => void> = [];
  const linkRuns = Array.from({ length: links }, async (_, l) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/agent`, { headers: { authorization: `Bearer ${agentToken}` } });
    await once(ws, 'open');
    const replies: Array<(m: any) => void> = [];
    ws.on('message', (d) => { const m = JSON.parse(d.toString()); for (const r of replies) r(m); });
    const waitFor = (pred: (m: any) => boolean) => new Promise<void>((resolve) => replies.push((m) => { if (pred(m)) resolve(); }));
    const welcome = waitFor((m) => m.type === 'welcome');
    ws.send(JSON.stringify({ type: 'hello', serverId: `E${101 + l}`, server: { x: 10 * l, y: 10, bandwidthMHz: 10, cpuGHz: 600, backhaulMbps: 100, cnnProfile: 'table1' } }));
    await welcome;
    let admitted = 0;
    const allAdmitted = waitFor((m) => m.type === 'admitted' && ++admitted === perLink);
    for (let j = 0; j < perLink; j++) ws.send(JSON.stringify({ type: 'admit', ref: j, deviceId: `sim-raw${l}-${j}`, token: deviceToken }));
    await allAdmitted;
    await new Promise<void>((resolve) => ready.push(resolve));
    let seq = 0;
    let batch = 0;
    const sentAt = new Map<number, number>();
    const sendBatch = () => {
      seq++;
      batch++;
      sentAt.set(batch, performance.now());
      ws.send(JSON.stringify({ type: 'reports', batch, reports: Array.from({ length: perLink }, (_, j) => ({ ref: j, report: {
        deviceId: `sim-raw${l}-${j}`, seq, x: (j * 7 + seq) % 200, y: (j * 13) % 200, dataMbit: 5, minRateMbps: 1, deadlineS: 1.5, txPowerW: 0.6, cpuGHz: 2, gigacyclesPerMbit: 3,
      } })) }));
      if (measuring) sent += perLink;
    };
    await new Promise<void>((resolve) => {
      replies.push((m) => {
        if (m.type !== 'ack') return;
        if (measuring) {
          acked += m.accepted.length;
          ackMs.push(performance.now() - sentAt.get(m.batch)!);
        }
        sentAt.delete(m.batch);
        if (performance.now() < stopAt) sendBatch();
        else if (sentAt.size === 0) resolve();
      });
      for (let k = 0; k < inflight; k++) sendBatch();
    });
    ws.close();
  });
  while (ready.length < links) await waitMs(50);
  for (const r of ready) r();
  await waitMs(2000); // warm up
  measuring = true;
  const t0 = performance.now();
  stopAt = t0 + seconds * 1000;
  await Promise.all(linkRuns);
  const elapsedS = (performance.now() - t0) / 1000;
  return {
    run: `controller alone, 8 agent links, ${links * perLink} devices`, 'offered/s': sent / elapsedS, 'acked/s': acked / elapsedS,
    'ack p99 ms': quantile(ackMs, 0.99), 'report->decision med s': '-', 'report->decision p99 s': '-', 'plans full/repair': '-', 'solve med s': '-', 'solve max s': '-', 'load 1m (start -> end)': '-',
  };
}

const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'mec-control-bench-'));
const db = join(dir, 'state.db');
const store = new Store(db);
const agentToken = store.createToken('agent', 'E*').token;
const deviceToken = store.createToken('device', 'sim-*').token;
store.close();
const agentTokenFile = join(dir, 'agent.token');
writeFileSync(agentTokenFile, agentToken, { mode: 0o600 });
const load = () => loadavg()[0].toFixed(1);

/**
 * One configuration: a fresh controller (its own database) and 8 agents, the fleet at 1 report/s
 * each, measured over the window after the first plan covering the fleet reached every device.
 */
async function runConfig(label: string, controllerArgs: string[], seed: number, extraRows: boolean): Promise<Record<string, string | number>[]> {
  const rows: Record<string, string | number>[] = [];
  const cdb = join(dir, `${seed}.db`);
  copyFileSync(db, cdb);
  const controller = await start(['controller', '--db', cdb, '--debounce-ms', '200', '--replan-s', '0', '--rate-limit', '0', '--keep-plans', '20', ...controllerArgs], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const url = controller.match[1];
  const side = Math.ceil(Math.sqrt(AGENTS));
  const agents = await Promise.all(Array.from({ length: AGENTS }, async (_, n) => {
    const x = ((n % side) + 0.5) * (AREA_M / side);
    const y = (Math.floor(n / side) + 0.5) * (AREA_M / Math.ceil(AGENTS / side));
    return start(['agent', '--controller', url, '--server-id', `E${n + 1}`, '--token-file', agentTokenFile, '--x', String(x), '--y', String(y),
      '--cpu-ghz', n % 2 ? '800' : '600', '--device-rate-limit', '0'], /listening on (ws:\/\/127\.0\.0\.1:\d+)/);
  }));
  const agentUrls = agents.map((a) => a.match[1]);
  const plansLogged = (): Array<{ mode: string; ms: number }> => [...controller.stderr().matchAll(/; (full|repair) [\w-]+, [^)]*\): .* solved in (\d+) ms/g)].map((m) => ({ mode: m[1], ms: Number(m[2]) }));

  const run = async (row: string, periodS: number, windowS: number, fleetSeed: number, decisions: boolean) => {
    const fleet = new Fleet({ agentUrls, token: deviceToken, count: DEVICES, idPrefix: 'sim-', seed: fleetSeed, areaM: AREA_M, speedMps: 1.5, periodS });
    await fleet.connect();
    fleet.run();
    // warm up: until the first plan covering this fleet has reached every device
    const t0 = performance.now();
    while (fleet.stats.decisions < DEVICES && performance.now() - t0 < 600_000) await waitMs(200);
    fleet.stats.latencyMs.length = 0;
    fleet.stats.ackMs.length = 0;
    // reports sent during the warm-up are not part of the window, even if answered in it
    for (const d of fleet.devices) d.sentAt.clear();
    const plansBefore = plansLogged().length;
    const acked0 = fleet.stats.reportsAcked;
    const sent0 = fleet.stats.reportsSent;
    const load0 = load();
    const w0 = performance.now();
    await waitMs(windowS * 1000);
    const elapsedS = (performance.now() - w0) / 1000;
    const s = fleet.summary();
    const plans = plansLogged().slice(plansBefore);
    const solves = plans.map((p) => p.ms);
    fleet.stop({ leave: true });
    rows.push({
      config: label,
      run: row,
      'offered/s': (s.reportsSent - sent0) / elapsedS,
      'acked/s': (s.reportsAcked - acked0) / elapsedS,
      'ack p99 ms': s.ackP99Ms,
      'report->decision med s': decisions ? s.decisionMedianMs / 1000 : '-',
      'report->decision p99 s': decisions ? s.decisionP99Ms / 1000 : '-',
      'plans full/repair': `${plans.filter((p) => p.mode === 'full').length}/${plans.filter((p) => p.mode === 'repair').length}`,
      'solve med s': solves.length ? median(solves) / 1000 : '-',
      'solve max s': solves.length ? quantile(solves, 1) / 1000 : '-',
      'load 1m (start -> end)': `${load0} -> ${load()}`,
    });
    await waitMs(2000); // let the controller forget this fleet before the next one
  };

  try {
    await run(`${AGENTS} agents, ${DEVICES} devices, 1 report/s each`, 1, WINDOW_S, 1, true);
    if (extraRows && FAST) await run(`${AGENTS} agents, ${DEVICES} devices, ${1 / FAST_PERIOD_S} reports/s each`, FAST_PERIOD_S, Math.min(WINDOW_S, 30), 2, false);
    if (extraRows && INGEST) rows.push({ config: label, ...(await rawIngest(url, 15)) });
  } finally {
    // CONTROL_BENCH_LOG=dir keeps each controller's log (for reading what its rounds did)
    if (process.env.CONTROL_BENCH_LOG) writeFileSync(join(process.env.CONTROL_BENCH_LOG, `controller-${seed}.log`), controller.stderr());
    controller.child.kill('SIGKILL');
    for (const a of agents) a.child.kill('SIGKILL');
  }
  return rows;
}

try {
  const rows: Record<string, string | number>[] = [];
  console.log(`load average at start: ${load()} (${cpus().length} cores)`);
  if (BASELINE) rows.push(...(await runConfig('baseline: mdo, full re-plan', ['--algorithm', 'mdo', '--repair-max-fraction', '0', '--plan-deadline-ms', '0'], 10, false)));
  rows.push(...(await runConfig(`${ALGORITHM}: budget ${BUDGET_MS} ms, repair`, ['--algorithm', ALGORITHM, '--plan-budget-ms', String(BUDGET_MS)], 20, true)));
  printTable(rows);
  console.log(`load average at end: ${load()}`);
  console.log('Each config: a fresh controller and 8 agent processes; the fleet (this process) offers 1 report/s per device.');
  console.log('report->decision: from a device sending a report to it receiving the first pushed decision computed from that report or a later');
  console.log('one; plans full/repair and solve: plans finished in the window (solve = planner time, the rest of a round is build, check, store, push).');
  if (INGEST) console.log('controller alone: report batches over 8 agent links, each keeping 4 batches of 125 reports in flight (acked = committed, synchronous=FULL).');
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
