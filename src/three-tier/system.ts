import { textTable } from '../core/table.ts';
import type { SystemDefinition } from '../core/system.ts';
import { type Result, type Scenario, parseResult, parseScenario } from './model.ts';
import { generate, generateOptions } from './generate.ts';
import { verifyThreeTier } from '../verify/three-tier.ts';
import { admm } from './algorithms/admm.ts';
import { allLocal } from './algorithms/all-local.ts';
import { allMbs } from './algorithms/all-mbs.ts';
import { nearestSbs } from './algorithms/nearest-sbs.ts';
import { greedy } from './algorithms/greedy.ts';
import { exact } from './algorithms/exact.ts';
import { figures } from './experiments.ts';
import { lowerBound } from './algorithms/lower-bound.ts';
import { solveParallel } from './parallel/solve-parallel.ts';

function formatResult(_s: Scenario, r: Result): string {
  const count = (f: (t: Result['tasks'][number]) => boolean) => r.tasks.filter(f).length;
  const lines = [
    `three-tier ${r.algorithm}: ${r.status}, utility ${r.utility.toPrecision(6)} (delay ${r.totalDelayS.toPrecision(5)} s, energy ${r.totalEnergyJ.toPrecision(5)} J), ${r.iterations} iterations, ${r.solveMs.toFixed(1)} ms`,
    `placement: ${count((t) => t.place === 'local')} local, ${count((t) => t.place === 'mbs')} MBS, ${count((t) => t.place !== 'local' && t.place !== 'mbs')} via an SBS (${count((t) => t.place !== 'local' && t.place !== 'mbs' && t.mbsBits > 0)} forwarding to the MBS), ${count((t) => !t.meetsDeadline)} missing deadlines`,
  ];
  if (r.lowerBound !== null) lines.push(`lower bound ${r.lowerBound.toPrecision(6)}`);
  const shown = r.tasks.slice(0, 20);
  lines.push(textTable(['task', 'place', 'localBits', 'sbsBits', 'mbsBits', 'share', 'delayS', 'energyJ', 'deadline'],
    shown.map((t) => [t.task, t.place, ...[t.localBits, t.sbsBits, t.mbsBits].map((b) => b.toFixed(0)),
      t.cpuShare.toFixed(4), t.delayS.toExponential(3), t.energyJ.toExponential(3), t.meetsDeadline ? 'ok' : 'MISSED'])));
  if (r.tasks.length > shown.length) lines.push(`... ${r.tasks.length - shown.length} more tasks (use --json for all)`);
  return lines.join('\n');
}

export const threeTier: SystemDefinition<Scenario, Result> = {
  name: 'three-tier',
  summary: 'large-scale three-tier allocation: device / SBS / MBS splits, parallel multi-block ADMM (Zhong et al.)',
  parseScenario,
  parseResult,
  generateOptions,
  generate,
  // admm also runs on a worker pool (`--workers`), with the identical result
  algorithms: [{ ...admm, supports: { ...admm.supports, workers: true }, solveParallel: (s, o) => solveParallel(s, { workers: o.workers }) }, allLocal, allMbs, nearestSbs, greedy, exact],
  defaultAlgorithm: 'admm',
  // small enough for `exact` (<= 7 tasks), so the conformance suite runs every algorithm
  testInstance: { tasks: 3, sbs: 2, groups: 1 },
  verify: verifyThreeTier,
  lowerBound: (s) => lowerBound(s),
  objective: { name: 'utility', of: (r) => r.utility },
  formatResult,
  figures,
};
