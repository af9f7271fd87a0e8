/**
 * The control plane under load: a controller and 8 agents as real processes on loopback, and a
 * fleet of simulated moving devices (DeviceClient) in this process. Per row: the report rate the
 * fleet offers and the rate the controller acknowledges (committed to SQLite, synchronous=FULL),
 * the acknowledgement time, and the time from a report to the first decision computed from it
 * (pushed controller -> agent -> device), as median and p99, next to the planner's own solve time,
 * which is where most of that time goes.
 *
 * Environment: CONTROL_BENCH_ALGORITHM (default mdo), CONTROL_BENCH_DEVICES (1000),
 * CONTROL_BENCH_WINDOW_S (60: the measured window of the 1 report/s row), CONTROL_BENCH_FAST_PERIOD_S
 * (0.2: the report period of the ingest row).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable } from './timing.ts';
import { Store } from '../src/control/store.ts';
import { Fleet } from '../src/control/fleet.ts';
import { median, quantile } from '../src/core/stats.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ALGORITHM = process.env.CONTROL_BENCH_ALGORITHM ?? 'mdo';
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
    const timer = setTimeout(() => reject(new Error(`timeout starting ${args[0]}: ${err}`)), 60000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = ready.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, match: m, stderr: () => err }); }
    });
    child.on('exit', (code) => reject(new Error(`${args[0]} exited (${code}): ${err}`)));
  });
}

const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'mec-control-bench-'));
const db = join(dir, 'state.db');
const store = new Store(db);
const agentToken = store.createToken('agent', 'E*').token;
const deviceToken = store.createToken('device', 'sim-*').token;
store.close();

try {
  const controller = await start(['controller', '--db', db, '--algorithm', ALGORITHM, '--debounce-ms', '200', '--replan-s', '0', '--rate-limit', '0', '--keep-plans', '20'], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const url = controller.match[1];
  const side = Math.ceil(Math.sqrt(AGENTS));
  const agentUrls = await Promise.all(Array.from({ length: AGENTS }, async (_, n) => {
    const x = ((n % side) + 0.5) * (AREA_M / side);
    const y = (Math.floor(n / side) + 0.5) * (AREA_M / Math.ceil(AGENTS / side));
    const a = await start(['agent', '--controller', url, '--server-id', `E${n + 1}`, '--token', agentToken, '--x', String(x), '--y', String(y),
      '--cpu-ghz', n % 2 ? '800' : '600', '--device-rate-limit', '0'], /listening on (ws:\/\/127\.0\.0\.1:\d+)/);
    return a.match[1];
  }));

  const solveTimes = (): number[] => [...controller.stderr().matchAll(/solved in (\d+) ms/g)].map((m) => Number(m[1]));
  const rows: Record<string, string | number>[] = [];

  const run = async (label: string, periodS: number, windowS: number, seed: number) => {
    const fleet = new Fleet({ agentUrls, token: deviceToken, count: DEVICES, idPrefix: 'sim-', seed, areaM: AREA_M, speedMps: 1.5, periodS });
    await fleet.connect();
    fleet.run();
    // warm up: until the first plan covering this fleet has reached every device
    const t0 = performance.now();
    while (fleet.stats.decisions < DEVICES && performance.now() - t0 < 600_000) await waitMs(200);
    fleet.stats.latencyMs.length = 0;
    fleet.stats.ackMs.length = 0;
    const solvesBefore = solveTimes().length;
    const acked0 = fleet.stats.reportsAcked;
    const sent0 = fleet.stats.reportsSent;
    const w0 = performance.now();
    await waitMs(windowS * 1000);
    const elapsedS = (performance.now() - w0) / 1000;
    const s = fleet.summary();
    const solves = solveTimes().slice(solvesBefore);
    fleet.stop({ leave: true });
    rows.push({
      run: label,
      algorithm: ALGORITHM,
      'offered/s': (s.reportsSent - sent0) / elapsedS,
      'acked/s': (s.reportsAcked - acked0) / elapsedS,
      'ack med ms': s.ackMedianMs,
      'ack p99 ms': s.ackP99Ms,
      'report->decision med s': s.decisionMedianMs / 1000,
      'report->decision p99 s': s.decisionP99Ms / 1000,
      plans: solves.length,
      'solve med s': solves.length ? median(solves) / 1000 : NaN,
      'solve max s': solves.length ? quantile(solves, 1) / 1000 : NaN,
    });
    await waitMs(2000); // let the controller forget this fleet before the next one
  };

  await run(`${AGENTS} agents, ${DEVICES} devices, 1 report/s each`, 1, WINDOW_S, 1);
  await run(`${AGENTS} agents, ${DEVICES} devices, ${1 / FAST_PERIOD_S} reports/s each (ingest)`, FAST_PERIOD_S, Math.min(WINDOW_S, 30), 2);
  printTable(rows);
  console.log('acked/s: reports committed (SQLite, synchronous=FULL) and acknowledged per second; report->decision: from a device sending a');
  console.log('report to it receiving the first pushed decision computed from that report or a later one; plans/solve: plans finished in the window.');
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
