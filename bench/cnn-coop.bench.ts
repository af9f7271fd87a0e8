/**
 * PA solve time by stage, M = 30, N = 2 and M = 200, N = 8 (issue 2), side by side with MDO (no
 * relaxation) as the baseline, so the ratio survives a noisy machine. Several seeds per size.
 */
import { generateScenario } from '../src/cnn-coop/generate.ts';
import { precompute } from '../src/cnn-coop/physics.ts';
import { layerSearch } from '../src/cnn-coop/layer-search.ts';
import { solveRlt } from '../src/cnn-coop/rlt.ts';
import { pa } from '../src/cnn-coop/algorithms/pa.ts';
import { mdo } from '../src/cnn-coop/algorithms/mdo.ts';
import { median } from '../src/core/stats.ts';
import { printTable, timeMs } from './timing.ts';

const quick = process.env.BENCH_QUICK === '1';
const rows: Record<string, string | number>[] = [];
for (const [M, N, runs] of [[30, 2, quick ? 3 : 15], [200, 8, quick ? 1 : 3]] as const) {
  const seeds = Array.from({ length: quick ? 2 : 5 }, (_, i) => i + 1);
  const scenarios = seeds.map((seed) => generateScenario({ seed, devices: M, servers: N }));
  const per = (fn: (i: number) => unknown) => median(scenarios.map((_, i) => timeMs(() => fn(i), runs).medianMs));
  const pres = scenarios.map(precompute);
  const splits = scenarios.map((s, i) => layerSearch(s, pres[i]));
  const rltInfo = scenarios.map((s, i) => solveRlt(s, pres[i], splits[i]));
  const paMs = per((i) => pa.solve(scenarios[i]));
  const mdoMs = per((i) => mdo.solve(scenarios[i]));
  rows.push({
    size: `M=${M} N=${N}`,
    'pa ms': paMs,
    'layer search ms': per((i) => layerSearch(scenarios[i], pres[i])),
    'RLT ms': per((i) => solveRlt(scenarios[i], pres[i], splits[i])),
    'cut rounds': median(rltInfo.map((r) => r.rounds)),
    'mdo ms (stage 1+3 only)': mdoMs,
    'pa / mdo': paMs / mdoMs,
  });
}
printTable(rows);
console.log('(median over seeds of the median of repeated solves; PA = layer search + RLT relaxation + allocation)');
