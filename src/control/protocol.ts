import { z } from 'zod';
import { fromZodError, type InputError } from '../core/errors.ts';
import { cnnProfileSchema } from '../cnn-coop/model.ts';
import type { PlanHeader } from './scenario.ts';

/**
 * The control plane's wire format (the cnn-coop paper's Section III.C): devices (DTME) report to
 * their server's agent (LTME), which relays to the controller (GTME); plans flow back. Every
 * message is JSON validated by one of these strict schemas before it can touch any state, so a
 * malformed or unknown field is refused with the field named.
 */
const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();
const finite = z.number().finite();
/** Ids travel in URLs, logs and SQL parameters: keep them short and plain. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: 'must be 1-64 characters of A-Z a-z 0-9 _ . : -' });

/**
 * What a device knows about itself and its task (the paper's 3-tuple <S, Rmin, Dmax> plus the
 * device's CPU and radio), and either where it is (x, y in metres) or the channel gains it
 * measured to each server it hears (dB, negative). `seq` grows with every new report of a device,
 * so a resent report is recognised and a late one never overwrites a newer one.
 */
export const deviceReportSchema = z.object({
  deviceId: idSchema,
  /**
   * The device's session: a restarted device starts `seq` again from 0 under a larger epoch, so
   * its reports are new, not duplicates. Reports are ordered by (epoch, seq); absent means 0.
   * DeviceClient uses its start time in ms.
   */
  epoch: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  seq: z.number().int().nonnegative(),
  x: finite.optional(),
  y: finite.optional(),
  gainsDb: z.record(idSchema, finite.max(0)).optional(),
  dataMbit: positive,
  minRateMbps: nonNegative,
  deadlineS: positive,
  txPowerW: positive,
  cpuGHz: positive,
  gigacyclesPerMbit: positive,
}).strict().superRefine((r, ctx) => {
  if ((r.x === undefined) !== (r.y === undefined)) ctx.addIssue({ code: 'custom', path: [r.x === undefined ? 'x' : 'y'], message: 'x and y go together' });
  if (r.x === undefined && r.gainsDb === undefined) ctx.addIssue({ code: 'custom', path: ['gainsDb'], message: 'a report needs a position (x, y) or measured gainsDb' });
});
export type DeviceReport = z.infer<typeof deviceReportSchema>;

/** What an agent tells the controller about its MEC server (B_n, F_n, C_n, its CNN). */
export const serverInfoSchema = z.object({
  x: finite,
  y: finite,
  bandwidthMHz: positive,
  cpuGHz: positive,
  backhaulMbps: positive,
  /** A built-in profile name (see `mec profiles`, e.g. resnet18-int8@gpu) or, with `profile`, the name of an inline one. */
  cnnProfile: z.string().regex(/^[A-Za-z0-9_.:@-]{1,64}$/, { error: 'must be 1-64 characters of A-Z a-z 0-9 _ . : @ -' }),
  profile: cnnProfileSchema.optional(),
  maxTasks: z.number().int().nonnegative().optional(),
}).strict();
export type ServerInfo = z.infer<typeof serverInfoSchema>;

export const MAX_REPORTS_PER_BATCH = 1000;
/** Longest token text accepted anywhere (real ones are 74 characters). */
export const MAX_TOKEN_CHARS = 200;

// ---- agent -> controller ----
export const agentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), serverId: idSchema, server: serverInfoSchema }).strict(),
  z.object({
    type: z.literal('reports'),
    batch: z.number().int().nonnegative(),
    reports: z.array(z.object({ ref: z.number().int().nonnegative(), report: deviceReportSchema }).strict()).min(1).max(MAX_REPORTS_PER_BATCH),
  }).strict(),
  z.object({ type: z.literal('admit'), ref: z.number().int().nonnegative(), deviceId: idSchema, token: z.string().min(1).max(MAX_TOKEN_CHARS) }).strict(),
  z.object({ type: z.literal('leave'), ref: z.number().int().nonnegative(), deviceId: idSchema }).strict(),
]);
export type AgentMessage = z.infer<typeof agentMessageSchema>;

// ---- device -> agent ----
export const deviceMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), deviceId: idSchema }).strict(),
  z.object({ type: z.literal('report'), report: deviceReportSchema }).strict(),
  z.object({ type: z.literal('leave') }).strict(),
]);
export type DeviceMessage = z.infer<typeof deviceMessageSchema>;

/** HTTP POST /v1/reports body. */
export const reportsBodySchema = z.object({ reports: z.array(deviceReportSchema).min(1).max(MAX_REPORTS_PER_BATCH) }).strict();

/** A device's part of a plan: where its task runs and with what shares of the server. */
export interface DeviceDecision {
  deviceId: string;
  planId: number;
  /** The device's report (epoch, seq) the plan was computed from. */
  basedOnEpoch: number;
  basedOnSeq: number;
  place: string;
  layers: number;
  finishAt: 'cloud' | 'edge' | 'device';
  bandwidthShare: number;
  cpuShare: number;
  backhaulShare: number;
  latencyS: number;
  energyJ: number;
  meetsDeadline: boolean;
}

/** What the controller pushes to one agent. */
export interface PlanMessage extends PlanHeader {
  type: 'plan';
  serverId: string;
  /** The tasks this server runs (its LTME enforces these shares). */
  tasks: DeviceDecision[];
  /** Decisions for the devices that report through this agent, wherever their task runs. */
  devices: DeviceDecision[];
}

export type ErrorCode = 'malformed' | 'unauthorized' | 'forbidden' | 'rate_limited' | 'too_large' | 'not_found' | 'unavailable' | 'conflict';

export interface ErrorBody {
  error: ErrorCode;
  message: string;
  field?: string;
}

/** Parses a JSON text against a schema; the InputError names the bad field. */
export function parseMessage<T>(schema: z.ZodType<T>, text: string, context: string): { ok: true; value: T } | { ok: false; error: InputError | SyntaxError } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: new SyntaxError(`not JSON: ${(e as Error).message}`) };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: fromZodError(parsed.error, context) };
  return { ok: true, value: parsed.data };
}

export function errorBody(code: ErrorCode, err: Error | string): ErrorBody {
  if (typeof err === 'string') return { error: code, message: err };
  const field = (err as InputError).field;
  return field ? { error: code, message: err.message, field } : { error: code, message: err.message };
}
