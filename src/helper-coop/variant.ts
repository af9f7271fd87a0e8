import type { Result, Scenario } from './model.ts';
import { toInstance } from './physics.ts';
import { type Allocation, type MarginalOptions, solveMarginal } from './marginal.ts';
import { maxDataBits } from './feasibility.ts';
import { evaluateDual } from './dual.ts';
import { infeasibleResult, planResult } from './result.ts';

/**
 * JTPRA (direct), FO and FF are the same convex problem with some variables fixed, solved by the
 * equal-marginal-cost method; this runs one of them and turns the outcome into a result.
 */
export function solveVariant(s: Scenario, algorithm: string, opts: MarginalOptions): Result {
  const inst = toInstance(s);
  const withLocal = opts.local !== 'none';
  const outcome = solveMarginal(inst, opts);
  if (!outcome.feasible) {
    const cap = maxDataBits(inst, withLocal);
    return infeasibleResult(algorithm, [outcome.cause, `the largest data size this system supports within ${inst.deadlineS} s is ${cap.maxDataBits.toFixed(0)} bits`], cap.maxDataBits);
  }
  const a = outcome.allocation;
  const exact = opts.local === 'optimal' && !opts.fixedMaxCpu;
  return planResult(s, algorithm, {
    status: 'optimal',
    // only the unrestricted problem has the dual function of eq. (28)
    lowerBound: exact ? evaluateDual(inst, dualVectorOf(a)).value : null,
    localBits: a.localBits,
    ...(opts.local === 'max' ? { localCpuHz: a.localCpuHz } : {}),
    helpers: a.helpers.map((h) => ({ ...h })),
    duals: {
      nuJPerBit: a.nu,
      omega: a.omega,
      lambdaJPerBit: a.helpers.map((h) => h.lambda),
      muJPerBit: a.helpers.map((h) => h.mu),
      theta: a.helpers.map((h) => h.theta),
      etaW: a.helpers.map((h) => h.eta),
    },
  });
}

export function dualVectorOf(a: Allocation) {
  return { lambda: a.helpers.map((h) => h.lambda), mu: a.helpers.map((h) => h.mu), omega: a.omega, nu: a.nu, theta: a.helpers.map((h) => h.theta) };
}

