import { z } from 'zod';
import { envelopeShape } from '../core/result-envelope.ts';
import { InputError, parseOrThrow } from '../core/errors.ts';

/**
 * Three-tier task allocation (Zhong et al., specs/three-tier.md): groups of one macro base
 * station (MBS) and several small cells (SBS); every task runs locally, on the MBS, or through
 * one SBS with its bits split between the device, that SBS and (over a wired path of links and
 * forwarding units) the MBS. The scenario types are the single source of validation.
 *
 * Choices the paper leaves open (spec section 6), all fields of the scenario so they can be changed:
 * - path loss: gain = 10^(-referenceLossDb/10) · max(d, minDistanceM)^(-exponent), d in metres;
 * - server energy per cycle is a field of its own (`sbsJPerCycle`, `mbsJPerCycle`): kappa·f² at
 *   100 GHz would cost 1e-4 J a cycle, which no server does; devices use kappa·f²;
 * - the MBS gives every task it serves its full CPU (`mbsCpu: "dedicated"`, the paper's eq. 9,
 *   the default), or its CPU is shared like an SBS's (`"shared"`, reported as `mbsCpuShare`);
 * - interference: an SBS upload is interfered by every other task of the same group uploading to
 *   a different SBS of that group (eq. 10), all uploads taken as simultaneous; MBS uplinks use
 *   their own band and see noise only (eq. 8); groups use separate spectrum;
 * - a task waits the whole path delay (eqs. 3-4 at the path's total load) only when it forwards
 *   bits to the MBS (mbsBits > 0); P_SBS->MBS is paid for that waiting time;
 * - timing "sequential" (eq. 10, the default) adds the stages; "parallel" takes the slowest of
 *   the local branch and upload + max(SBS branch, forwarding + MBS branch).
 */

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

export const channelSchema = z.object({
  /** Noise power spectral density, dBm/Hz (Table 1: -172). */
  noiseDbmPerHz: z.number(),
  /** Path-loss exponent (Table 1: 4). */
  pathLossExponent: positive,
  /** Loss at 1 m, dB (not in the paper; default 38, free space near 2 GHz). */
  referenceLossDb: z.number(),
  /** Distances below this are floored, so a device on top of a station keeps a finite gain. */
  minDistanceM: positive,
}).strict();

export const energySchema = z.object({
  /** Device energy per cycle is kappa · f² (Table 1: 1e-26). */
  kappa: nonNegative,
  sbsJPerCycle: nonNegative,
  mbsJPerCycle: nonNegative,
}).strict();

export const stationSchema = z.object({
  id: z.string().min(1),
  x: z.number(),
  y: z.number(),
  cpuGHz: positive,
  bandwidthMHz: positive,
}).strict();

export const sbsSchema = stationSchema.extend({
  /** Power drawn while forwarding bits to the MBS (P_SBS->MBS in eq. 12). */
  forwardPowerW: nonNegative,
  /** Ids of the links and forwarding units from this SBS to the MBS, in order. */
  path: z.array(z.string().min(1)),
}).strict();

export const forwarderSchema = z.object({
  id: z.string().min(1),
  /** Eq. (3): delay = (o1 · load + o2) · load, load in bits. */
  o1SPerBit2: nonNegative,
  o2SPerBit: nonNegative,
}).strict();

export const linkSchema = z.object({
  id: z.string().min(1),
  /** Eq. (4): delay = load / capacity. */
  capacityMbps: positive,
}).strict();

export const groupSchema = z.object({
  id: z.string().min(1),
  mbs: stationSchema,
  sbs: z.array(sbsSchema),
  forwarders: z.array(forwarderSchema),
  links: z.array(linkSchema),
}).strict();

export const taskSchema = z.object({
  id: z.string().min(1),
  group: z.string().min(1),
  x: z.number(),
  y: z.number(),
  dataBits: positive,
  deadlineS: positive,
  cyclesPerBit: positive,
  txPowerW: positive,
  localCpuGHz: positive,
}).strict();

