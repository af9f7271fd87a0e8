/**
 * three-tier at scale: ADMM time and gap to the certified lower bound for 100, 10,000 and
 * 100,000 tasks (1, 100 and 1,000 SBSs; 1, 10 and 100 groups), with 1 worker (this thread, the
 * same numbers as the registered `admm`) and 2 piscina workers side by side: a warm pool kept
 * across calls, and a new pool per call (its time includes starting the workers, loading the
 * TypeScript through tsx and cold code); the CPU seconds of the 1-worker run show what the
 * machine's load hides.
 * Greedy for reference. THREE_TIER_MBS_CPU=shared runs the shared-MBS model.
 * `npm run bench -- three-tier`; THREE_TIER_MAX_TASKS=10000 skips the largest case.
 */
import { printTable } from './timing.ts';
import { generateScenario } from '../src/three-tier/generate.ts';
import { greedy } from '../src/three-tier/algorithms/greedy.ts';
import { lowerBound } from '../src/three-tier/algorithms/lower-bound.ts';
import { closeWarmPools, solveParallel } from '../src/three-tier/parallel/solve-parallel.ts';
import { verifyThreeTier } from '../src/verify/three-tier.ts';

const maxTasks = Number(process.env.THREE_TIER_MAX_TASKS ?? 100000);
const cases = [
  { tasks: 100, sbs: 5, groups: 1 },
  { tasks: 10000, sbs: 100, groups: 10 },
  { tasks: 100000, sbs: 1000, groups: 100 },
].filter((c) => c.tasks <= maxTasks);

// warm the JIT (this thread and a kept pool of 2 workers) so no timed case pays for compilation
const warmUp = generateScenario({ seed: 2, tasks: 4000, sbs: 40, groups: 4 });
await solveParallel(warmUp, { workers: 1 });
await solveParallel(warmUp, { workers: 2, keepPool: true });
const rows: Record<string, string | number>[] = [];
for (const c of cases) {
  const s = generateScenario({ seed: 1, ...c, mbsCpu: process.env.THREE_TIER_MBS_CPU === 'shared' ? 'shared' : 'dedicated' });
  const time = <T>(f: () => T): [T, number] => { const t0 = performance.now(); const r = f(); return [r, (performance.now() - t0) / 1000]; };
  const timeAsync = async <T>(f: () => Promise<T>): Promise<[T, number]> => { const t0 = performance.now(); const r = await f(); return [r, (performance.now() - t0) / 1000]; };
  const [lb, lbS] = time(() => lowerBound(s));
  const [g, gS] = time(() => greedy.solve(s));
  const cpu0 = process.cpuUsage();
  const [p1, p1S] = await timeAsync(() => solveParallel(s, { workers: 1 }));
  const cpu1 = process.cpuUsage(cpu0);
  const [p2, p2S] = await timeAsync(() => solveParallel(s, { workers: 2, keepPool: true }));
  const [, coldS] = await timeAsync(() => solveParallel(s, { workers: 2 }));
  const ok = verifyThreeTier(s, p2).ok && p1.utility === p2.utility;
  rows.push({
    tasks: c.tasks, sbs: c.sbs, groups: c.groups, mbs: s.mbsCpu,
    'bound s': lbS, 'greedy s': gS, 'greedy gap %': 100 * (g.utility / lb - 1),
    'admm 1 worker s': p1S, '1 worker cpu s': (cpu1.user + cpu1.system) / 1e6, 'admm 2 workers s': p2S, '2w/1w': p2S / p1S, '2 workers, new pool s': coldS,
    'admm gap %': 100 * (p1.utility / lb - 1), iterations: p1.iterations, 'verified, identical': ok ? 'yes' : 'NO',
  });
  console.error(`three-tier bench: ${c.tasks} tasks done`);
}
await closeWarmPools();
printTable(rows);
console.log(`load average while running: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).availableParallelism()} cores`);
