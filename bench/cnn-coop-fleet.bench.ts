/**
 * cnn-coop at fleet scale (issue 11): `fleet` side by side with `mdo` (the controller's planner so
 * far), `pa` and the old `best` where they finish in reasonable time, on fleet scenarios whose
 * capacity grows with the fleet (`--load-per-server 20`: each server loaded as the paper's server
 * with 20 devices; area keeping the paper's server density, docs/fleet.md). Gap = (latency - bound)
 * / bound against fleet's proved bound on the same scenario; every plan goes through the checker.
 * Then incremental repair after one device change at M = 1,000 against a full re-plan.
 * Wall and CPU time (user + system of this process) are both printed: on a shared machine the
 * wall time of a single-threaded solve is its CPU time stretched by the load.
 * Then overloaded instances (the paper's per-server resources, far more devices than they serve
 * on time: every plan misses deadlines, the objective is the total latency, late tasks included):
 * fleet against mdo, and the time budget (`timeBudgetMs`, the controller's 300 ms) kept by fleet
 * and repairPlan at M = 1,000, N = 8 (overloaded) and N = 50 (fleet scenario).
 * `npm run bench -- cnn-coop-fleet`; SEEDS=n (default 3 at M = 1,000), BENCH_SLOW=1 also runs
 * best at M = 1,000 (minutes), BENCH_QUICK=1 skips M = 10,000, BENCH_SKIP_300=1 skips the
 * M = 300 comparison with pa and best (minutes), BENCH_ONLY_OVERLOAD=1 runs only the overloaded
 * and budget tables.
 */
import { execSync } from 'node:child_process';
import { printTable } from './timing.ts';
import { generateScenario } from '../src/cnn-coop/generate.ts';
import type { Result, Scenario } from '../src/cnn-coop/model.ts';
import { fleet } from '../src/cnn-coop/algorithms/fleet.ts';
import { mdo } from '../src/cnn-coop/algorithms/mdo.ts';
import { pa } from '../src/cnn-coop/algorithms/pa.ts';
import { best } from '../src/cnn-coop/algorithms/best.ts';
import { repairPlan } from '../src/cnn-coop/fleet/repair.ts';
import { verifyCnnCoop } from '../src/verify/cnn-coop.ts';
import { runAlgorithm, type Algorithm } from '../src/core/system.ts';
import { median } from '../src/core/stats.ts';

const seedsAt1000 = Array.from({ length: Number(process.env.SEEDS ?? 3) }, (_, i) => i + 1);
const slow = process.env.BENCH_SLOW === '1';
const quick = process.env.BENCH_QUICK === '1';
const load = () => execSync('uptime').toString().trim().replace(/.*load average/, 'load average');
console.log(`machine: ${load()}`);

const fleetScenario = (seed: number, M: number, N: number) => generateScenario({ seed, devices: M, servers: N, loadPerServer: 20 });
const pct = (x: number) => `${(100 * x).toFixed(3)} %`;

function compare(M: number, N: number, seeds: number[], algorithms: Algorithm<Scenario, Result>[]) {
  const rows: Record<string, string | number>[] = [];
  const per = new Map<string, { ms: number[]; cpuMs: number[]; gap: number[]; infeasible: number; checkerFails: number }>();
  for (const seed of seeds) {
    const s = fleetScenario(seed, M, N);
    const cpu: number[] = [];
    const results = algorithms.map((a) => {
      const c0 = process.cpuUsage();
      const r = runAlgorithm(a, s);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      return r;
    });
    const bound = results[0].lowerBound ?? (results[0].info?.relaxationBoundS as number);
    algorithms.forEach((a, i) => {
      const r = results[i];
      const e = per.get(a.name) ?? { ms: [], cpuMs: [], gap: [], infeasible: 0, checkerFails: 0 };
      e.ms.push(r.solveMs);
      e.cpuMs.push(cpu[i]);
      if (r.status === 'infeasible') e.infeasible++;
      else e.gap.push(r.totalLatencyS / bound - 1);
      if (!verifyCnnCoop(s, r).ok) e.checkerFails++;
      per.set(a.name, e);
    });
  }
  const fleetMs = median(per.get('fleet')!.ms);
  for (const [name, e] of per) {
    rows.push({
      size: `M=${M} N=${N}`, algorithm: name, seeds: seeds.length, 'median s': median(e.ms) / 1000, 'cpu s': median(e.cpuMs) / 1000, 'time / fleet': median(e.ms) / fleetMs,
      'mean gap to bound': e.gap.length ? pct(e.gap.reduce((a, b) => a + b, 0) / e.gap.length) : '-',
      'max gap': e.gap.length ? pct(Math.max(...e.gap)) : '-', infeasible: e.infeasible, 'checker fails': e.checkerFails,
    });
  }
  printTable(rows);
}

