import type { Scenario, Result } from '../model.ts';
import { compile, emptyPlan, evaluateGroup, paramsOf, repairGroup, type CompiledGroup, type GroupEval, type GroupPlan, type Params } from '../physics.ts';
import { buildResult } from '../result.ts';

/** Runs a per-group planner, evaluates (optionally repairing deadlines) and builds the result. */
export function solveByGroup(scenario: Scenario, name: string, plan: (g: CompiledGroup, P: Params) => GroupPlan, repair: boolean): Result {
  const groups = compile(scenario);
  const P = paramsOf(scenario);
  const plans: GroupPlan[] = [];
  const evals: GroupEval[] = [];
  for (const g of groups) {
    const p = plan(g, P);
    evals.push(repair ? repairGroup(g, P, p) : evaluateGroup(g, P, p));
    plans.push(p);
  }
  return buildResult(scenario, groups, P, plans, evals, name);
}

export { emptyPlan };
