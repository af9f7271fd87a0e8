import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario, TraceEntry } from '../model.ts';
import { compile, paramsOf, repairGroup, utilityOf, type CompiledGroup, type GroupEval, type Params } from '../physics.ts';
import { buildResult } from '../result.ts';
import { type AdmmOptions, type GroupAdmmOutput, countSplits, defaultAdmmOptions, solveGroupAdmm } from '../admm/group.ts';
import { polishGroup } from '../admm/polish.ts';
import { improveGroup } from '../admm/improve.ts';

/**
 * The paper's parallel multi-block ADMM (admm/group.ts), groups one after another in this
 * thread; `solveParallel` (parallel/solve-parallel.ts) runs the same per-group function on a
 * worker pool and gives the identical result. Rounding: each task's largest global value, then
 * the shared deadline repair, then (option `polish`, default on) single-task moves kept only if
 * they improve the evaluated utility, then (option `improve`, default on) moves priced by their
 * exact effect on the whole group (admm/improve.ts); the trace sums utility and residuals over
 * the groups, `info` reports the split counts and what the improvement did.
 */
export function admmGroups(groups: CompiledGroup[], P: Params, options: AdmmOptions): GroupAdmmOutput[] {
  return groups.map((g) => solveAndRoundGroup(g, P, options));
}

const groupUtility = (P: Params, ev: GroupEval) => utilityOf(P, ev.delayS.reduce((a, b) => a + b, 0), ev.energyJ.reduce((a, b) => a + b, 0));

/**
 * One group: the ADMM, its rounding, the deadline repair, the single-move polish and the
 * improvement. The entry point per group (parallel/worker.ts and the distributed queue call it):
 * a pure function of the compiled group, the parameters and the options.
 */
export function solveAndRoundGroup(g: CompiledGroup, P: Params, options: AdmmOptions): GroupAdmmOutput {
  const out = solveGroupAdmm(g, P, options);
  let plan = out.plan, ev = repairGroup(g, P, out.plan);
  if (options.polish) ({ plan, ev } = polishGroup(g, P, plan, ev));
  let improve: GroupAdmmOutput['improve'];
  if (options.improve) {
    const before = groupUtility(P, ev);
    const r = improveGroup(g, P, plan, ev);
    ({ plan, ev } = r);
    improve = { ...r.stats, utilityBefore: before, utilityAfter: groupUtility(P, ev) };
  }
  return { ...out, plan, splits: { ...out.splits, final: countSplits(g, plan) }, ...(improve ? { improve } : {}) };
}

export function assembleAdmm(scenario: Scenario, groups: CompiledGroup[], P: Params, outputs: GroupAdmmOutput[], options: AdmmOptions, name = 'admm'): Result {
  const evals = groups.map((g, gi) => repairGroup(g, P, outputs[gi].plan));
  const iterations = Math.max(0, ...outputs.map((o) => o.iterations));
  const trace: TraceEntry[] = [];
  const total = Math.max(1, scenario.tasks.length);
  for (let it = 0; it < iterations; it++) {
    let utility = 0, rounded = 0, primal = 0, dual = 0;
    for (const o of outputs) {
      const k = Math.min(it, o.trace.utility.length - 1);
      if (k < 0) continue;
      utility += o.trace.utility[k];
      rounded += o.trace.rounded[Math.min(k, o.trace.rounded.length - 1)] ?? 0;
      // a group that has stopped contributes its final (converged) state
      primal += o.trace.primalSq[k];
      dual += it < o.trace.dualSq.length ? o.trace.dualSq[k] : 0;
    }
    trace.push({ iteration: it + 1, utility, ...(options.traceRounded ? { roundedUtility: rounded } : {}), primalResidual: Math.sqrt(primal / total), dualResidual: Math.sqrt(dual / total) });
  }
  const sum = (f: (o: GroupAdmmOutput) => number) => outputs.reduce((a, o) => a + f(o), 0);
  const info: Record<string, unknown> = {
    splits: { relaxed: sum((o) => o.splits.relaxed), fractional: sum((o) => o.splits.fractional), rounded: sum((o) => o.splits.rounded), final: sum((o) => o.splits.final) },
  };
  if (outputs.some((o) => o.improve)) {
    info.improve = {
      moves: sum((o) => o.improve?.moves ?? 0), exactChecks: sum((o) => o.improve?.exactChecks ?? 0), rejected: sum((o) => o.improve?.rejected ?? 0),
      passes: Math.max(0, ...outputs.map((o) => o.improve?.passes ?? 0)),
      utilityBefore: sum((o) => o.improve?.utilityBefore ?? 0), utilityAfter: sum((o) => o.improve?.utilityAfter ?? 0),
    };
  }
  return buildResult(scenario, groups, P, outputs.map((o) => o.plan), evals, name, { iterations, trace, info });
}

export function solveAdmm(scenario: Scenario, options: Partial<AdmmOptions> = {}): Result {
  const groups = compile(scenario);
  const P = paramsOf(scenario);
  const opt = { ...defaultAdmmOptions, ...options };
  return assembleAdmm(scenario, groups, P, admmGroups(groups, P, opt), opt);
}

export const admm: Algorithm<Scenario, Result> = {
  name: 'admm',
  description: "the paper's parallel multi-block ADMM (CBGP local blocks, smoothed Newton-CG global update), in this thread",
  solve: (scenario) => solveAdmm(scenario),
};
