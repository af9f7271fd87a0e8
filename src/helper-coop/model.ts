import { z } from 'zod';
import { envelopeShape } from '../core/result-envelope.ts';
import { parseOrThrow } from '../core/errors.ts';
import type { ResultEnvelope } from '../core/system.ts';

/**
 * helper-coop: one user with a bit-wise partitionable task of `dataBits` bits and K idle helpers.
 * Each helper has its own OFDMA block of `bandwidthMHz`; within the block of `deadlineS` seconds
 * it receives its bits (phase I), computes them (II) and returns `resultRatio`·bits (III), while
 * the user computes its own share during the whole block (specs/helper-coop.md §1–§3).
 */

const positive = (what: string) => z.number({ error: `${what} must be a number` }).finite().positive(`${what} must be > 0`);
const nonNegative = (what: string) => z.number({ error: `${what} must be a number` }).finite().nonnegative(`${what} must be ≥ 0`);

const userSchema = z.object({
  /** f_u^max, GHz (default 3). */
  maxCpuGHz: positive('maxCpuGHz'),
  /** c_u, CPU cycles per input bit (default 1000). */
  cyclesPerBit: positive('cyclesPerBit'),
  /** γ_u, effective switched capacitance: energy per cycle = kappa·f² (default 1e-28). */
  kappa: positive('kappa'),
  /** E_u^max: the user's transmit-energy budget over all helpers' blocks, J (default 1). */
  txEnergyBudgetJ: nonNegative('txEnergyBudgetJ'),
}).strict();

const helperSchema = z.object({
  id: z.string().min(1, 'id must not be empty'),
  /** Distance to the user, m; the gain is then gainAt1m·d^-exponent. */
  distanceM: positive('distanceM').optional(),
  /** h_k, linear user→helper power gain; overrides distanceM. */
  channelGain: positive('channelGain').optional(),
  /** g_k, linear helper→user gain; default h_k (reciprocity). */
  downlinkGain: positive('downlinkGain').optional(),
  maxCpuGHz: positive('maxCpuGHz'),
  cyclesPerBit: positive('cyclesPerBit'),
  kappa: positive('kappa'),
  /** E_k^max: the helper's transmit-energy budget for the result download, J (default 0.5). */
  txEnergyBudgetJ: nonNegative('txEnergyBudgetJ'),
}).strict();

export const scenarioSchema = z.object({
  system: z.literal('helper-coop'),
  /** T: block length = deadline, s. */
  deadlineS: positive('deadlineS'),
  /** L: task input size, bit. */
  dataBits: positive('dataBits'),
  /** α: result size / input size. */
  resultRatio: nonNegative('resultRatio'),
  /** B: bandwidth of one OFDMA block (each helper link has its own), MHz. */
  bandwidthMHz: positive('bandwidthMHz'),
  /** σ_k²: noise power at the helpers, W. */
  noiseW: positive('noiseW'),
  /** σ_u²: noise power at the user, W (default noiseW). */
  userNoiseW: positive('userNoiseW').optional(),
  /** Path loss b·d^-φ used for helpers given by distance (and by JORCF's access point). */
  pathLoss: z.object({ gainAt1m: positive('gainAt1m'), exponent: positive('exponent') }).strict(),
  user: userSchema,
  helpers: z.array(helperSchema),
  /** The JORCF benchmark's access point (specs §8); defaults 30 m, 0.2 W, bandwidthMHz. */
  accessPoint: z.object({
    distanceM: positive('distanceM'),
    txPowerW: positive('txPowerW'),
    bandwidthMHz: positive('bandwidthMHz').optional(),
  }).strict().optional(),
}).strict().superRefine((s, ctx) => {
  const seen = new Set<string>();
  s.helpers.forEach((h, i) => {
    if (h.distanceM === undefined && h.channelGain === undefined) {
      ctx.addIssue({ code: 'custom', path: ['helpers', i, 'distanceM'], message: 'give distanceM or channelGain' });
    }
    if (seen.has(h.id)) ctx.addIssue({ code: 'custom', path: ['helpers', i, 'id'], message: `duplicate helper id "${h.id}"` });
    seen.add(h.id);
  });
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type HelperSpec = Scenario['helpers'][number];

export function parseScenario(raw: unknown): Scenario {
  return parseOrThrow(scenarioSchema, raw, 'scenario');
}

const helperResultSchema = z.object({
  helper: z.string(),
  offloadBits: nonNegative('offloadBits'),
  offloadTimeS: nonNegative('offloadTimeS'),
  computeTimeS: nonNegative('computeTimeS'),
  downloadTimeS: nonNegative('downloadTimeS'),
  /** p_k, the user's transmit power on this helper's block. */
  txPowerW: nonNegative('txPowerW'),
  /** q_k, the helper's transmit power for the result. */
  helperTxPowerW: nonNegative('helperTxPowerW'),
  /** f_k during phase II. */
  cpuGHz: nonNegative('cpuGHz'),
}).strict();

const dualsSchema = z.object({
  /** ν, J/bit: the price of one more input bit (multiplier of the partition constraint). */
  nuJPerBit: z.number(),
  /** ω: multiplier of the user's energy budget. */
  omega: z.number(),
  lambdaJPerBit: z.array(z.number()),
  muJPerBit: z.array(z.number()),
  theta: z.array(z.number()),
  /** η_k, W: the price of helper k's time (the multiplier of its time constraint). */
  etaW: z.array(z.number()),
}).strict();

export const resultSchema = z.object({
  ...envelopeShape('helper-coop'),
  /** Total energy: user computing + user transmit + helpers computing + helpers transmit; null if infeasible. */
  energyJ: z.number().nullable(),
  localBits: nonNegative('localBits'),
  /** f_u; absent means the optimal c_u·localBits/T (spread over the block). */
  localCpuGHz: nonNegative('localCpuGHz').optional(),
  helpers: z.array(helperResultSchema),
  /** JORCF only: bits sent to the access point's server at fixed power and rate. */
  apOffload: z.object({ bits: nonNegative('bits'), timeS: nonNegative('timeS'), txPowerW: nonNegative('txPowerW') }).strict().optional(),
  /** When infeasible: the largest data size this system supports within the deadline (P2). */
  maxDataBits: z.number().optional(),
  causes: z.array(z.string()).optional(),
  duals: dualsSchema.optional(),
  iterations: z.number().int().optional(),
}).strict();

export type HelperResult = z.infer<typeof helperResultSchema>;
export type Duals = z.infer<typeof dualsSchema>;
export type Result = z.infer<typeof resultSchema> & ResultEnvelope;

export function parseResult(raw: unknown): Result {
  return parseOrThrow(resultSchema, raw, 'result') as Result;
}

