/**
 * PA's stage 2 at scale (issue 11 item 4): the hull relaxation by the conic interior-point method
 * (rlt-ipm-cone.ts) and by HiGHS cutting planes (rlt-hull.ts, the reference), side by side in one run,
 * with ratios, agreement, the IPM's certificate, whole-`pa` times, and the machine load. Wall and
 * CPU time (process.cpuUsage, user + system) are both shown: the 2 cores are shared.
 * Sizes: the paper's M = 30, N = 2; M = 200, N = 8; and the fleet M = 1,000, N = 50 (fleet
 * generator: 20 devices and the paper's load a server). The slow reference runs where it takes
 * minutes only when asked: BENCH_SLOW=1 (HiGHS at M = 200 takes ~6 min). The superseded first IPM's
 * numbers are kept in docs/pa-fidelity.md. BENCH_PA30=1 times only `pa` at M = 30, N = 2 (many repeats).
 */
import { loadavg } from 'node:os';
import { generateScenario, type CnnCoopOptions } from '../src/cnn-coop/generate.ts';
import { precompute } from '../src/cnn-coop/physics.ts';
import { layerSearch } from '../src/cnn-coop/layer-search.ts';
import { deadlinePenalty, rltData, type RltData } from '../src/cnn-coop/rlt-pairs.ts';
import { solveHullData } from '../src/cnn-coop/rlt-hull.ts';
import { solveHullCone } from '../src/cnn-coop/rlt-ipm-cone.ts';
import type { RltSolution } from '../src/cnn-coop/rlt.ts';
import { pa, paHighs } from '../src/cnn-coop/algorithms/pa.ts';
import { median } from '../src/core/stats.ts';
import { printTable } from './timing.ts';

const quick = process.env.BENCH_QUICK === '1';
const slow = process.env.BENCH_SLOW === '1';
const load = () => loadavg()[0].toFixed(1);
console.log(`load average at start: ${load()} (2 cores shared)`);
interface Size { label: string; o: Omit<CnnCoopOptions, 'seed'>; seeds: number; runs: number; highs: boolean }
const sizes: Size[] = [
  { label: 'M=30 N=2', o: { devices: 30, servers: 2 }, seeds: quick ? 2 : 5, runs: quick ? 3 : 7, highs: true },
  { label: 'M=200 N=8', o: { devices: 200, servers: 8 }, seeds: 1, runs: quick ? 1 : 3, highs: slow },
  { label: 'M=1000 N=50 fleet', o: { devices: 1000, devicesPerServer: 20, loadPerServer: 15 }, seeds: 1, runs: 1, highs: false },
];

/** Median wall and CPU milliseconds of `fn` over `runs` calls (a warm-up call first when runs > 1), and its last value. */
function timed<T>(fn: () => T, runs: number): { ms: number; cpuMs: number; value: T } {
  let value = fn();
  if (runs === 1) return { ...clock(() => { value = fn(); }), value };
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < runs; i++) { const c = clock(() => { value = fn(); }); wall.push(c.ms); cpu.push(c.cpuMs); }
  return { ms: median(wall), cpuMs: median(cpu), value };
}
function clock(fn: () => void): { ms: number; cpuMs: number } {
  const c0 = process.cpuUsage(), t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}
/** The relaxation's value with its deadline penalty (what every solver minimises). */
const total = (d: RltData, r: RltSolution) => r.objective + deadlinePenalty(d) * r.deadlineSlackS.reduce((a, b) => a + b, 0);

// BENCH_PA30=1: only `pa` at the paper's size, 5 seeds × 20 solves after warm-up (issue 11's < 20 ms).
if (process.env.BENCH_PA30 === '1') {
  const scen = [1, 2, 3, 4, 5].map((seed) => generateScenario({ seed, devices: 30, servers: 2 }));
  for (let w = 0; w < 5; w++) for (const s of scen) pa.solve(s);
  const wall: number[] = [], cpu: number[] = [];
  for (let k = 0; k < 20; k++) for (const s of scen) { const c = clock(() => pa.solve(s)); wall.push(c.ms); cpu.push(c.cpuMs); }
  printTable([{ size: 'M=30 N=2, pa', 'median ms': median(wall), 'p90 ms': wall.sort((a, b) => a - b)[Math.floor(0.9 * wall.length)], 'median cpu ms': median(cpu), load: load() }]);
  process.exit(0);
}
const rows: Record<string, string | number>[] = [];
for (const size of sizes) {
  const scenarios = Array.from({ length: size.seeds }, (_, i) => generateScenario({ seed: i + 1, ...size.o }));
  const data = scenarios.map((s) => { const pre = precompute(s); return rltData(s, pre, layerSearch(s, pre)); });
  const cone = data.map((d) => timed(() => solveHullCone(d), size.runs));
  const ms = median(cone.map((r) => r.ms)), cpuMs = median(cone.map((r) => r.cpuMs));
  const paRuns = scenarios.map((s) => timed(() => pa.solve(s), size.runs));
  const row: Record<string, string | number> = {
    size: `${size.label} (pairs ${data[0].pairs.length})`,
    'IPM ms (cpu)': `${ms.toFixed(ms < 100 ? 1 : 0)} (${cpuMs.toFixed(cpuMs < 100 ? 1 : 0)})`,
    iterations: median(cone.map((r) => r.value.ipm.iterations)),
    'certificate gap': Math.max(...cone.map((r) => (r.value.ipm.upper - r.value.ipm.lower) / r.value.ipm.upper)).toExponential(1),
    'pa ms (cpu)': `${median(paRuns.map((r) => r.ms)).toFixed(0)} (${median(paRuns.map((r) => r.cpuMs)).toFixed(0)})`,
  };
  if (size.highs) {
    const highs = data.map((d) => timed(() => solveHullData(d), size.runs));
    const hms = median(highs.map((r) => r.ms)), hcpu = median(highs.map((r) => r.cpuMs));
    const worst = Math.max(...highs.map((h, i) => Math.abs(total(data[i], cone[i].value) - total(data[i], h.value)) / total(data[i], h.value)));
    Object.assign(row, {
      'HiGHS ms (cpu)': `${hms.toFixed(0)} (${hcpu.toFixed(0)})`, 'HiGHS / IPM (cpu)': (hcpu / cpuMs).toFixed(1),
      'IPM vs HiGHS rel. diff (max)': worst.toExponential(1),
      'pa-highs ms': median(scenarios.map((s) => timed(() => paHighs.solve(s), size.runs).ms)).toFixed(0),
    });
  }
  row['load'] = load();
  rows.push(row);
  console.log(`${size.label} done (load ${load()})`);
}
printTable(rows);
console.log('(median over seeds of the median of repeated solves; IPM = conic interior-point method; pa = layer search + hull relaxation (IPM, HiGHS if uncertified and small) + rule (28) + allocation)');
