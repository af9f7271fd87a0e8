import { Redis } from 'ioredis';
import { InputError } from '../core/errors.ts';

/**
 * What the clients (`reproduce --redis`, three-tier `--redis`) and `mec worker` agree on: the
 * Redis URL, a key prefix (several independent deployments or tests can share one Redis), the
 * queue name and where results live.
 */
export const QUEUE_NAME = 'mec-jobs';
export const DEFAULT_PREFIX = 'mec';
/** Results stay this long after their last write (a `--resume` later than that recomputes). */
export const RESULT_TTL_S = 7 * 24 * 3600;

export interface RedisTarget {
  url: string;
  /** Key prefix (BullMQ's `prefix`); every key of the deployment starts with it. */
  prefix: string;
}

/** Checks a `--redis` value: redis:// or rediss:// with a host. */
export function parseRedisUrl(value: string, field = '--redis'): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new InputError(`expected a URL like redis://host:6379, got "${value}"`, field);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InputError(`expected a redis:// or rediss:// URL, got "${value}"`, field);
  if (!u.hostname) throw new InputError(`no host in "${value}"`, field);
  return value;
}

export function parsePrefix(value: string, field = '--prefix'): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) throw new InputError(`expected 1-64 letters, digits, ".", "_" or "-", got "${value}"`, field);
  return value;
}

/** BullMQ connection options: its blocking commands need maxRetriesPerRequest null. */
export function bullConnection(url: string): { url: string; maxRetriesPerRequest: null } {
  return { url, maxRetriesPerRequest: null };
}

/** A plain client for the results hashes (BullMQ's own connections stay BullMQ's). */
export function openRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
}

/** The hash holding one run's results, field = the job's key. */
export function resultsKey(target: RedisTarget, runId: string): string {
  return `${target.prefix}:mec-results:${runId}`;
}

/** What a queued job carries (BullMQ stores it as JSON; the payload is codec-encoded). */
export interface QueuedJobData {
  kind: string;
  /** Identifies the result within the run (e.g. system|figure|panel|x|seed). */
  key: string;
  runId: string;
  /** Reuse a stored result for this key instead of computing (set by `--resume`). */
  reuse: boolean;
  payload: string;
}

/** One job as the compute thread gets it (its whole interface). */
export interface EncodedJob {
  kind: string;
  payload: string;
}

/** A job of this kind only loads the modules (a worker warms its threads before taking work). */
export const WARM_UP = 'warm-up';
