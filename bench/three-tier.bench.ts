/**
 * three-tier at scale, both MBS readings (dedicated, shared): gap to the certified lower bound of
 * greedy, the old ADMM (rounding + repair + polish, `improve: false`) and the ADMM with the
 * improvement (admm/improve.ts, the default), for 100, 10,000 and 100,000 tasks (1, 100 and 1,000
 * SBSs; 1, 10 and 100 groups); how many tasks the ADMM splits (relaxed iterate, rounded plan,
 * final plan); the share of the plan's utility that is interference (the bound drops it, so that
 * part of the gap is the bound's); times, with the new ADMM also on 2 piscina workers (a warm pool:
 * identical numbers, checked). Every plan goes through the independent checker.
 * `npm run bench -- three-tier`; THREE_TIER_MAX_TASKS=10000 skips the largest case,
 * THREE_TIER_MBS_CPU=shared (or dedicated) runs one reading only.
 */
import { loadavg, availableParallelism } from 'node:os';
import { printTable } from './timing.ts';
import { generateScenario } from '../src/three-tier/generate.ts';
import type { Result, Scenario } from '../src/three-tier/model.ts';
import { LOCAL, MBS, compile, emptyPlan, paramsOf } from '../src/three-tier/physics.ts';
import { greedy } from '../src/three-tier/algorithms/greedy.ts';
import { solveAdmm } from '../src/three-tier/algorithms/admm.ts';
import { lowerBound } from '../src/three-tier/algorithms/lower-bound.ts';
import { interferenceCost } from '../src/three-tier/admm/move-model.ts';
import { closeWarmPools, solveParallel } from '../src/three-tier/parallel/solve-parallel.ts';
import { verifyThreeTier } from '../src/verify/three-tier.ts';

const maxTasks = Number(process.env.THREE_TIER_MAX_TASKS ?? 100000);
const readings = (process.env.THREE_TIER_MBS_CPU ? [process.env.THREE_TIER_MBS_CPU] : ['dedicated', 'shared']) as ('dedicated' | 'shared')[];
const cases = [
  { tasks: 100, sbs: 5, groups: 1 },
  { tasks: 10000, sbs: 100, groups: 10 },
  { tasks: 100000, sbs: 1000, groups: 100 },
].filter((c) => c.tasks <= maxTasks);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`load average before: ${load()} on ${availableParallelism()} cores`);

/** Interference cost of a result's plan (rebuilt from its task entries). */
function interferenceOf(s: Scenario, r: Result): number {
  const P = paramsOf(s);
  const byId = new Map(r.tasks.map((t) => [t.task, t]));
  return compile(s).reduce((sum, g) => {
    const plan = emptyPlan(g.n, LOCAL);
    for (let j = 0; j < g.n; j++) {
      const t = byId.get(s.tasks[g.tasks[j]].id)!;
      plan.place[j] = t.place === 'local' ? LOCAL : t.place === 'mbs' ? MBS : g.sbsIds.indexOf(t.place);
      if (plan.place[j] >= 0) { plan.c0[j] = t.localBits; plan.c1[j] = t.mbsBits; }
    }
    return sum + interferenceCost(g, P, plan);
  }, 0);
}

// warm the JIT (this thread and a kept pool of 2 workers) so no timed case pays for compilation
const warmUp = generateScenario({ seed: 2, tasks: 4000, sbs: 40, groups: 4, mbsCpu: 'shared' });
solveAdmm(warmUp, { improve: false });
await solveParallel(warmUp, { workers: 2, keepPool: true });
const quality: Record<string, string | number>[] = [];
const times: Record<string, string | number>[] = [];
const time = <T>(f: () => T): [T, number] => { const t0 = performance.now(); const r = f(); return [r, (performance.now() - t0) / 1000]; };
for (const c of cases) {
  for (const mbsCpu of readings) {
    const s = generateScenario({ seed: 1, ...c, mbsCpu });
    const [lb, lbS] = time(() => lowerBound(s));
    const [g, gS] = time(() => greedy.solve(s));
    const [old, oldS] = time(() => solveAdmm(s, { improve: false }));
    const cpu0 = process.cpuUsage();
    const [r, newS] = time(() => solveAdmm(s));
    const cpu1 = process.cpuUsage(cpu0);
    const t0 = performance.now();
    const p2 = await solveParallel(s, { workers: 2, keepPool: true });
    const p2S = (performance.now() - t0) / 1000;
    const checked = [g, old, r, p2].every((x) => verifyThreeTier(s, x).ok) && p2.utility === r.utility;
    const splits = r.info!.splits as Record<string, number>;
    const gap = (u: number) => 100 * (u / lb - 1);
    quality.push({
      tasks: c.tasks, groups: c.groups, mbs: mbsCpu, 'greedy gap %': gap(g.utility), 'old admm gap %': gap(old.utility), 'admm gap %': gap(r.utility),
      'admm/old': r.utility / old.utility, 'of which interference %': (100 * interferenceOf(s, r)) / lb,
      'fractional v': splits.fractional, 'split relaxed': splits.relaxed, 'split rounded': splits.rounded, 'split old final': (old.info!.splits as Record<string, number>).final, 'split final': splits.final,
      'checker, 2w identical': checked ? 'yes' : 'NO',
    });
    times.push({
      tasks: c.tasks, mbs: mbsCpu, 'bound s': lbS, 'greedy s': gS, 'old admm s': oldS, 'admm s': newS, 'new/old': newS / oldS,
      'admm cpu s': (cpu1.user + cpu1.system) / 1e6, 'admm 2 workers s': p2S, '2w/1w': p2S / newS, iterations: r.iterations,
      'improve moves': (r.info!.improve as Record<string, number>).moves,
    });
    console.error(`three-tier bench: ${c.tasks} tasks, ${mbsCpu} MBS done (load ${load()})`);
  }
}
await closeWarmPools();
printTable(quality);
printTable(times);
console.log(`gap % = utility / lower bound - 1; "of which interference %" = the improved plan's interference cost / bound (the bound has none)`);
console.log(`load average after: ${load()} on ${availableParallelism()} cores`);
