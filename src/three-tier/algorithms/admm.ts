import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario, TraceEntry } from '../model.ts';
import { compile, paramsOf, repairGroup, type CompiledGroup, type Params } from '../physics.ts';
import { buildResult } from '../result.ts';
import { type AdmmOptions, type GroupAdmmOutput, defaultAdmmOptions, solveGroupAdmm } from '../admm/group.ts';
import { polishGroup } from '../admm/polish.ts';

/**
 * The paper's parallel multi-block ADMM (admm/group.ts), groups one after another in this
 * thread; `solveParallel` (parallel/solve-parallel.ts) runs the same per-group function on a
 * worker pool and gives the identical result. Rounding: each task's largest global value, then
 * the shared deadline repair, then (option `polish`, default on) single-task moves kept only if
 * they improve the evaluated utility; the trace sums utility and residuals over the groups.
 */
export function admmGroups(groups: CompiledGroup[], P: Params, options: AdmmOptions): GroupAdmmOutput[] {
  return groups.map((g) => solveAndRoundGroup(g, P, options));
}

/** One group: the ADMM, its rounding, the deadline repair and the single-move polish. */
export function solveAndRoundGroup(g: CompiledGroup, P: Params, options: AdmmOptions): GroupAdmmOutput {
  const out = solveGroupAdmm(g, P, options);
  const repaired = repairGroup(g, P, out.plan);
  return { ...out, plan: options.polish ? polishGroup(g, P, out.plan, repaired).plan : out.plan };
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
  return buildResult(scenario, groups, P, outputs.map((o) => o.plan), evals, name, { iterations, trace });
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
