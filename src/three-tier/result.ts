import type { Result, Scenario, TaskResult, TraceEntry } from './model.ts';
import { type CompiledGroup, type GroupEval, type GroupPlan, type Params, LOCAL, MBS, utilityOf } from './physics.ts';

/** Turns per-group plans and their evaluations into the public result document (formats.md). */
export function buildResult(
  scenario: Scenario, groups: CompiledGroup[], P: Params, plans: GroupPlan[], evals: GroupEval[],
  algorithm: string, extra: { iterations?: number; lowerBound?: number | null; trace?: TraceEntry[]; proved?: boolean; info?: Record<string, unknown> } = {},
): Result {
  const tasks: TaskResult[] = new Array(scenario.tasks.length);
  let totalDelayS = 0, totalEnergyJ = 0;
  const causes: string[] = [];
  groups.forEach((g, gi) => {
    const plan = plans[gi], ev = evals[gi];
    causes.push(...ev.causes);
    for (let j = 0; j < g.n; j++) {
      const k = g.tasks[j], c = g.bits[j], i = plan.place[j];
      const atSbs = i >= 0;
      const c0 = atSbs ? plan.c0[j] : i === LOCAL ? c : 0;
      const c1 = atSbs ? plan.c1[j] : i === MBS ? c : 0;
      const ci = atSbs ? Math.max(0, c - plan.c0[j] - plan.c1[j]) : 0;
      totalDelayS += ev.delayS[j];
      totalEnergyJ += ev.energyJ[j];
      tasks[k] = {
        task: scenario.tasks[k].id,
        place: i === LOCAL ? 'local' : i === MBS ? 'mbs' : g.sbsIds[i],
        localBits: c0, sbsBits: ci, mbsBits: c1,
        cpuShare: ev.share[j],
        ...(P.mbsShared && c1 > 0 ? { mbsCpuShare: ev.mbsShare[j] } : {}),
        delayS: ev.delayS[j], energyJ: ev.energyJ[j], meetsDeadline: ev.meets[j] === 1,
      };
      if (!ev.meets[j]) causes.push(`task ${scenario.tasks[k].id} misses its deadline (${ev.delayS[j].toPrecision(4)} s > ${g.deadlineS[j]} s)`);
    }
  });
  const feasible = tasks.every((t) => t.meetsDeadline) && causes.length === 0;
  return {
    system: 'three-tier',
    algorithm,
    status: !feasible ? 'infeasible' : extra.proved ? 'optimal' : 'feasible',
    solveMs: 0,
    lowerBound: extra.lowerBound ?? null,
    utility: utilityOf(P, totalDelayS, totalEnergyJ),
    totalDelayS,
    totalEnergyJ,
    iterations: extra.iterations ?? 0,
    tasks,
    ...(extra.trace ? { trace: extra.trace } : {}),
    ...(feasible ? {} : { causes: causes.slice(0, 50) }),
    ...(extra.info ? { info: extra.info } : {}),
  };
}
