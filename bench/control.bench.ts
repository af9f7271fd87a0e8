/**
 * The control plane under load: a controller and 8 agents as real processes on loopback, and a
 * fleet of simulated moving devices (DeviceClient) in this process. Per row: the report rate the
 * fleet offers and the rate the controller acknowledges (committed to SQLite, synchronous=FULL),
 * the acknowledgement time, and the time from a report to the first decision computed from it
 * (pushed controller -> agent -> device), as median and p99, next to the planner's own solve time,
 * which is where most of that time goes.
 *
 * Two cells, each planned by two configurations in the same run, each with its own controller and
 * agents: the baseline of issue 10 (mdo, a full re-plan every round, no deadline) and the
 * controller's policy (`auto`: the algorithm by fleet size and cell load, a time budget, repair
 * when few devices changed). The cells:
 * - paper: every agent declares the paper's server (10 MHz, 600/800 GHz, 100 Mbit/s), so 1,000
 *   devices on 8 servers is about 135 devices per paper-sized server, 9 times the paper's load:
 *   an overloaded cell where no plan meets every deadline;
 * - scaled: each agent's bandwidth, CPU and backhaul are scaled by (M/N)/L with L = 20, as
 *   `mec generate cnn-coop --load-per-server 20` does (docs/fleet.md): the same 1,000 devices at
 *   the load the fleet algorithm is built for.
 *
 * Environment: CONTROL_BENCH_ALGORITHM (auto), CONTROL_BENCH_BUDGET_MS (300), CONTROL_BENCH_DEVICES
 * (1000), CONTROL_BENCH_WINDOW_S (60: the measured window), CONTROL_BENCH_WARMUP_S (5: after every
 * device had a decision, before the window), CONTROL_BENCH_CELLS (paper,scaled),
 * CONTROL_BENCH_LOAD_PER_SERVER (20: L of the scaled cell), CONTROL_BENCH_BASELINE=0 (skip the
 * baseline), CONTROL_BENCH_FAST=1 (also a 5 reports/s row; CONTROL_BENCH_FAST_PERIOD_S, 0.2),
 * CONTROL_BENCH_INGEST=0 (skip the controller-alone ingest row), CONTROL_BENCH_LOG=dir (keep the
 * controllers' logs), CONTROL_BENCH_PROF=dir (run the controllers and the first agent with --cpu-prof
 * into dir; they are stopped with SIGTERM so the profiles are written).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const WARMUP_S = Number(process.env.CONTROL_BENCH_WARMUP_S ?? 5);
const CELLS = (process.env.CONTROL_BENCH_CELLS ?? 'paper,scaled').split(',');
const LOAD_PER_SERVER = Number(process.env.CONTROL_BENCH_LOAD_PER_SERVER ?? 20);
const PROF = process.env.CONTROL_BENCH_PROF;
const AGENTS = 8;
/** The paper's density (2 servers per 100 m square), as the generator keeps it for fleets. */
const AREA_M = 200;

const children: ChildProcess[] = [];
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); });

function start(args: string[], ready: RegExp, nodeArgs: string[] = []): Promise<{ child: ChildProcess; match: RegExpMatchArray; stderr: () => string }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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
    'ack p99 ms': quantile(ackMs, 0.99), 'report->decision med s': '-', 'report->decision p99 s': '-', unanswered: '-', 'plans full/repair': '-', algorithms: '-', 'solve med s': '-', 'solve max s': '-',
    'round med / max s': '-', 'CPU s ctl/agents/fleet': '-', 'load 1m (start -> end)': '-',
  };
}

const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system, all threads) a child process has used so far; NaN where /proc is missing. */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

