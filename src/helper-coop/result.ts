import type { Duals, Result, Scenario } from './model.ts';

/** One helper's operation in SI units, as the algorithms produce it. */
export interface HelperPlan {
  bits: number;
  offloadTimeS: number;
  computeTimeS: number;
  downloadTimeS: number;
  txPowerW: number;
  helperTxPowerW: number;
  cpuHz: number;
}

export interface Plan {
  status: 'optimal' | 'feasible';
  lowerBound: number | null;
  localBits: number;
  /** Set when the user runs at a fixed frequency (LCFF, FF); otherwise c_u·ℓ_u/T. */
  localCpuHz?: number;
  helpers: HelperPlan[];
  apOffload?: { bits: number; timeS: number; txPowerW: number };
  duals?: Duals;
  iterations?: number;
}

/** Energy of a plan: local + Σ (offload + execution + download) + access-point offload. */
export function planEnergyJ(s: Scenario, plan: Plan): number {
  const fu = plan.localCpuHz ?? (s.user.cyclesPerBit * plan.localBits) / s.deadlineS;
  let e = s.user.kappa * s.user.cyclesPerBit * plan.localBits * fu * fu;
  plan.helpers.forEach((h, k) => {
    const spec = s.helpers[k];
    e += h.txPowerW * h.offloadTimeS + spec.kappa * spec.cyclesPerBit * h.bits * h.cpuHz ** 2 + h.helperTxPowerW * h.downloadTimeS;
  });
  if (plan.apOffload) e += plan.apOffload.txPowerW * plan.apOffload.timeS;
  return e;
}

export function planResult(s: Scenario, algorithm: string, plan: Plan): Result {
  return {
    system: 'helper-coop',
    algorithm,
    status: plan.status,
    solveMs: 0,
    lowerBound: plan.lowerBound,
    energyJ: planEnergyJ(s, plan),
    localBits: plan.localBits,
    ...(plan.localCpuHz !== undefined ? { localCpuGHz: plan.localCpuHz / 1e9 } : {}),
    helpers: plan.helpers.map((h, k) => ({
      helper: s.helpers[k].id,
      offloadBits: h.bits,
      offloadTimeS: h.offloadTimeS,
      computeTimeS: h.computeTimeS,
      downloadTimeS: h.downloadTimeS,
      txPowerW: h.txPowerW,
      helperTxPowerW: h.helperTxPowerW,
      cpuGHz: h.cpuHz / 1e9,
    })),
    ...(plan.apOffload ? { apOffload: plan.apOffload } : {}),
    ...(plan.duals ? { duals: plan.duals } : {}),
    ...(plan.iterations !== undefined ? { iterations: plan.iterations } : {}),
  };
}

export function infeasibleResult(algorithm: string, causes: string[], maxDataBits?: number): Result {
  return {
    system: 'helper-coop',
    algorithm,
    status: 'infeasible',
    solveMs: 0,
    lowerBound: null,
    energyJ: null,
    localBits: 0,
    helpers: [],
    causes,
    ...(maxDataBits !== undefined ? { maxDataBits } : {}),
  };
}
