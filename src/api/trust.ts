import type { ResultEnvelope, SystemDefinition, VerifyIssue } from '../core/system.ts';

/**
 * The independent checker tests a plan, not a proof: it cannot tell whether a plan is optimal or
 * whether a claimed lower bound holds. So a user algorithm's (untrusted) claims of that kind are
 * withdrawn here, each with a note; `--bound` then gives the toolkit's own proved bound.
 */
export function withdrawUnprovableClaims<R extends ResultEnvelope>(result: R, notes: string[]): R {
  if (result.lowerBound !== null) {
    notes.push(`withdrew the claimed lowerBound ${result.lowerBound}: a user algorithm's bound cannot be checked (--bound gives a proved one)`);
    result.lowerBound = null;
  }
  if (result.status === 'optimal') {
    notes.push('reported status "feasible" instead of the claimed "optimal": optimality cannot be checked');
    result.status = 'feasible';
  }
  return result;
}

/**
 * A user's result that reports no plan at all (objective null, e.g. helper-coop's infeasible
 * result) claims the instance has no feasible plan; the checker can only test its form. The
 * system's lower bound is finite exactly when a feasible plan exists (SystemDefinition.lowerBound),
 * so a finite bound refutes the claim.
 */
export function refuteFalseInfeasibility<S, R extends ResultEnvelope>(system: SystemDefinition<S, R>, scenario: S, result: R, bound: () => number | null): VerifyIssue | null {
  if (result.status !== 'infeasible' || !system.objective || system.objective.of(result) !== null || !system.lowerBound) return null;
  const lb = bound();
  if (lb === null) return null;
  return { constraint: 'infeasible', message: `claims the instance has no feasible plan, but it has one (the toolkit finds a plan with proved bound ${lb})` };
}