const onlyOverload = process.env.BENCH_ONLY_OVERLOAD === '1';
const measure = (f: () => Result): { r: Result; ms: number; cpu: number } => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { r, ms, cpu: (c.user + c.system) / 1000 };
};

/** Overloaded instances: fleet vs mdo on total latency (late tasks included), unbudgeted and with the controller's budget. */
function overloadedTable() {
  const rows: Record<string, string | number>[] = [];
  for (const [M, N] of [[200, 4], [1000, 8]]) {
    for (const seed of [1, 2]) {
      const s = generateScenario({ seed, devices: M, servers: N });
      const m = measure(() => runAlgorithm(mdo, s));
      const runs: [string, { r: Result; ms: number; cpu: number }][] = [['mdo', m], ['fleet', measure(() => runAlgorithm(fleet, s))], ['fleet, budget 300 ms', measure(() => runAlgorithm(fleet, s, { timeBudgetMs: 300 }))]];
      for (const [name, x] of runs) {
        rows.push({
          instance: `M=${M} N=${N} seed ${seed}`, algorithm: name, 'wall s': x.ms / 1000, 'cpu s': x.cpu / 1000, 'total latency s': x.r.totalLatencyS,
          'late tasks': x.r.infeasibleTasks?.length ?? 0, 'latency / mdo': x.r.totalLatencyS / m.r.totalLatencyS, 'checker fails': verifyCnnCoop(s, x.r).ok ? 0 : 1,
        });
      }
    }
  }
  printTable(rows);
}

/**
 * The budget kept: fleet solves and repairs (5 % of the devices moved) at M = 1,000 with the
 * controller's 300 ms, five in a row in this process (the first pays the JIT); previous scenario
 * passed as a copy, as the controller's planner thread gets it.
 */
function budgetTable() {
  const rows: Record<string, string | number>[] = [];
  for (const [label, make] of [['M=1000 N=8 (overloaded)', () => generateScenario({ seed: 1, devices: 1000, servers: 8 })],
    ['M=1000 N=50 (fleet)', () => fleetScenario(1, 1000, 50)]] as const) {
    let s = make();
    const solveMs: number[] = []; const solveCpu: number[] = []; const repairMs: number[] = []; const repairCpu: number[] = [];
    let fails = 0;
    let r = runAlgorithm(fleet, s, { timeBudgetMs: 300 });
    let seq = 0;
    for (let k = 0; k < 5; k++) {
      const x = measure(() => runAlgorithm(fleet, s, { timeBudgetMs: 300 }));
      solveMs.push(x.ms); solveCpu.push(x.cpu);
      if (!verifyCnnCoop(s, x.r).ok) fails++;
      const next = structuredClone(s);
      next.devices.forEach((d) => { if ((seq++ * 7919) % 20 === 0) { d.x += 15; d.y -= 10; } });
      const prev = structuredClone(s);
      const y = measure(() => repairPlan({ scenario: prev, result: r }, next, { timeBudgetMs: 300 }));
      repairMs.push(y.ms); repairCpu.push(y.cpu);
      if (!verifyCnnCoop(next, y.r).ok) fails++;
      s = next; r = y.r;
    }
    rows.push({
      instance: label, budget: '300 ms', 'solve wall ms (5)': solveMs.map((v) => v.toFixed(0)).join(' '), 'solve max / budget': Math.max(...solveMs) / 300, 'solve cpu ms median': median(solveCpu),
      'repair wall ms (5)': repairMs.map((v) => v.toFixed(0)).join(' '), 'repair max / budget': Math.max(...repairMs) / 300, 'repair cpu ms median': median(repairCpu), 'checker fails': fails,
    });
  }
  printTable(rows);
}