const uptime = () => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average ${loadavg().map((x) => x.toFixed(2)).join(', ')}`;
  }
};

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
interface Cell { name: string; scale: number }

async function runConfig(label: string, cell: Cell, controllerArgs: string[], seed: number, extraRows: boolean): Promise<Record<string, string | number>[]> {
  const rows: Record<string, string | number>[] = [];
  const cdb = join(dir, `${seed}.db`);
  copyFileSync(db, cdb);
  const prof = PROF ? ['--cpu-prof', '--cpu-prof-dir', join(PROF, `controller-${seed}`)] : [];
  const controller = await start(['controller', '--db', cdb, '--debounce-ms', '200', '--replan-s', '0', '--rate-limit', '0', '--keep-plans', '20', ...controllerArgs], /listening on (http:\/\/127\.0\.0\.1:\d+)/, prof);
  const url = controller.match[1];
  const side = Math.ceil(Math.sqrt(AGENTS));
  const agents = await Promise.all(Array.from({ length: AGENTS }, async (_, n) => {
    const x = ((n % side) + 0.5) * (AREA_M / side);
    const y = (Math.floor(n / side) + 0.5) * (AREA_M / Math.ceil(AGENTS / side));
    // the paper's server (Table III), or scaled as `mec generate --load-per-server` scales it
    const k = cell.scale;
    return start(['agent', '--controller', url, '--server-id', `E${n + 1}`, '--token-file', agentTokenFile, '--x', String(x), '--y', String(y),
      '--bandwidth-mhz', String(10 * k), '--cpu-ghz', String((n % 2 ? 800 : 600) * k), '--backhaul-mbps', String(100 * k), '--device-rate-limit', '0'], /listening on (ws:\/\/127\.0\.0\.1:\d+)/,
      PROF && n === 0 ? ['--cpu-prof', '--cpu-prof-dir', join(PROF, `agent-${seed}`)] : []);
  }));
  const agentUrls = agents.map((a) => a.match[1]);
  const plansLogged = (): Array<{ mode: string; algorithm: string; ms: number; roundMs: number }> => [...controller.stderr().matchAll(/; (full|repair) ([\w-]+), [^)]*\): .* solved in (\d+) ms, verified; round (\d+) ms/g)]
    .map((m) => ({ mode: m[1], algorithm: m[2], ms: Number(m[3]), roundMs: Number(m[4]) }));
  const cpuNow = () => ({ ctl: cpuSecondsOf(controller.child.pid), agents: agents.reduce((t, a) => t + cpuSecondsOf(a.child.pid), 0), fleet: process.cpuUsage() });

  const run = async (row: string, periodS: number, windowS: number, fleetSeed: number, decisions: boolean) => {
    const fleet = new Fleet({ agentUrls, token: deviceToken, count: DEVICES, idPrefix: 'sim-', seed: fleetSeed, areaM: AREA_M, speedMps: 1.5, periodS });
    await fleet.connect();
    fleet.run();
    // warm up: until every device has had a decision, then WARMUP_S more: the first rounds at full
    // size are slow (JIT of the solver and of the first large plan stores: rounds of 1.6-2.1 s seen),
    // and counting decisions instead of devices once let them into the window
    const t0 = performance.now();
    while (fleet.devices.some((d) => d.client.lastDecision === null) && performance.now() - t0 < 600_000) await waitMs(200);
    await waitMs(WARMUP_S * 1000);
    fleet.stats.latencyMs.length = 0;
    fleet.stats.ackMs.length = 0;
    // reports sent during the warm-up are not part of the window, even if answered in it
    for (const d of fleet.devices) d.sentAt.clear();
    const plansBefore = plansLogged().length;
    const acked0 = fleet.stats.reportsAcked;
    const sent0 = fleet.stats.reportsSent;
    const load0 = load();
    const cpu0 = cpuNow();
    const w0 = performance.now();
    await waitMs(windowS * 1000);
    const cut = performance.now();
    const elapsedS = (cut - w0) / 1000;
    const cpu1 = cpuNow();
    const sent1 = fleet.stats.reportsSent;
    const acked1 = fleet.stats.reportsAcked;
    const plans = plansLogged().slice(plansBefore);
    // the reports sent in the window are all measured: wait (up to 30 s) for their decisions
    fleet.countSentBefore = cut;
    while (fleet.unansweredBefore(cut) > 0 && performance.now() - cut < 30_000) await waitMs(100);
    const unanswered = fleet.unansweredBefore(cut);
    const s = fleet.summary();
    const solves = plans.map((p) => p.ms);
    const roundsMs = plans.map((p) => p.roundMs);
    fleet.stop({ leave: true });
    const fleetCpuS = (cpu1.fleet.user + cpu1.fleet.system - cpu0.fleet.user - cpu0.fleet.system) / 1e6;
    rows.push({
      config: label,
      cell: cell.name,
      run: row,
      'offered/s': (sent1 - sent0) / elapsedS,
      'acked/s': (acked1 - acked0) / elapsedS,
      'ack p99 ms': s.ackP99Ms,
      'report->decision med s': decisions ? s.decisionMedianMs / 1000 : '-',
      'report->decision p99 s': decisions ? s.decisionP99Ms / 1000 : '-',
      'unanswered': decisions ? unanswered : '-',
      'plans full/repair': `${plans.filter((p) => p.mode === 'full').length}/${plans.filter((p) => p.mode === 'repair').length}`,
      algorithms: [...new Set(plans.map((p) => p.algorithm))].join('+') || '-',
      'solve med s': solves.length ? median(solves) / 1000 : '-',
      'solve max s': solves.length ? quantile(solves, 1) / 1000 : '-',
      'round med / max s': roundsMs.length ? `${(median(roundsMs) / 1000).toFixed(2)} / ${(quantile(roundsMs, 1) / 1000).toFixed(2)}` : '-',
      'CPU s ctl/agents/fleet': `${(cpu1.ctl - cpu0.ctl).toFixed(1)} / ${(cpu1.agents - cpu0.agents).toFixed(1)} / ${fleetCpuS.toFixed(1)}`,
      'load 1m (start -> end)': `${load0} -> ${load()}`,
    });
    await waitMs(2000); // let the controller forget this fleet before the next one
  };

  try {
    await run(`${AGENTS} agents, ${DEVICES} devices, 1 report/s each`, 1, WINDOW_S, 1, true);
    if (extraRows && FAST) await run(`${AGENTS} agents, ${DEVICES} devices, ${1 / FAST_PERIOD_S} reports/s each`, FAST_PERIOD_S, Math.min(WINDOW_S, 30), 2, false);
    if (extraRows && INGEST) rows.push({ config: label, cell: cell.name, ...(await rawIngest(url, 15)) });
  } finally {
    // CONTROL_BENCH_LOG=dir keeps each controller's log (for reading what its rounds did)
    if (process.env.CONTROL_BENCH_LOG) writeFileSync(join(process.env.CONTROL_BENCH_LOG, `controller-${seed}.log`), controller.stderr());
    if (PROF) {
      // a clean stop writes the CPU profiles (the main thread's and the planner thread's)
      const exited = once(controller.child, 'exit').catch(() => {});
      controller.child.kill('SIGTERM');
      await Promise.race([exited, waitMs(30_000)]);
    }
    controller.child.kill('SIGKILL');
    if (PROF) {
      const exited = once(agents[0].child, 'exit').catch(() => {});
      agents[0].child.kill('SIGTERM');
      await Promise.race([exited, waitMs(30_000)]);
    }
    for (const a of agents) a.child.kill('SIGKILL');
  }
  return rows;
}

try {
  const rows: Record<string, string | number>[] = [];
  console.log(`at start: ${uptime()} (${cpus().length} cores)`);
  const cells: Cell[] = CELLS.map((name) => {
    if (name === 'paper') return { name: 'paper (overloaded)', scale: 1 };
    if (name === 'scaled') return { name: `scaled, L=${LOAD_PER_SERVER}`, scale: DEVICES / AGENTS / LOAD_PER_SERVER };
    throw new Error(`CONTROL_BENCH_CELLS: unknown cell "${name}" (paper, scaled)`);
  });
  let seed = 10;
  for (const [i, cell] of cells.entries()) {
    if (BASELINE) rows.push(...(await runConfig('baseline: mdo, full re-plan', cell, ['--algorithm', 'mdo', '--repair-max-fraction', '0', '--plan-deadline-ms', '0'], seed++, false)));
    rows.push(...(await runConfig(`${ALGORITHM}: budget ${BUDGET_MS} ms, repair`, cell, ['--algorithm', ALGORITHM, '--plan-budget-ms', String(BUDGET_MS)], seed++, i === cells.length - 1)));
  }
  printTable(rows);
  console.log(`at end: ${uptime()}`);
  console.log('Each config: a fresh controller and 8 agent processes; the fleet (this process) offers 1 report/s per device.');
  console.log('report->decision: from a device sending a report to it receiving the first pushed decision computed from that report or a later');
  console.log('one, for every report sent in the window (the bench waits up to 30 s after it for their decisions; unanswered: still none then);');
  console.log('plans full/repair, algorithms, solve and round: plans finished in the window (solve = the algorithm on the planner thread;');
  console.log('round = from the snapshot of the state to the push: build, planner (parse, solve, check), store, push). CPU: seconds used in the');
  console.log('window by the controller (all threads), the 8 agents and the fleet (this process).');
  if (INGEST) console.log('controller alone: report batches over 8 agent links, each keeping 4 batches of 125 reports in flight (acked = committed, synchronous=FULL).');
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
