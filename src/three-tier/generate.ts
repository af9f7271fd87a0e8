import { createRng } from '../core/rng.ts';
import { InputError } from '../core/errors.ts';
import type { GenerateOption } from '../core/system.ts';
import type { Group, Scenario, Task } from './model.ts';

/**
 * The paper's random setting (Table 1, Section V): per group a 200 m x 200 m cell with the MBS in
 * the centre and the SBSs and devices uniform in it; tasks of 5-10 kbit, 18,000 cycles/bit,
 * deadlines 15-30 s, device 0.1 W and 5 GHz, SBS 20 GHz, MBS 100 GHz, 20 MHz, -172 dBm/Hz,
 * path-loss exponent 4, kappa 1e-26, alpha 0.5. Groups are laid side by side 1 km apart
 * (they share nothing). Tasks are spread over groups as evenly as possible, SBSs likewise.
 *
 * Not in the paper, chosen here (each a scenario field): loss at 1 m 38 dB; each SBS reaches the
 * MBS over its own 100 Mbit/s link and forwarding unit (o1 = 1e-13 s/bit², o2 = 1e-9 s/bit) and
 * then the group's shared 1 Gbit/s trunk; forwarding power 1 W; server energy 1e-12 J/cycle (SBS)
 * and 1e-11 J/cycle (MBS), small enough that delay dominates the utility as Fig. 2 implies.
 */
export interface GenerateParams {
  seed: number;
  tasks: number;
  sbs: number;
  groups: number;
  alpha?: number;
  dataKbitMin?: number;
  dataKbitMax?: number;
  deadlineMinS?: number;
  deadlineMaxS?: number;
  sbsCpuGHz?: number;
  mbsCpuGHz?: number;
  localCpuGHz?: number;
  timing?: 'sequential' | 'parallel';
  mbsCpu?: 'dedicated' | 'shared';
}

export const generateOptions: GenerateOption[] = [
  { flag: 'tasks', description: 'number of tasks (spread over the groups)', default: 100, type: 'int' },
  { flag: 'sbs', description: 'number of SBSs in all (spread over the groups)', default: 5, type: 'int' },
  { flag: 'groups', description: 'number of groups (one MBS each)', default: 1, type: 'int' },
  { flag: 'alpha', description: 'weight of delay in the utility, in [0, 1]', default: 0.5, type: 'number' },
  { flag: 'timing', description: 'stage timing: sequential (eq. 10) or parallel', default: 'sequential', type: 'string' },
  { flag: 'mbs-cpu', description: 'MBS CPU: dedicated to every task (the paper) or shared', default: 'dedicated', type: 'string' },
];

export function generateScenario(p: GenerateParams): Scenario {
  const check = (ok: boolean, field: string, msg: string) => { if (!ok) throw new InputError(msg, field); };
  check(Number.isInteger(p.tasks) && p.tasks >= 0, '--tasks', 'must be a non-negative integer');
  check(Number.isInteger(p.groups) && p.groups >= 1, '--groups', 'must be a positive integer');
  check(Number.isInteger(p.sbs) && p.sbs >= 0, '--sbs', 'must be a non-negative integer');
  check(p.alpha === undefined || (p.alpha >= 0 && p.alpha <= 1), '--alpha', 'must be in [0, 1]');
  check(p.mbsCpu === undefined || p.mbsCpu === 'dedicated' || p.mbsCpu === 'shared', '--mbs-cpu', 'must be "dedicated" or "shared"');
  check(p.timing === undefined || p.timing === 'sequential' || p.timing === 'parallel', '--timing', 'must be "sequential" or "parallel"');
  const rng = createRng(p.seed);
  const kbitLo = p.dataKbitMin ?? 5, kbitHi = p.dataKbitMax ?? 10;
  const sideM = 200;
  const groups: Group[] = [];
  for (let g = 0; g < p.groups; g++) {
    const gid = `G${g + 1}`;
    const x0 = g * 1000;
    const grng = rng.fork(`group${g}`);
    const nSbs = Math.floor(p.sbs / p.groups) + (g < p.sbs % p.groups ? 1 : 0);
    const sbs = Array.from({ length: nSbs }, (_, i) => ({
      id: `${gid}S${i + 1}`,
      x: x0 + grng.uniform(10, sideM - 10),
      y: grng.uniform(10, sideM - 10),
      cpuGHz: p.sbsCpuGHz ?? 20,
      bandwidthMHz: 20,
      forwardPowerW: 1,
      path: [`${gid}S${i + 1}-link`, `${gid}S${i + 1}-fu`, `${gid}-trunk`],
    }));
    groups.push({
      id: gid,
      mbs: { id: `${gid}M`, x: x0 + sideM / 2, y: sideM / 2, cpuGHz: p.mbsCpuGHz ?? 100, bandwidthMHz: 20 },
      sbs,
      forwarders: sbs.map((b) => ({ id: `${b.id}-fu`, o1SPerBit2: 1e-13, o2SPerBit: 1e-9 })),
      links: [...sbs.map((b) => ({ id: `${b.id}-link`, capacityMbps: 100 })), { id: `${gid}-trunk`, capacityMbps: 1000 }],
    });
  }
  const trng = rng.fork('tasks');
  const tasks: Task[] = Array.from({ length: p.tasks }, (_, k) => {
    const g = k % p.groups;
    return {
      id: `T${k + 1}`,
      group: groups[g].id,
      x: g * 1000 + trng.uniform(0, sideM),
      y: trng.uniform(0, sideM),
      dataBits: Math.round(trng.uniform(kbitLo, kbitHi) * 1000),
      deadlineS: trng.uniform(p.deadlineMinS ?? 15, p.deadlineMaxS ?? 30),
      cyclesPerBit: 18000,
      txPowerW: 0.1,
      localCpuGHz: p.localCpuGHz ?? 5,
    };
  });
  return {
    system: 'three-tier',
    alpha: p.alpha ?? 0.5,
    timing: p.timing ?? 'sequential',
    mbsCpu: p.mbsCpu ?? 'dedicated',
    minCpuShare: 1e-4,
    channel: { noiseDbmPerHz: -172, pathLossExponent: 4, referenceLossDb: 38, minDistanceM: 1 },
    energy: { kappa: 1e-26, sbsJPerCycle: 1e-12, mbsJPerCycle: 1e-11 },
    groups,
    tasks,
  };
}

/** The CLI's `generate three-tier` entry (flags as in `generateOptions`). */
export function generate(options: Record<string, number | string>): Scenario {
  return generateScenario({
    seed: Number(options.seed),
    tasks: Number(options.tasks ?? 100),
    sbs: Number(options.sbs ?? 5),
    groups: Number(options.groups ?? 1),
    alpha: options.alpha === undefined ? undefined : Number(options.alpha),
    timing: (options.timing as 'sequential' | 'parallel' | undefined) ?? undefined,
    mbsCpu: (options['mbs-cpu'] as 'dedicated' | 'shared' | undefined) ?? undefined,
  });
}
