/**
 * cnn-coop: solve time and mean gap to the proved lower bound per algorithm, side by side, at the
 * paper's sizes (M = 30, N = 2 and M = 35, N = 8), and the gap to the proved optimum at M = 10.
 * Gap = (latency - bound) / latency over the seeds where the algorithm is feasible; time is the
 * median solve time and its ratio to PA's. `npm run bench -- cnn-coop-gaps`; SEEDS=n to change
 * the number of scenarios (default 5).
 */
import { printTable } from './timing.ts';
import { generateScenario } from '../src/cnn-coop/generate.ts';
import { precompute } from '../src/cnn-coop/physics.ts';
import { taskOptions } from '../src/cnn-coop/options.ts';
import { lowerBoundOf } from '../src/cnn-coop/bounds.ts';
import { capacityBound } from '../src/cnn-coop/capacity-bound.ts';
import { cnnCoop } from '../src/cnn-coop/system.ts';
import { runAlgorithm } from '../src/core/system.ts';
import { median, mean } from '../src/core/stats.ts';

const seeds = Array.from({ length: Number(process.env.SEEDS ?? 5) }, (_, i) => 1000 + i);

function table(M: number, N: number, reference: 'bound' | 'exact') {
  const rows = new Map<string, { ms: number[]; gaps: number[]; infeasible: number }>();
  const boundMs: number[] = [];
  for (const seed of seeds) {
    const s = generateScenario({ seed, devices: M, servers: N });
    let ref: number;
    if (reference === 'bound') {
      const t0 = performance.now();
      ref = lowerBoundOf(s);
      boundMs.push(performance.now() - t0);
    } else {
      const e = runAlgorithm(cnnCoop.algorithms.find((a) => a.name === 'exact')!, s);
      if (e.status !== 'optimal') continue;
      ref = e.totalLatencyS;
    }
    for (const a of cnnCoop.algorithms) {
      if (a.smallOnly && a.smallOnly.sizeOf(s) > a.smallOnly.maxSize) continue;
      const r = runAlgorithm(a, s);
      const row = rows.get(a.name) ?? { ms: [], gaps: [], infeasible: 0 };
      rows.set(a.name, row);
      row.ms.push(r.solveMs);
      if (r.status === 'infeasible') row.infeasible++;
      else row.gaps.push((r.totalLatencyS - ref) / r.totalLatencyS);
    }
  }
  const paMs = median(rows.get('pa')!.ms);
  console.log(`\nM = ${M}, N = ${N}, ${seeds.length} seeds; gap to the ${reference === 'bound' ? `lower bound (lowerBoundOf, median ${median(boundMs).toFixed(0)} ms)` : 'proved optimum (exact)'}`);
  printTable([...rows].map(([name, r]) => ({
    algorithm: name,
    'median ms': Number(median(r.ms).toFixed(1)),
    'x PA time': Number((median(r.ms) / paMs).toFixed(3)),
    [`mean gap % to ${reference}`]: r.gaps.length ? Number((100 * mean(r.gaps)).toFixed(3)) : 'n/a',
    [`max gap %`]: r.gaps.length ? Number((100 * Math.max(...r.gaps)).toFixed(3)) : 'n/a',
    infeasible: r.infeasible,
  })));
}

function relaxations(M: number, N: number) {
  const rows = seeds.slice(0, 3).map((seed) => {
    const s = generateScenario({ seed, devices: M, servers: N });
    const pre = precompute(s);
    let t0 = performance.now();
    const assignment = lowerBoundOf(s, pre);
    const assignmentMs = performance.now() - t0;
    t0 = performance.now();
    const capacity = capacityBound(taskOptions(s, pre), N).bound;
    const capacityMs = performance.now() - t0;
    return { seed, 'assignment bound': assignment, 'ms ': Number(assignmentMs.toFixed(0)), 'capacity Lagrangian': capacity, ms: Number(capacityMs.toFixed(0)) };
  });
  console.log(`\nrelaxations compared, M = ${M}, N = ${N} (both proved; larger is tighter)`);
  printTable(rows);
}

table(10, 2, 'exact');
table(30, 2, 'bound');
table(35, 8, 'bound');
relaxations(30, 2);
