import { distanceM, pathLossDb } from '../core/channel.ts';
import { resolveProfile } from '../cnn-coop/profiles/index.ts';
import { parseScenario, type CnnProfile, type Result, type Scenario } from '../cnn-coop/model.ts';
import { InputError } from '../core/errors.ts';
import type { DeviceDecision, DeviceReport, PlanMessage, ServerInfo } from './protocol.ts';

/**
 * From the controller's live state to a cnn-coop scenario document (formats.md), and from the
 * planner's result back to what each agent needs. Kept free of I/O so it is unit-tested alone.
 */

/** The parts of a scenario that no agent or device reports: the radio model and energy constant. */
export interface ScenarioBase {
  channel: Scenario['channel'];
  energy: Scenario['energy'];
}

/** Table III of the paper (the same numbers `mec generate cnn-coop` uses). */
export const DEFAULT_BASE: ScenarioBase = {
  channel: { noiseDbm: -110, pathLoss: { interceptDb: 128.1, slopeDb: 27, distanceUnit: 'km', minDistanceM: 1 } },
  energy: { kappa: 1e-28 },
};

/**
 * A device that measured gains but did not hear a server cannot use it. The paper's model has
 * no "unreachable" flag, so such a pair gets a gain 200 dB down: its rate is far below any
 * R_min, which rules the pair out through the rate constraint (C9) rather than a special case.
 */
export const UNHEARD_GAIN_DB = -200;

export interface PlanServer {
  serverId: string;
  info: ServerInfo;
}

export interface PlanDevice {
  report: DeviceReport;
  via: string | null;
}

export function profileOf(info: ServerInfo): CnnProfile | undefined {
  return info.profile ?? resolveProfile(info.cnnProfile);
}

/**
 * The name a server's profile has in the scenario. An inline profile belongs to the agent that
 * sent it: it is namespaced by server id, so an agent calling its profile "table1" neither
 * replaces the built-in table1 for the other servers nor collides with another agent's.
 */
export function scenarioProfileName(serverId: string, info: ServerInfo): string {
  return info.profile ? `${serverId}/${info.cnnProfile}` : info.cnnProfile;
}

/**
 * Checks a server as the planner will see it, with the cnn-coop system's own scenario rules
 * (profile arrays of one length, cycles non-decreasing, ...): a server that passes cannot make
 * a plan fail later. Returns the problem, with the field named from the agent's message.
 */
export function checkServer(serverId: string, info: ServerInfo): InputError | null {
  if (!profileOf(info)) return new InputError(`unknown CNN profile "${info.cnnProfile}" (give a built-in name or an inline profile)`, 'message server.cnnProfile');
  try {
    parseScenario(buildScenario([{ serverId, info }], []));
    return null;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const field = err.field?.replace(/^scenario cnnProfiles\.[^.[]+/, 'message server.profile').replace(/^scenario servers\[0\]\./, 'message server.');
    return new InputError(err.message.slice((err.field?.length ?? -2) + 2), field);
  }
}

/**
 * Builds the scenario. Servers and devices are sorted by id so the same state always gives the
 * same document (and the same plan). Explicit gains are used as soon as any device reports them;
 * devices that report a position then get the path-loss gain the model would have used anyway.
 */
export function buildScenario(servers: PlanServer[], devices: PlanDevice[], base: ScenarioBase = DEFAULT_BASE): Scenario {
  const srv = [...servers].sort((a, b) => (a.serverId < b.serverId ? -1 : 1));
  const dev = [...devices].sort((a, b) => (a.report.deviceId < b.report.deviceId ? -1 : 1));
  const cnnProfiles: Record<string, CnnProfile> = {};
  for (const s of srv) {
    const p = profileOf(s.info);
    // agents are checked on hello; a profile still missing here is a programming error
    if (!p) throw new Error(`server ${s.serverId}: unknown CNN profile "${s.info.cnnProfile}"`);
    cnnProfiles[scenarioProfileName(s.serverId, s.info)] = p;
  }
  const anyGains = dev.some((d) => d.report.gainsDb !== undefined);
  const gainsDb = anyGains
    ? dev.map(({ report: r }) => srv.map((s) => {
      if (r.gainsDb) return r.gainsDb[s.serverId] ?? UNHEARD_GAIN_DB;
      return -pathLossDb(distanceM(r.x!, r.y!, s.info.x, s.info.y), base.channel.pathLoss);
    }))
    : undefined;
  return {
    system: 'cnn-coop',
    cnnProfiles,
    channel: base.channel,
    servers: srv.map((s) => ({
      id: s.serverId, x: s.info.x, y: s.info.y, bandwidthMHz: s.info.bandwidthMHz, cpuGHz: s.info.cpuGHz,
      backhaulMbps: s.info.backhaulMbps, cnnProfile: scenarioProfileName(s.serverId, s.info), ...(s.info.maxTasks !== undefined ? { maxTasks: s.info.maxTasks } : {}),
    })),
    devices: dev.map(({ report: r }) => ({
      id: r.deviceId, x: r.x ?? 0, y: r.y ?? 0, dataMbit: r.dataMbit, minRateMbps: r.minRateMbps, deadlineS: r.deadlineS,
      txPowerW: r.txPowerW, cpuGHz: r.cpuGHz, gigacyclesPerMbit: r.gigacyclesPerMbit,
    })),
    energy: base.energy,
    ...(gainsDb ? { gainsDb } : {}),
  };
}

export interface PlanHeader {
  planId: number;
  createdAt: number;
  algorithm: string;
  status: string;
  verified: boolean;
  totalLatencyS: number;
}

/** deviceId -> the report a plan used: [epoch, seq] (a bare number: a seq stored before epochs). */
export type PlanBasis = Record<string, [number, number] | number>;

function basisOf(basis: PlanBasis, deviceId: string): [number, number] {
  const b = basis[deviceId];
  if (b === undefined) return [0, -1];
  return typeof b === 'number' ? [0, b] : b;
}

export function decisionsOf(result: Pick<Result, 'tasks'>, planId: number, basis: PlanBasis): Map<string, DeviceDecision> {
  return new Map(result.tasks.map((t) => [t.device, {
    deviceId: t.device, planId, basedOnEpoch: basisOf(basis, t.device)[0], basedOnSeq: basisOf(basis, t.device)[1], place: t.place, layers: t.layers, finishAt: t.finishAt,
    bandwidthShare: t.bandwidthShare, cpuShare: t.cpuShare, backhaulShare: t.backhaulShare, latencyS: t.latencyS,
    energyJ: t.energyJ, meetsDeadline: t.meetsDeadline,
  }]));
}

/** One agent's message: the tasks its server runs, and the decisions of the devices it relays. */
export function planMessageFor(serverId: string, header: PlanHeader, decisions: Map<string, DeviceDecision>, via: Record<string, string | null>): PlanMessage {
  const tasks: DeviceDecision[] = [];
  const devices: DeviceDecision[] = [];
  for (const d of decisions.values()) {
    if (d.place === serverId) tasks.push(d);
    if (via[d.deviceId] === serverId) devices.push(d);
  }
  return { type: 'plan', ...header, serverId, tasks, devices };
}
