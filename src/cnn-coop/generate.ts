import { createRng } from '../core/rng.ts';
import { InputError } from '../core/errors.ts';
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
  /**
   * Fleet scenarios (docs/fleet.md): the number of servers follows the fleet, N = ceil(M / D)
   * (overrides `servers`). Absent: the paper's `servers`.
   */
  devicesPerServer?: number;
  /**
   * Fleet scenarios: every server's bandwidth, CPU and backhaul are multiplied by (M/N) / L, so a
   * server serving M/N devices is loaded as the paper's server serving L (the paper: 30 devices on
   * 2 servers, L = 15). Absent: the paper's per-server resources.
   */
  loadPerServer?: number;
}

/** The paper's server density: 2 servers in a 100 m square. */
const PAPER_AREA_M = 100;
const PAPER_SERVERS = 2;

/** Generator options for fleets, as CLI flags (0 = off, i.e. the paper's setting). */
export const fleetGenerateOptions = [
  { flag: 'devices-per-server', description: 'fleet: N = ceil(M / this) servers (overrides --servers; 0 = off)', default: 0, type: 'int' as const },
  { flag: 'load-per-server', description: 'fleet: scale each server\'s bandwidth, CPU and backhaul by (M/N)/this, the paper\'s load is 15 (0 = off)', default: 0, type: 'number' as const },
  { flag: 'area-m', description: 'side of the square area in m (0 = the paper\'s 100 m, or 100·sqrt(N/2) m for fleet scenarios, keeping the paper\'s server density)', default: 0, type: 'number' as const },
];

/** Reads the fleet flags (see fleetGenerateOptions) into generator options; InputError names a bad flag. */
export function fleetOptionsFrom(o: Record<string, number | string>): Pick<CnnCoopOptions, 'devicesPerServer' | 'loadPerServer' | 'areaM'> {
  const read = (flag: string, integer: boolean) => {
    const v = Number(o[flag] ?? 0);
    if (!(v >= 0) || (integer && !Number.isInteger(v))) throw new InputError(`must be ${integer ? 'an integer' : 'a number'} >= 0 (0 = off)`, `--${flag}`);
    return v > 0 ? v : undefined;
  };
  const devicesPerServer = read('devices-per-server', true);
  const loadPerServer = read('load-per-server', false);
  const areaM = read('area-m', false);
  return { ...(devicesPerServer ? { devicesPerServer } : {}), ...(loadPerServer ? { loadPerServer } : {}), ...(areaM ? { areaM } : {}) };
}

/**
 * The paper's default random scenario (Section VII, Table III, as fixed in the spec §6).
 * Draws happen in a fixed order from one seeded stream, so a seed means the same scenario
 * everywhere; servers are drawn first, so adding devices leaves the servers unchanged.
 */
export function generateScenario(opts: CnnCoopOptions): Scenario {
  const M = opts.devices ?? 30;
  const fleet = opts.devicesPerServer !== undefined || opts.loadPerServer !== undefined;
  const N = opts.devicesPerServer !== undefined ? Math.max(1, Math.ceil(M / opts.devicesPerServer)) : opts.servers ?? 2;
  // Fleet scenarios keep the paper's server density unless the area is given.
  const area = opts.areaM ?? (fleet ? PAPER_AREA_M * Math.sqrt(N / PAPER_SERVERS) : PAPER_AREA_M);
  const capacity = opts.loadPerServer !== undefined ? M / N / opts.loadPerServer : 1;
  const rng = createRng(opts.seed);
  const serverRng = rng.fork('servers');
  const deviceRng = rng.fork('devices');
  const profileName = opts.profileName ?? 'table1';
  const servers = Array.from({ length: N }, (_, n) => ({
    id: `E${n + 1}`,
    x: serverRng.uniform(0, area),
    y: serverRng.uniform(0, area),
    bandwidthMHz: (opts.bandwidthMHz ?? 10) * capacity,
    cpuGHz: serverRng.pick([600, 800]) * capacity,
    backhaulMbps: (opts.backhaulMbps ?? 100) * capacity,
    cnnProfile: profileName,
    ...(opts.maxTasks !== undefined ? { maxTasks: opts.maxTasks } : {}),
  }));
  if (opts.serverCpuGHz) servers.forEach((s, n) => { s.cpuGHz = opts.serverCpuGHz![n % opts.serverCpuGHz!.length] * capacity; });
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
    meta: {
      generator: fleet ? 'cnn-coop fleet (Table III, capacity grows with the fleet, docs/fleet.md)' : 'cnn-coop default (Table III)', seed: opts.seed, devices: M, servers: N,
      ...(fleet ? { areaM: area, capacityScale: capacity, ...(opts.devicesPerServer !== undefined ? { devicesPerServer: opts.devicesPerServer } : {}), ...(opts.loadPerServer !== undefined ? { loadPerServer: opts.loadPerServer } : {}) } : {}),
    },
  };
}
