import { createRng } from '../core/rng.ts';
import { InputError } from '../core/errors.ts';
import type { GenerateOption } from '../core/system.ts';
import type { Scenario } from './model.ts';

/**
 * The paper's default random scenario (specs §9): K helpers at distances U[d_min, d_max] with
 * maximum CPU frequencies drawn from {1.6, 2.4, 3.0} GHz; path loss only, reciprocal channels.
 * Every other value is the spec's default (assumed values, tagged A in the spec).
 */
export interface GenerateParams {
  seed: number;
  helpers: number;
  dataBits: number;
  deadlineS: number;
  bandwidthMHz: number;
  minDistanceM: number;
  maxDistanceM: number;
}

export const DEFAULTS: Omit<GenerateParams, 'seed'> = {
  helpers: 5, dataBits: 1e6, deadlineS: 1, bandwidthMHz: 1, minDistanceM: 10, maxDistanceM: 50,
};

export const HELPER_CPU_GHZ = [1.6, 2.4, 3.0] as const;

export function generateScenario(params: Partial<GenerateParams> & { seed: number }): Scenario {
  const p = { ...DEFAULTS, ...params };
  if (!Number.isInteger(p.helpers) || p.helpers < 0) throw new InputError('must be a whole number ≥ 0', '--helpers');
  for (const [flag, v] of [['--data-mbit', p.dataBits], ['--deadline-s', p.deadlineS], ['--bandwidth-mhz', p.bandwidthMHz], ['--max-distance-m', p.maxDistanceM]] as const) {
    if (!(v > 0)) throw new InputError('must be > 0', flag);
  }
  if (p.maxDistanceM < p.minDistanceM) throw new InputError(`must be ≥ the minimum distance ${p.minDistanceM} m`, '--max-distance-m');
  const rng = createRng(p.seed).fork('helper-coop');
  return {
    system: 'helper-coop',
    deadlineS: p.deadlineS,
    dataBits: p.dataBits,
    resultRatio: 0.1,
    bandwidthMHz: p.bandwidthMHz,
    noiseW: 1e-9,
    pathLoss: { gainAt1m: 1e-3, exponent: 3 },
    user: { maxCpuGHz: 3, cyclesPerBit: 1000, kappa: 1e-28, txEnergyBudgetJ: 1 },
    helpers: Array.from({ length: p.helpers }, (_, k) => ({
      id: `H${k + 1}`,
      distanceM: rng.uniform(p.minDistanceM, p.maxDistanceM),
      maxCpuGHz: rng.pick(HELPER_CPU_GHZ),
      cyclesPerBit: 1000,
      kappa: 1e-28,
      txEnergyBudgetJ: 0.5,
    })),
    accessPoint: { distanceM: 30, txPowerW: 0.2 },
  };
}

export const generateOptions: GenerateOption[] = [
  { flag: 'helpers', description: 'number of helpers K', default: DEFAULTS.helpers, type: 'int' },
  { flag: 'data-mbit', description: 'task size L, Mbit', default: DEFAULTS.dataBits / 1e6, type: 'number' },
  { flag: 'deadline-s', description: 'block length (deadline) T, s', default: DEFAULTS.deadlineS, type: 'number' },
  { flag: 'bandwidth-mhz', description: 'bandwidth B of one OFDMA block, MHz', default: DEFAULTS.bandwidthMHz, type: 'number' },
  { flag: 'max-distance-m', description: 'largest user–helper distance d_max, m (helpers are U[10, d_max])', default: DEFAULTS.maxDistanceM, type: 'number' },
];

export function generateFromOptions(options: Record<string, number | string>): Scenario {
  const num = (flag: string, fallback: number) => (options[flag] === undefined ? fallback : Number(options[flag]));
  return generateScenario({
    seed: Number(options.seed),
    helpers: num('helpers', DEFAULTS.helpers),
    dataBits: num('data-mbit', DEFAULTS.dataBits / 1e6) * 1e6,
    deadlineS: num('deadline-s', DEFAULTS.deadlineS),
    bandwidthMHz: num('bandwidth-mhz', DEFAULTS.bandwidthMHz),
    maxDistanceM: num('max-distance-m', DEFAULTS.maxDistanceM),
  });
}
