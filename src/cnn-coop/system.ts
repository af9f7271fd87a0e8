import type { SystemDefinition } from '../core/system.ts';
import { InputError } from '../core/errors.ts';
import { parseResult, parseScenario, type Result, type Scenario } from './model.ts';
import { generateScenario, fleetGenerateOptions, fleetOptionsFrom } from './generate.ts';
import { formatResult } from './format.ts';
import { verifyCnnCoop } from '../verify/cnn-coop.ts';
import { resolveProfile, builtinProfiles } from './profiles/index.ts';
import { pa, paSpec, paHighs, paLoadLimit, mecOnly, mccOnly } from './algorithms/pa.ts';
import { rlt0 } from './algorithms/rlt0.ts';
import { ara } from './algorithms/ara.ts';
import { mdo } from './algorithms/mdo.ts';
import { ihra } from './algorithms/ihra.ts';
import { eejs } from './algorithms/eejs.ts';
import { best } from './algorithms/best.ts';
import { fleet } from './algorithms/fleet.ts';
import { exact } from './algorithms/exact.ts';
import { figures } from './experiments.ts';
import { lowerBoundOf } from './bounds.ts';
import { profileFigures, withProfile } from './profiles/experiments.ts';

export const cnnCoop: SystemDefinition<Scenario, Result> = {
  name: 'cnn-coop',
  summary: 'devices, MEC servers and a cloud; CNN layers split between edge and cloud; total latency (Chai et al. 2020)',
  parseScenario,
  parseResult,
  generateOptions: [
    { flag: 'devices', description: 'number of devices M', default: 30, type: 'int' },
    { flag: 'servers', description: 'number of MEC servers N', default: 2, type: 'int' },
    { flag: 'bandwidth-mhz', description: 'uplink bandwidth of each server (MHz)', default: 10, type: 'number' },
    { flag: 'backhaul-mbps', description: 'backhaul capacity of each server (Mbit/s)', default: 100, type: 'number' },
    { flag: 'cnn', description: 'built-in CNN profile (see `mec profiles`); devices\' local cost is scaled to that network', default: 'table1', type: 'string' },
    ...fleetGenerateOptions,
  ],
  generate: (o) => {
    const cnn = String(o.cnn ?? 'table1');
    const profile = resolveProfile(cnn);
    if (!profile) throw new InputError(`unknown profile "${cnn}" (known: ${builtinProfiles().map((p) => p.name).join(', ')})`, '--cnn');
    const count = (flag: string, min: number) => {
      const v = Number(o[flag]);
      if (!Number.isInteger(v) || v < min) throw new InputError(`must be an integer >= ${min}`, `--${flag}`);
      return v;
    };
    const positive = (flag: string) => {
      const v = Number(o[flag]);
      if (!(v > 0)) throw new InputError('must be > 0', `--${flag}`);
      return v;
    };
    const scenario = generateScenario({
      seed: Number(o.seed), devices: count('devices', 0), servers: count('servers', 1),
      bandwidthMHz: positive('bandwidth-mhz'), backhaulMbps: positive('backhaul-mbps'), ...fleetOptionsFrom(o),
    });
    // Devices run the same network as the servers: their local cost is Table III's draw scaled
    // by the network's size relative to Table I's (the paper's U[2,4] is for its own network).
    return cnn === 'table1' ? scenario : withProfile(scenario, cnn, profile);
  },
  algorithms: [pa, paSpec, paHighs, rlt0, ara, mdo, ihra, eejs, mecOnly, mccOnly, paLoadLimit, best, fleet, exact],
  defaultAlgorithm: 'pa',
  verify: verifyCnnCoop,
  lowerBound: (s) => lowerBoundOf(s),
  objective: { name: 'totalLatencyS', of: (r) => r.totalLatencyS },
  formatResult,
  testInstance: { devices: 8, servers: 2 },
  figures: [...figures, ...profileFigures],
};