export const scenarioSchema = z.object({
  system: z.literal('three-tier'),
  /** Weight of delay against energy in the utility (13): alpha · delay + (1 - alpha) · energy. */
  alpha: z.number().min(0).max(1),
  timing: z.enum(['sequential', 'parallel']).default('sequential'),
  /** "dedicated": every MBS task gets the whole MBS CPU (eq. 9, the paper); "shared": the tasks
   *  sending bits to the MBS split its CPU (sum of shares <= 1), the sound choice at large scale. */
  mbsCpu: z.enum(['dedicated', 'shared']).default('dedicated'),
  /** Smallest SBS CPU share a served task may get (h_min of the RLT bounds (16)). */
  minCpuShare: z.number().gt(0).max(1).default(1e-4),
  channel: channelSchema,
  energy: energySchema,
  groups: z.array(groupSchema).min(1),
  tasks: z.array(taskSchema),
}).strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Group = z.output<typeof groupSchema>;
export type Task = z.output<typeof taskSchema>;

export const placeSchema = z.string().min(1);

export const taskResultSchema = z.object({
  task: z.string(),
  /** "local", "mbs", or the id of the SBS the task uploads to. */
  place: placeSchema,
  localBits: nonNegative,
  sbsBits: nonNegative,
  mbsBits: nonNegative,
  /** Share of the SBS CPU (h_ij); 0 when the task computes nothing on an SBS. */
  cpuShare: z.number().min(0).max(1),
  /** Share of the MBS CPU, present when the scenario shares it (`mbsCpu: "shared"`) and mbsBits > 0. */
  mbsCpuShare: z.number().min(0).max(1).optional(),
  delayS: nonNegative,
  energyJ: nonNegative,
  meetsDeadline: z.boolean(),
}).strict();

export const traceSchema = z.object({
  iteration: z.number().int(),
  /** Utility of the relaxed (fractional) global assignment with the blocks' splits and shares. */
  utility: z.number(),
  /** Utility of the plan rounded from that iteration (largest global value per task, before repair). */
  roundedUtility: z.number().optional(),
  primalResidual: nonNegative,
  dualResidual: nonNegative,
}).strict();

export const resultSchema = z.object({
  ...envelopeShape('three-tier'),
  utility: z.number(),
  totalDelayS: nonNegative,
  totalEnergyJ: nonNegative,
  iterations: z.number().int().nonnegative(),
  tasks: z.array(taskResultSchema),
  trace: z.array(traceSchema).optional(),
  causes: z.array(z.string()).optional(),
  /** Algorithm-specific diagnostics (ADMM: split counts, what the improvement did), as in cnn-coop. */
  info: z.record(z.string(), z.unknown()).optional(),
}).strict();

export type TaskResult = z.output<typeof taskResultSchema>;
export type TraceEntry = z.output<typeof traceSchema>;
export type Result = z.output<typeof resultSchema>;

export function parseScenario(raw: unknown): Scenario {
  const s = parseOrThrow(scenarioSchema, raw, 'scenario');
  const groupIds = new Set<string>();
  const stationIds = new Set<string>(['local', 'mbs']);
  s.groups.forEach((g, gi) => {
    if (groupIds.has(g.id)) throw new InputError(`duplicate group id "${g.id}"`, `scenario groups[${gi}].id`);
    groupIds.add(g.id);
    const elements = new Set<string>();
    for (const [kind, list] of [['forwarders', g.forwarders], ['links', g.links]] as const) {
      list.forEach((e, ei) => {
        if (elements.has(e.id)) throw new InputError(`duplicate link/forwarder id "${e.id}"`, `scenario groups[${gi}].${kind}[${ei}].id`);
        elements.add(e.id);
      });
    }
    for (const [si, st] of [g.mbs, ...g.sbs].entries()) {
      const where = si === 0 ? `scenario groups[${gi}].mbs.id` : `scenario groups[${gi}].sbs[${si - 1}].id`;
      if (stationIds.has(st.id)) throw new InputError(`station id "${st.id}" is reserved or used twice`, where);
      stationIds.add(st.id);
    }
    g.sbs.forEach((b, bi) => b.path.forEach((p, pi) => {
      if (!elements.has(p)) throw new InputError(`unknown link or forwarder "${p}"`, `scenario groups[${gi}].sbs[${bi}].path[${pi}]`);
    }));
  });
  const taskIds = new Set<string>();
  s.tasks.forEach((t, ti) => {
    if (taskIds.has(t.id)) throw new InputError(`duplicate task id "${t.id}"`, `scenario tasks[${ti}].id`);
    taskIds.add(t.id);
    if (!groupIds.has(t.group)) throw new InputError(`unknown group "${t.group}"`, `scenario tasks[${ti}].group`);
  });
  return s;
}

export function parseResult(raw: unknown): Result {
  return parseOrThrow(resultSchema, raw, 'result');
}
