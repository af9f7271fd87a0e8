/**
 * PA's stage 2 (issue 11 item 4): the hull relaxation by the structured interior-point method
 * (rlt-ipm.ts, new) against the same relaxation by HiGHS cutting planes (rlt-hull.ts, the
 * reference) and the spec reading's relaxation by HiGHS cutting planes (rlt.ts, the old PA), side
 * by side in one run, with the ratios, the agreement of the two hull solvers and the machine load.
 * Sizes: the paper's M = 30, N = 2; M = 200, N = 8; and a fleet M = 1,000, N = 50 (the fleet
 * generator's capacities, 20 devices and the paper's load a server), where HiGHS is not run.
 */
import { loadavg } from 'node:os';
import { generateScenario, type CnnCoopOptions } from '../src/cnn-coop/generate.ts';
import { precompute } from '../src/cnn-coop/physics.ts';
import { layerSearch } from '../src/cnn-coop/layer-search.ts';
import { solveRlt } from '../src/cnn-coop/rlt.ts';
import { rltData } from '../src/cnn-coop/rlt-pairs.ts';
import { solveHullData } from '../src/cnn-coop/rlt-hull.ts';
import { solveHullIpm } from '../src/cnn-coop/rlt-ipm.ts';
import { pa, paSpec } from '../src/cnn-coop/algorithms/pa.ts';
import { median } from '../src/core/stats.ts';
import { printTable, timeMs } from './timing.ts';

const quick = process.env.BENCH_QUICK === '1';
const load = () => loadavg()[0].toFixed(1);
console.log(`load average at start: ${load()} (2 cores shared)`);
const sizes: Array<{ label: string; o: Omit<CnnCoopOptions, 'seed'>; seeds: number; runs: number; highs: boolean }> = [
  { label: 'M=30 N=2', o: { devices: 30, servers: 2 }, seeds: quick ? 2 : 5, runs: quick ? 3 : 7, highs: true },
  { label: 'M=200 N=8', o: { devices: 200, servers: 8 }, seeds: 1, runs: 1, highs: true },
  { label: 'M=1000 N=50 fleet', o: { devices: 1000, devicesPerServer: 20, loadPerServer: 15 }, seeds: 1, runs: 1, highs: false },
];
/** Median time of `fn` over `runs` calls (a warm-up call first when runs > 1), and its last value. */
function timed<T>(fn: () => T, runs: number): { ms: number; value: T } {
  let value!: T;
  const { medianMs } = timeMs(() => { value = fn(); }, runs, runs > 1 ? 1 : 0);
  return { ms: medianMs, value };
}
const rows: Record<string, string | number>[] = [];
for (const size of sizes) {
  const scenarios = Array.from({ length: size.seeds }, (_, i) => generateScenario({ seed: i + 1, ...size.o }));
  const data = scenarios.map((s) => { const pre = precompute(s); const splits = layerSearch(s, pre); return { s, pre, splits, d: rltData(s, pre, splits) }; });
  const ipm = data.map((x) => timed(() => solveHullIpm(x.d), size.runs));
  const paRuns = scenarios.map((s) => timed(() => pa.solve(s), size.runs));
  const ipmMs = median(ipm.map((r) => r.ms));
  const row: Record<string, string | number> = {
    size: `${size.label} (pairs ${data[0].d.pairs.length})`,
    'hull IPM ms': ipmMs,
    'IPM iterations': median(ipm.map((r) => r.value.ipm.iterations)),
    'IPM certificate gap': Math.max(...ipm.map((r) => (r.value.ipm.upper - r.value.ipm.lower) / r.value.ipm.upper)).toExponential(1),
    'pa ms': median(paRuns.map((r) => r.ms)),
  };
  if (size.highs) {
    const highs = data.map((x) => timed(() => solveHullData(x.d), size.runs));
    const spec = data.map((x) => timed(() => solveRlt(x.s, x.pre, x.splits), size.runs));
    const highsMs = median(highs.map((r) => r.ms)), specMs = median(spec.map((r) => r.ms));
    const worst = Math.max(...highs.map((h, i) => Math.abs(ipm[i].value.objective - h.value.objective) / h.value.objective));
    Object.assign(row, {
      'hull HiGHS ms': highsMs, 'HiGHS / IPM': highsMs / ipmMs,
      'spec HiGHS ms (old)': specMs, 'old / IPM': specMs / ipmMs,
      'IPM vs HiGHS rel. diff (max)': worst.toExponential(1),
      'pa-spec ms': median(scenarios.map((s) => timed(() => paSpec.solve(s), size.runs).ms)),
    });
  }
  row['load'] = load();
  rows.push(row);
  console.log(`${size.label} done`);
}
printTable(rows);
console.log('(median over seeds of the median of repeated solves; pa = layer search + hull relaxation (IPM, HiGHS if it fails) + rule (28) + allocation; pa-spec = the old PA)');
