import { z } from 'zod';
import { envelopeShape } from '../core/result-envelope.ts';
import { InputError, parseOrThrow } from '../core/errors.ts';

/**
 * cnn-coop scenario and result documents (formats.md is the public contract). The zod schemas
 * are the single source of validation; the TypeScript types are inferred from them.
 */
const positive = (what: string) => z.number({ error: `${what} must be a number` }).finite().positive({ error: `${what} must be > 0` });
const nonNegative = (what: string) => z.number({ error: `${what} must be a number` }).finite().nonnegative({ error: `${what} must be >= 0` });
const finite = z.number().finite();

export const cnnProfileSchema = z.object({
  /** r^k: data left after the first k hidden layers, as a fraction of the input (k = 1..K). */
  reduction: z.array(positive('reduction')).min(1),
  /** p^k: cycles to run the first k layers, in Gcycles per input Mbit (k = 1..K, non-decreasing). */
  gigacyclesPerMbit: z.array(nonNegative('gigacyclesPerMbit')).min(1),
  /** Cycles of the whole network including the output layer, for "all at the edge" (default p^K). */
  totalGigacyclesPerMbit: nonNegative('totalGigacyclesPerMbit').optional(),
  /** Where the profile comes from (free text). */
  source: z.string().optional(),
  /** Names of the split points (layer names), for display. */
  layerNames: z.array(z.string()).optional(),
}).strict();

export const serverSchema = z.object({
  id: z.string().min(1),
  x: finite, y: finite,
  bandwidthMHz: positive('bandwidthMHz'),
  cpuGHz: positive('cpuGHz'),
  backhaulMbps: positive('backhaulMbps'),
  cnnProfile: z.string().min(1),
  /** Load limit Q_n: at most this many tasks (PA with load limit, Fig. 8). */
  maxTasks: z.number().int().nonnegative().optional(),
}).strict();

export const deviceSchema = z.object({
  id: z.string().min(1),
  x: finite, y: finite,
  dataMbit: positive('dataMbit'),
  minRateMbps: nonNegative('minRateMbps'),
  deadlineS: positive('deadlineS'),
  txPowerW: positive('txPowerW'),
  cpuGHz: positive('cpuGHz'),
  gigacyclesPerMbit: positive('gigacyclesPerMbit'),
}).strict();

export const scenarioSchema = z.object({
  system: z.literal('cnn-coop'),
  cnnProfiles: z.record(z.string(), cnnProfileSchema),
  channel: z.object({
    noiseDbm: finite,
    pathLoss: z.object({
      interceptDb: finite,
      slopeDb: finite,
      distanceUnit: z.enum(['m', 'km']),
      minDistanceM: positive('minDistanceM'),
    }).strict(),
  }).strict(),
  servers: z.array(serverSchema).min(1),
  devices: z.array(deviceSchema),
  energy: z.object({ kappa: nonNegative('kappa') }).strict(),
  /** Overrides the path-loss model: gainsDb[m][n] (negative dB, i.e. -path loss). */
  gainsDb: z.array(z.array(finite)).optional(),
  /** Optional cloud compute term (the paper neglects it): layers after the split run at this speed. */
  cloud: z.object({ cpuGHz: positive('cloud.cpuGHz') }).strict().optional(),
  /** Free text: how the scenario was made (generator, seed). */
  meta: z.record(z.string(), z.unknown()).optional(),
}).strict();

export type CnnProfile = z.infer<typeof cnnProfileSchema>;
export type Server = z.infer<typeof serverSchema>;
export type Device = z.infer<typeof deviceSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;

export function parseScenario(raw: unknown): Scenario {
  const s = parseOrThrow(scenarioSchema, raw, 'scenario');
  // Cross-field rules zod cannot express on its own.
  for (const [name, p] of Object.entries(s.cnnProfiles)) {
    if (p.reduction.length !== p.gigacyclesPerMbit.length) {
      throw new InputError(`reduction has ${p.reduction.length} entries but gigacyclesPerMbit ${p.gigacyclesPerMbit.length}`, `scenario cnnProfiles.${name}`);
    }
    p.gigacyclesPerMbit.forEach((v, k) => {
      if (k > 0 && v < p.gigacyclesPerMbit[k - 1]) throw new InputError('must be non-decreasing (cycles of the first k layers)', `scenario cnnProfiles.${name}.gigacyclesPerMbit[${k}]`);
    });
  }
  const ids = new Set<string>();
  s.servers.forEach((srv, n) => {
    if (!(srv.cnnProfile in s.cnnProfiles)) throw new InputError(`unknown profile "${srv.cnnProfile}" (known: ${Object.keys(s.cnnProfiles).join(', ') || 'none'})`, `scenario servers[${n}].cnnProfile`);
    if (ids.has(srv.id) || srv.id === 'local') throw new InputError(`duplicate or reserved id "${srv.id}"`, `scenario servers[${n}].id`);
    ids.add(srv.id);
  });
  const deviceIds = new Set<string>();
  s.devices.forEach((d, m) => {
    if (deviceIds.has(d.id)) throw new InputError(`duplicate id "${d.id}"`, `scenario devices[${m}].id`);
    deviceIds.add(d.id);
  });
  if (s.gainsDb) {
    if (s.gainsDb.length !== s.devices.length) throw new InputError(`needs one row per device (${s.devices.length}), got ${s.gainsDb.length}`, 'scenario gainsDb');
    s.gainsDb.forEach((row, m) => {
      if (row.length !== s.servers.length) throw new InputError(`needs one entry per server (${s.servers.length}), got ${row.length}`, `scenario gainsDb[${m}]`);
    });
  }
  return s;
}

// ---- results ----

export const taskResultSchema = z.object({
  device: z.string(),
  /** "local" or a server id. */
  place: z.string(),
  /** Hidden layers run at the edge (0..K); 0 for a local task. */
  layers: z.number().int().nonnegative(),
  /** "cloud": the activation goes over the backhaul; "edge": the server runs the whole network; "device": local. */
  finishAt: z.enum(['cloud', 'edge', 'device']),
  bandwidthShare: z.number().min(0).max(1),
  cpuShare: z.number().min(0).max(1),
  backhaulShare: z.number().min(0).max(1),
  latencyS: z.number(),
  energyJ: z.number(),
  meetsDeadline: z.boolean(),
  /** Why a task is infeasible, when it is. */
  violation: z.string().optional(),
}).strict();

export const resultSchema = z.object({
  ...envelopeShape('cnn-coop'),
  totalLatencyS: z.number(),
  deviceEnergyJ: z.number(),
  tasks: z.array(taskResultSchema),
  /** Devices that cannot meet their deadline or rate in this plan. */
  infeasibleTasks: z.array(z.string()).optional(),
  /** Algorithm-specific diagnostics (iterations, relaxation value, ...). */
  info: z.record(z.string(), z.unknown()).optional(),
}).strict();

export type TaskResult = z.infer<typeof taskResultSchema>;
export type Result = z.infer<typeof resultSchema>;

export function parseResult(raw: unknown): Result {
  return parseOrThrow(resultSchema, raw, 'result');
}
