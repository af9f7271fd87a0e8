import { createRng } from '../core/rng.ts';
import type { CnnProfile, Scenario } from './model.ts';

/** The paper's Table I example profile (5 hidden layers). */
export const TABLE1_PROFILE: CnnProfile = {
  reduction: [0.4, 0.2, 0.16, 0.128, 0.1152],
  gigacyclesPerMbit: [0.5, 1.1, 1.8, 2.84, 3.992],
  source: 'Chai et al. 2020, Table I (illustrative)',
};

export interface CnnCoopOptions {
  seed: number;
  devices?: number;
  servers?: number;
  areaM?: number;
  bandwidthMHz?: number;
  backhaulMbps?: number;
  /** CPU of each server in GHz; default: drawn from {600, 800} per server. */
  serverCpuGHz?: number[];
  /** Load limit Q_n for every server. */
  maxTasks?: number;
  profile?: CnnProfile;
  profileName?: string;
}

/**
 * The paper's default random scenario (Section VII, Table III, as fixed in the spec §6).
 * Draws happen in a fixed order from one seeded stream, so a seed means the same scenario
 * everywhere; servers are drawn first, so adding devices leaves the servers unchanged.
 */
export function generateScenario(opts: CnnCoopOptions): Scenario {
  const M = opts.devices ?? 30;
  const N = opts.servers ?? 2;
  const area = opts.areaM ?? 100;
  const rng = createRng(opts.seed);
  const serverRng = rng.fork('servers');
  const deviceRng = rng.fork('devices');
  const profileName = opts.profileName ?? 'table1';
  const servers = Array.from({ length: N }, (_, n) => ({
    id: `E${n + 1}`,
    x: serverRng.uniform(0, area),
    y: serverRng.uniform(0, area),
    bandwidthMHz: opts.bandwidthMHz ?? 10,
    cpuGHz: serverRng.pick([600, 800]),
    backhaulMbps: opts.backhaulMbps ?? 100,
    cnnProfile: profileName,
    ...(opts.maxTasks !== undefined ? { maxTasks: opts.maxTasks } : {}),
  }));
  if (opts.serverCpuGHz) servers.forEach((s, n) => { s.cpuGHz = opts.serverCpuGHz![n % opts.serverCpuGHz!.length]; });
  const devices = Array.from({ length: M }, (_, m) => ({
    id: `MD${m + 1}`,
    x: deviceRng.uniform(0, area),
    y: deviceRng.uniform(0, area),
    dataMbit: deviceRng.uniform(1, 10),
    minRateMbps: 1,
    deadlineS: deviceRng.uniform(1, 2),
    txPowerW: 0.6,
    cpuGHz: deviceRng.pick([2, 4]),
    gigacyclesPerMbit: deviceRng.uniform(2, 4),
  }));
  return {
    system: 'cnn-coop',
    cnnProfiles: { [profileName]: opts.profile ?? TABLE1_PROFILE },
    channel: { noiseDbm: -110, pathLoss: { interceptDb: 128.1, slopeDb: 27, distanceUnit: 'km', minDistanceM: 1 } },
    servers,
    devices,
    energy: { kappa: 1e-28 },
    meta: { generator: 'cnn-coop default (Table III)', seed: opts.seed, devices: M, servers: N },
  };
}
