import type { VerifyIssue, VerifyReport } from '../core/system.ts';
import type { Result, Scenario } from '../helper-coop/model.ts';

/**
 * The independent checker of helper-coop results. From the scenario and the result alone it
 * recomputes every channel gain and rate, the time each phase needs for the bits it carries, the
 * per-helper block time, the CPU frequencies, both energy budgets, the partition of the L bits,
 * and the total energy. It deliberately re-derives the physics here instead of importing the
 * algorithms' closed forms, so a shared mistake cannot hide.
 */

/** Relative slack for floating point (and HiGHS's 1e-10 tolerances in jtpra-dual). */
const TOL = 1e-7;
/** JORCF's access point when the scenario names none (specs §9); duplicated on purpose. */
const DEFAULT_AP = { distanceM: 30, txPowerW: 0.2 };

const exceeds = (value: number, limit: number): boolean => value > limit * (1 + TOL) + 1e-15;

export function verifyHelperCoop(s: Scenario, r: Result): VerifyReport {
  const issues: VerifyIssue[] = [];
  const add = (constraint: string, message: string, task?: string) => issues.push({ ...(task ? { task } : {}), constraint, message });
  const recomputed: Record<string, number> = {};

  if (r.system !== 'helper-coop') add('system', `result is for "${r.system}"`);
  if (r.status === 'infeasible') {
    if (r.energyJ !== null) add('infeasible', 'an infeasible result must not report an energy');
    if (!r.causes || r.causes.length === 0) add('infeasible', 'an infeasible result must name its causes');
    if (r.maxDataBits !== undefined && !(r.maxDataBits < s.dataBits * (1 + 1e-9))) {
      add('infeasible', `claims a maximum of ${r.maxDataBits} bits, which is not below the task's ${s.dataBits}`);
    }
    return { ok: issues.length === 0, issues, recomputed };
  }
  if (r.energyJ === null) add('energy', 'a feasible result must report energyJ');

  const T = s.deadlineS;
  const B = s.bandwidthMHz * 1e6;
  const alpha = s.resultRatio;
  const userNoise = s.userNoiseW ?? s.noiseW;
  const gainAt = (d: number) => s.pathLoss.gainAt1m * d ** -s.pathLoss.exponent;

  // local computing
  const fu = r.localCpuGHz !== undefined ? r.localCpuGHz * 1e9 : (s.user.cyclesPerBit * r.localBits) / T;
  const localCycles = s.user.cyclesPerBit * r.localBits;
  const localTimeS = localCycles > 0 ? localCycles / fu : 0;
  if (exceeds(fu, s.user.maxCpuGHz * 1e9)) add('user cpu', `f_u = ${fu} Hz exceeds f_u^max = ${s.user.maxCpuGHz} GHz`);
  if (exceeds(localTimeS, T)) add('local deadline', `local computing needs ${localTimeS} s > T = ${T} s`);
  let energy = s.user.kappa * localCycles * fu * fu;
  recomputed.localEnergyJ = energy;
  recomputed.localTimeS = localTimeS;

  if (r.helpers.length !== s.helpers.length) add('helpers', `result has ${r.helpers.length} helper entries, scenario ${s.helpers.length}`);
  let bits = r.localBits;
  let userTx = 0;
  let longest = 0;
  r.helpers.forEach((h, k) => {
    const spec = s.helpers[k];
    if (!spec) return;
    if (h.helper !== spec.id) add('helpers', `entry ${k} is "${h.helper}", expected "${spec.id}"`, h.helper);
    const up = spec.channelGain ?? gainAt(spec.distanceM!);
    const down = spec.downlinkGain ?? up;
    const rate = B * Math.log2(1 + (h.txPowerW * up) / s.noiseW);
    const dlRate = B * Math.log2(1 + (h.helperTxPowerW * down) / userNoise);
    const fk = h.cpuGHz * 1e9;
    bits += h.offloadBits;
    if (h.offloadBits > 0) {
      const needOffload = h.offloadBits / rate;
      const needCompute = (spec.cyclesPerBit * h.offloadBits) / fk;
      const needDownload = alpha > 0 ? (alpha * h.offloadBits) / dlRate : 0;
      if (exceeds(needOffload, h.offloadTimeS)) add('offloading (16a)', `${h.offloadBits} bits at ${rate} bit/s need ${needOffload} s > ${h.offloadTimeS} s`, spec.id);
      if (exceeds(needCompute, h.computeTimeS)) add('execution (11)', `${h.offloadBits} bits at ${fk} Hz need ${needCompute} s > ${h.computeTimeS} s`, spec.id);
      if (exceeds(needDownload, h.downloadTimeS)) add('downloading (16b)', `${alpha * h.offloadBits} result bits at ${dlRate} bit/s need ${needDownload} s > ${h.downloadTimeS} s`, spec.id);
      if (exceeds(fk, spec.maxCpuGHz * 1e9)) add('helper cpu', `f = ${fk} Hz exceeds f^max = ${spec.maxCpuGHz} GHz`, spec.id);
    }
    const block = h.offloadTimeS + h.computeTimeS + h.downloadTimeS;
    longest = Math.max(longest, block);
    if (exceeds(block, T)) add('time (6)', `phases take ${block} s > T = ${T} s`, spec.id);
    const dlEnergy = h.helperTxPowerW * h.downloadTimeS;
    if (exceeds(dlEnergy, spec.txEnergyBudgetJ)) add('helper budget (16d)', `download energy ${dlEnergy} J > ${spec.txEnergyBudgetJ} J`, spec.id);
    userTx += h.txPowerW * h.offloadTimeS;
    energy += h.txPowerW * h.offloadTimeS + spec.kappa * spec.cyclesPerBit * h.offloadBits * fk * fk + dlEnergy;
  });
  if (exceeds(userTx, s.user.txEnergyBudgetJ)) add('user budget (16c)', `offloading energy ${userTx} J > ${s.user.txEnergyBudgetJ} J`);

  if (r.apOffload) {
    const ap = s.accessPoint ?? DEFAULT_AP;
    const rate = (s.accessPoint?.bandwidthMHz ?? s.bandwidthMHz) * 1e6 * Math.log2(1 + (r.apOffload.txPowerW * gainAt(ap.distanceM)) / s.noiseW);
    if (exceeds(r.apOffload.txPowerW, ap.txPowerW)) add('access point', `transmit power ${r.apOffload.txPowerW} W > the fixed ${ap.txPowerW} W`);
    if (r.apOffload.bits > 0 && exceeds(r.apOffload.bits / rate, r.apOffload.timeS)) add('access point', `${r.apOffload.bits} bits need ${r.apOffload.bits / rate} s > ${r.apOffload.timeS} s`);
    if (exceeds(r.apOffload.timeS, T)) add('access point', `offloading takes ${r.apOffload.timeS} s > T = ${T} s`);
    bits += r.apOffload.bits;
    energy += r.apOffload.txPowerW * r.apOffload.timeS;
  }

  if (Math.abs(bits - s.dataBits) > 1e-9 * s.dataBits) add('partition (1)', `bits placed sum to ${bits}, the task has ${s.dataBits}`);
  recomputed.energyJ = energy;
  recomputed.userTxEnergyJ = userTx;
  recomputed.longestHelperBlockS = longest;
  if (r.energyJ !== null && Math.abs(r.energyJ - energy) > 1e-9 * Math.max(energy, 1e-300)) {
    add('energy', `reported ${r.energyJ} J, recomputed ${energy} J`);
  }
  if (r.lowerBound !== null && exceeds(r.lowerBound, energy)) add('lower bound', `lower bound ${r.lowerBound} J exceeds the energy ${energy} J`);
  if (r.status === 'optimal' && r.lowerBound !== null && energy - r.lowerBound > 1e-6 * energy) {
    add('optimality', `status optimal but the proved gap is ${(energy - r.lowerBound) / energy} relative`);
  }
  return { ok: issues.length === 0, issues, recomputed };
}
