import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { toInstance, localCapBits, localEnergyJ } from '../physics.ts';
import { infeasibleResult, planResult } from '../result.ts';

function localOnly(s: Scenario, algorithm: string, atMax: boolean): Result {
  const inst = toInstance(s);
  const cap = localCapBits(inst);
  if (inst.dataBits > cap) {
    return infeasibleResult(algorithm, [`the user alone computes at most ${cap.toFixed(0)} bits within ${inst.deadlineS} s (c_u·L > f_u^max·T)`], cap);
  }
  return planResult(s, algorithm, {
    // a closed form of a one-variable problem: the energy is the optimum, so it is its own bound
    status: 'optimal',
    lowerBound: atMax ? null : localEnergyJ(inst, inst.dataBits),
    localBits: inst.dataBits,
    ...(atMax ? { localCpuHz: inst.user.fmaxHz } : {}),
    helpers: s.helpers.map(() => ({ bits: 0, offloadTimeS: 0, computeTimeS: 0, downloadTimeS: 0, txPowerW: 0, helperTxPowerW: 0, cpuHz: 0 })),
  });
}

/** LCOF: everything local at the optimal frequency c_u·L/T. */
export const lcof: Algorithm<Scenario, Result> = {
  name: 'lcof',
  description: 'benchmark LCOF: all bits computed locally at the optimal (lowest sufficient) frequency',
  solve: (s) => localOnly(s, 'lcof', false),
};

/** LCFF: everything local at f_u^max (finishes early). */
export const lcff: Algorithm<Scenario, Result> = {
  name: 'lcff',
  description: 'benchmark LCFF: all bits computed locally at the maximum frequency',
  solve: (s) => localOnly(s, 'lcff', true),
};
