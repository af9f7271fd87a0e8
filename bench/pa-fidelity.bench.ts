/**
 * The numbers of docs/pa-fidelity.md: the two readings of PA's stage 2 (hull = `pa`, spec =
 * `pa-spec`) on the paper's default scenario, as ratios to the proved lower bound of `best`:
 * the relaxation's value, PA's plan, and IHRA / EEJS for reference. Means over seeds.
 */
import { generateScenario } from '../src/cnn-coop/generate.ts';
import { precompute } from '../src/cnn-coop/physics.ts';
import { layerSearch } from '../src/cnn-coop/layer-search.ts';
import { solveRlt } from '../src/cnn-coop/rlt.ts';
import { solveHull } from '../src/cnn-coop/rlt-hull-solve.ts';
import { pa, paSpec } from '../src/cnn-coop/algorithms/pa.ts';
import { best } from '../src/cnn-coop/algorithms/best.ts';
import { ihra } from '../src/cnn-coop/algorithms/ihra.ts';
import { eejs } from '../src/cnn-coop/algorithms/eejs.ts';
import { printTable } from './timing.ts';

const seeds = process.env.BENCH_QUICK === '1' ? 2 : 6;
const rows: Record<string, string | number>[] = [];
for (const [M, N] of [[30, 2], [30, 4], [30, 6], [30, 8]]) {
  const acc: Record<string, number> = {};
  for (let seed = 1; seed <= seeds; seed++) {
    const s = generateScenario({ seed, devices: M, servers: N });
    const pre = precompute(s);
    const splits = layerSearch(s, pre);
    const b = best.solve(s);
    const lb = b.lowerBound!;
    const ratios: Record<string, number> = {
      'relaxation spec / lb': solveRlt(s, pre, splits).objective / lb,
      'relaxation hull / lb': solveHull(s, pre, splits).objective / lb,
      'pa-spec / lb': paSpec.solve(s).totalLatencyS / lb,
      'pa / lb': pa.solve(s).totalLatencyS / lb,
      'ihra / lb': ihra.solve(s).totalLatencyS / lb,
      'eejs / lb': eejs.solve(s).totalLatencyS / lb,
      'best / lb': b.totalLatencyS / lb,
    };
    for (const [k, v] of Object.entries(ratios)) acc[k] = (acc[k] ?? 0) + v / seeds;
  }
  rows.push({ size: `M=${M} N=${N}`, ...Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, Number(v.toFixed(3))])) });
}
printTable(rows);
console.log(`(means over seeds 1..${seeds} of the default scenario; lb = best's proved lower bound)`);
