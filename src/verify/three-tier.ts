import type { VerifyIssue, VerifyReport } from '../core/system.ts';
import type { Result, Scenario } from '../three-tier/model.ts';

/**
 * Independent checker for three-tier results: from the scenario and the result alone it
 * recomputes every uplink rate (SINR with the interference of the group's other SBS uploads),
 * every path load and delay (eqs. 1-4), each task's delay and energy (eqs. 5-12), the SBS CPU
 * share sums (13-3), the bit splits (13-6), one placement per task (13-4) and every deadline
 * (13-1). It imports nothing from the algorithms or from three-tier/physics.ts.
 */
const REL = 1e-6;
const close = (a: number, b: number) => Math.abs(a - b) <= REL * Math.max(1, Math.abs(a), Math.abs(b));

export function verifyThreeTier(s: Scenario, r: Result): VerifyReport {
  const issues: VerifyIssue[] = [];
  const fail = (constraint: string, message: string, task?: string) => issues.push({ task, constraint, message });
  const timing = s.timing ?? 'sequential';
  const hmin = s.minCpuShare ?? 1e-4;
  const mbsShared = s.mbsCpu === 'shared';
  if (r.system !== 'three-tier') fail('system', `result is for "${r.system}"`);
  if (r.tasks.length !== s.tasks.length) fail('tasks', `${r.tasks.length} task entries for ${s.tasks.length} tasks`);
  const byId = new Map(r.tasks.map((t) => [t.task, t]));
  const gainOf = (dx: number, dy: number) =>
    10 ** (-s.channel.referenceLossDb / 10) * Math.max(Math.hypot(dx, dy), s.channel.minDistanceM) ** -s.channel.pathLossExponent;
  const noise = (mhz: number) => 10 ** ((s.channel.noiseDbmPerHz - 30) / 10) * mhz * 1e6;
  let totalDelay = 0, totalEnergy = 0;

  for (const g of s.groups) {
    const tasks = s.tasks.filter((t) => t.group === g.id);
    const sbsById = new Map(g.sbs.map((b) => [b.id, b]));
    const rows = tasks.map((t) => ({ t, res: byId.get(t.id) }));
    // bits forwarded through each element, and uplink power received at each SBS
    const load = new Map<string, number>();
    const rxAll = new Map<string, number>(g.sbs.map((b) => [b.id, 0]));
    const rxOwn = new Map<string, number>(g.sbs.map((b) => [b.id, 0]));
    const shareSum = new Map<string, number>();
    let mbsShareSum = 0;
    for (const { t, res } of rows) {
      if (!res) { fail('tasks', 'missing from the result', t.id); continue; }
      const c = t.dataBits;
      if (res.place === 'local') {
        if (!close(res.localBits, c) || res.sbsBits !== 0 || res.mbsBits !== 0) fail('split', 'a local task keeps all its bits on the device', t.id);
      } else if (res.place === 'mbs') {
        if (!close(res.mbsBits, c) || res.sbsBits !== 0 || res.localBits !== 0) fail('split', 'an MBS task sends all its bits to the MBS', t.id);
      } else {
        const b = sbsById.get(res.place);
        if (!b) { fail('place', `"${res.place}" is not local, mbs or an SBS of group ${g.id}`, t.id); continue; }
        if (!close(res.localBits + res.sbsBits + res.mbsBits, c)) fail('split', `bits ${res.localBits} + ${res.sbsBits} + ${res.mbsBits} != ${c}`, t.id);
        if (res.mbsBits > 0) for (const e of b.path) load.set(e, (load.get(e) ?? 0) + res.mbsBits);
        if (c - res.localBits > 0) {
          for (const o of g.sbs) rxAll.set(o.id, rxAll.get(o.id)! + t.txPowerW * gainOf(t.x - o.x, t.y - o.y));
          rxOwn.set(b.id, rxOwn.get(b.id)! + t.txPowerW * gainOf(t.x - b.x, t.y - b.y));
        }
        shareSum.set(b.id, (shareSum.get(b.id) ?? 0) + res.cpuShare);
      }
      if (mbsShared && res.mbsBits > 0) {
        if (res.mbsCpuShare === undefined || res.mbsCpuShare < hmin * (1 - 1e-9)) fail('mbsCpuShare', `a task sending bits to a shared MBS needs a share >= ${hmin}`, t.id);
        else mbsShareSum += res.mbsCpuShare;
      } else if (res.mbsCpuShare !== undefined && !(mbsShared ? res.mbsCpuShare === 0 : res.mbsCpuShare === 1)) {
        fail('mbsCpuShare', mbsShared ? 'a task sending nothing to the MBS holds no MBS share' : 'the MBS CPU is dedicated (share 1)', t.id);
      }
      if (res.place === 'local' || res.place === 'mbs' || res.sbsBits === 0) {
        if (res.cpuShare !== 0) fail('cpuShare', 'a task computing nothing on an SBS holds no SBS CPU share', t.id);
      } else if (res.cpuShare < hmin * (1 - 1e-9)) fail('cpuShare', `share ${res.cpuShare} below the minimum ${hmin}`, t.id);
    }
    for (const [id, sum] of shareSum) if (sum > 1 + 1e-9) fail('cpuShare', `SBS ${id}: shares sum to ${sum} > 1`);
    if (mbsShareSum > 1 + 1e-9) fail('mbsCpuShare', `MBS of ${g.id}: shares sum to ${mbsShareSum} > 1`);
    const elemDelay = new Map<string, number>();
    for (const l of g.links) elemDelay.set(l.id, (load.get(l.id) ?? 0) / (l.capacityMbps * 1e6));
    for (const f of g.forwarders) { const L = load.get(f.id) ?? 0; elemDelay.set(f.id, (f.o1SPerBit2 * L + f.o2SPerBit) * L); }
    const fL2 = (t: (typeof tasks)[number]) => (t.localCpuGHz * 1e9) ** 2;

    for (const { t, res } of rows) {
      if (!res) continue;
      const c = t.dataBits, u = t.cyclesPerBit, fL = t.localCpuGHz * 1e9;
      const fM = g.mbs.cpuGHz * 1e9 * (mbsShared ? res.mbsCpuShare ?? 0 : 1);
      let delay: number, energy: number;
      if (res.place === 'local') {
        delay = (c * u) / fL;
        energy = c * u * s.energy.kappa * fL2(t);
      } else if (res.place === 'mbs') {
        const rate = g.mbs.bandwidthMHz * 1e6 * Math.log2(1 + (t.txPowerW * gainOf(t.x - g.mbs.x, t.y - g.mbs.y)) / noise(g.mbs.bandwidthMHz));
        delay = c / rate + (c * u) / fM;
        energy = t.txPowerW * (c / rate) + c * u * s.energy.mbsJPerCycle;
      } else {
        const b = sbsById.get(res.place);
        if (!b) continue;
        const interference = rxAll.get(b.id)! - rxOwn.get(b.id)!;
        const rate = b.bandwidthMHz * 1e6 * Math.log2(1 + (t.txPowerW * gainOf(t.x - b.x, t.y - b.y)) / (noise(b.bandwidthMHz) + Math.max(0, interference)));
        const up = c - res.localBits > 0 ? (c - res.localBits) / rate : 0;
        const pathS = b.path.reduce((a, e) => a + elemDelay.get(e)!, 0);
        const tLocal = (res.localBits * u) / fL;
        const tSbs = res.sbsBits > 0 ? (res.sbsBits * u) / (res.cpuShare * b.cpuGHz * 1e9) : 0;
        const tFwd = res.mbsBits > 0 ? pathS + (res.mbsBits * u) / fM : 0;
        delay = timing === 'parallel' ? Math.max(tLocal, up + Math.max(tSbs, tFwd)) : tLocal + up + tSbs + tFwd;
        energy = res.localBits * u * s.energy.kappa * fL2(t) + t.txPowerW * up + res.sbsBits * u * s.energy.sbsJPerCycle
          + (res.mbsBits > 0 ? b.forwardPowerW * pathS : 0) + res.mbsBits * u * s.energy.mbsJPerCycle;
      }
      totalDelay += delay;
      totalEnergy += energy;
      if (!close(res.delayS, delay)) fail('delay', `reported ${res.delayS} s, recomputed ${delay} s`, t.id);
      if (!close(res.energyJ, energy)) fail('energy', `reported ${res.energyJ} J, recomputed ${energy} J`, t.id);
      const meets = delay <= t.deadlineS * (1 + 1e-9);
      if (res.meetsDeadline !== meets) fail('meetsDeadline', `reported ${res.meetsDeadline}, recomputed ${meets} (${delay} s vs ${t.deadlineS} s)`, t.id);
      if (!meets && r.status !== 'infeasible') fail('deadline', `misses its deadline (${delay} s > ${t.deadlineS} s) in a result marked ${r.status}`, t.id);
    }
  }
  const utility = s.alpha * totalDelay + (1 - s.alpha) * totalEnergy;
  if (!close(r.totalDelayS, totalDelay)) fail('totalDelayS', `reported ${r.totalDelayS}, recomputed ${totalDelay}`);
  if (!close(r.totalEnergyJ, totalEnergy)) fail('totalEnergyJ', `reported ${r.totalEnergyJ}, recomputed ${totalEnergy}`);
  if (!close(r.utility, utility)) fail('utility', `reported ${r.utility}, recomputed ${utility}`);
  // checked for infeasible plans too (unlike cnn-coop's): three-tier's bound drops the deadlines
  // (algorithms/lower-bound.ts), so it bounds a plan that misses some as well
  if (r.lowerBound !== null && r.lowerBound > utility * (1 + 1e-6) + 1e-12) fail('lowerBound', `bound ${r.lowerBound} exceeds the utility ${utility}`);
  return { ok: issues.length === 0, issues, recomputed: { utility, totalDelayS: totalDelay, totalEnergyJ: totalEnergy } };
}