if (!onlyOverload) {
  if (process.env.BENCH_SKIP_300 !== '1') compare(300, 15, [1, 2], [fleet, mdo, pa, best]);
  // pa is ≈ 5 s a seed here since its relaxation is solved by the cone IPM (issue 11 item 4), so it
  // runs by default; best still takes minutes (issue 11 measured 135 s at M = 1,000, N = 8).
  compare(1000, 50, seedsAt1000, slow ? [fleet, mdo, pa, best] : [fleet, mdo, pa]);
  if (!slow) console.log('(best at M = 1,000: BENCH_SLOW=1; issue 11 measured it at 135 s at M = 1,000, N = 8)');
  if (!quick) compare(10000, 200, [1], [fleet, mdo]);

  // Incremental repair after one change at M = 1,000, N = 50, against a full re-plan of the changed scenario.
  const repairRows: Record<string, string | number>[] = [];
  for (const kind of ['device moves', 'device joins', 'device leaves', 'server goes away'] as const) {
    const ms: number[] = [];
    const cpuMs: number[] = [];
    const copyMs: number[] = [];
    const fullMs: number[] = [];
    const ratio: number[] = [];
    let fails = 0;
    for (const seed of seedsAt1000) {
      const s = fleetScenario(seed, 1000, 50);
      const r = runAlgorithm(fleet, s);
      for (let k = 0; k < 3; k++) {
        const next = structuredClone(s);
        const at = (seed * 97 + k * 331) % s.devices.length;
        if (kind === 'device moves') { next.devices[at].x += 40; next.devices[at].y -= 25; }
        if (kind === 'device joins') next.devices.push({ ...s.devices[at], id: `NEW${k}`, x: s.devices[at].y, y: s.devices[at].x });
        if (kind === 'device leaves') next.devices.splice(at, 1);
        if (kind === 'server goes away') next.servers.splice(at % s.servers.length, 1);
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const rep = repairPlan({ scenario: s, result: r }, next);
        ms.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpuMs.push((c.user + c.system) / 1000);
        // As a controller that stored the previous scenario (a copy: the memo is found by content, fleet/memo.ts).
        const copy = structuredClone(s);
        const t1 = performance.now();
        repairPlan({ scenario: copy, result: r }, next);
        copyMs.push(performance.now() - t1);
        const full = runAlgorithm(fleet, next);
        fullMs.push(full.solveMs);
        ratio.push(rep.totalLatencyS / full.totalLatencyS - 1);
        if (!verifyCnnCoop(next, rep).ok) fails++;
      }
    }
    repairRows.push({
      change: kind, repairs: ms.length, 'median repair ms': median(ms), 'max repair ms': Math.max(...ms), 'median repair cpu ms': median(cpuMs), 'median ms, previous scenario a copy': median(copyMs), 'full re-plan ms': median(fullMs),
      'first repair ms (JIT)': ms[0], 'repair / full': median(ms) / median(fullMs), 'mean vs full re-plan': pct(ratio.reduce((a, b) => a + b, 0) / ratio.length), 'worst vs full': pct(Math.max(...ratio)), 'checker fails': fails,
    });
  }
  printTable(repairRows);
}
console.log(`machine: ${load()}`);
overloadedTable();
budgetTable();
console.log(`machine after: ${load()}`);
