import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Progress } from '../core/progress.ts';
import { decode, encode } from './codec.ts';
import type { JobKind, JobKinds } from './jobs.ts';
import { DEFAULT_PREFIX, QUEUE_NAME, bullConnection, openRedis, resultsKey, type QueuedJobData } from './settings.ts';

/**
 * The client side: enqueue a batch of jobs, follow their completions (BullMQ queue events), read
 * each result from the run's results hash, and return them by key. Results are keyed (run id +
 * key, e.g. system|figure|panel|x|seed), so
 *   - a job that ran twice (retried after its worker died, or queued by an interrupted earlier
 *     run) still yields one result: we count keys, not completions;
 *   - `resume` reads what the hash already holds and enqueues only the rest; without it every
 *     job is computed afresh (and overwrites the stored value: the code may have changed).
 * A job that fails after its attempts (or stalls more than the workers allow) ends the run with
 * a DistributedRunError naming the job and its cause; jobs still queued keep running on the
 * workers and their results are kept for a later `resume`.
 */
export interface WorkItem<K extends JobKind = JobKind> {
  kind: K;
  key: string;
  input: JobKinds[K]['input'];
}

export interface DistributedOptions {
  /** redis://host:port */
  redis: string;
  prefix?: string;
  /** Names the results hash; same run id + same key = same result. */
  runId: string;
  resume?: boolean;
  /** Attempts of a job that throws (default 3). */
  attempts?: number;
  /** Delay before a failed job's next attempt (default 500 ms). */
  retryDelayMs?: number;
  /** Progress bar label; `progress: false` draws none. */
  label?: string;
  progress?: boolean;
  /** Notices (e.g. "no worker connected"), default: stderr. */
  log?: (line: string) => void;
}

export interface RunStats {
  total: number;
  /** Taken from the results hash (`resume`). */
  reused: number;
  enqueued: number;
}

export class DistributedRunError extends Error {
  constructor(readonly failures: Array<{ key: string; jobId: string; reason: string }>, readonly stats: { done: number; total: number }) {
    super(`${failures.length} job(s) failed (${stats.done}/${stats.total} done; finished results are kept for --resume): `
      + failures.map((f) => `${f.key} [job ${f.jobId}]: ${f.reason}`).join('; '));
    this.name = 'DistributedRunError';
  }
}

const ADD_BATCH = 500;

export async function runDistributed<K extends JobKind>(items: WorkItem<K>[], opts: DistributedOptions): Promise<{ results: Map<string, JobKinds[K]['output']>; stats: RunStats }> {
  const target = { url: opts.redis, prefix: opts.prefix ?? DEFAULT_PREFIX };
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const unique = new Map<string, WorkItem<K>>();
  for (const it of items) if (!unique.has(it.key)) unique.set(it.key, it);
  const work = [...unique.values()];
  const hash = resultsKey(target, opts.runId);
  const results = new Map<string, JobKinds[K]['output']>();
  const redis = openRedis(target.url);
  let lastError = '';
  redis.on('error', (err: Error) => { lastError = err.message; }); // surfaced by the commands that fail (the ping below first)
  const connection = bullConnection(target.url);
  let queue: Queue | undefined, events: QueueEvents | undefined;
  try {
    await redis.ping().catch((err: Error) => { throw new Error(`cannot reach Redis at ${target.url}: ${lastError || err.message}`); });
    if (opts.resume) {
      for (let i = 0; i < work.length; i += ADD_BATCH) {
        const keys = work.slice(i, i + ADD_BATCH).map((w) => w.key);
        const stored = await redis.hmget(hash, ...keys);
        stored.forEach((v, j) => { if (v !== null) results.set(keys[j], decode(v)); });
      }
    }
    const reused = results.size;
    const todo = work.filter((w) => !results.has(w.key));
    const stats: RunStats = { total: work.length, reused, enqueued: todo.length };
    const progress = new Progress(work.length, opts.label ?? 'distributed', opts.progress ?? true);
    if (reused > 0) progress.tick(reused);
    if (todo.length === 0) return { results, stats };

    // Events keep their own stream, trimmed to maxLen (a queue-wide setting); make room for every
    // event of this batch (several a job) so a client that falls behind still finds its
    // completions, within a bound on Redis memory (~200 bytes an event).
    queue = new Queue(QUEUE_NAME, { connection, prefix: target.prefix, streams: { events: { maxLen: Math.min(1_000_000, Math.max(10_000, 10 * todo.length)) } } });
    // Follow events from the stream's current end, read before the first job is added (the
    // default '$' would be taken when the reader's first XREAD runs, possibly after early completions).
    const eventsKey = `${target.prefix}:${QUEUE_NAME}:events`;
    const last = await redis.xrevrange(eventsKey, '+', '-', 'COUNT', 1);
    events = new QueueEvents(QUEUE_NAME, { connection, prefix: target.prefix, lastEventId: last[0]?.[0] ?? '0-0' });
    const session = randomUUID().slice(0, 8);
    const pending = new Map<string, string>(); // job id -> key
    const jobs = todo.map((w, i) => {
      const jobId = `${opts.runId}.${session}.${i}`;
      pending.set(jobId, w.key);
      const data: QueuedJobData = { kind: w.kind, key: w.key, runId: opts.runId, reuse: !!opts.resume, payload: encode(w.input) };
      return { name: w.kind, data, opts: { jobId, attempts: opts.attempts ?? 3, backoff: { type: 'fixed', delay: opts.retryDelayMs ?? 500 },
        removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } } };
    });

    const finished = new Promise<void>((resolve, reject) => {
      const failures: Array<{ key: string; jobId: string; reason: string }> = [];
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err) reject(err); else resolve();
      };
      events!.on('completed', ({ jobId }) => {
        const key = pending.get(jobId);
        if (key === undefined) return;
        pending.delete(jobId);
        redis.hget(hash, key).then((v) => {
          if (v === null) throw new Error(`job ${jobId} (${key}) completed but its result is not in ${hash} (deleted meanwhile?)`);
          results.set(key, decode(v));
          progress.tick();
          if (results.size === work.length) settle();
        }).catch((err: Error) => settle(err));
      });
      events!.on('failed', ({ jobId, failedReason }) => {
        const key = pending.get(jobId);
        if (key === undefined) return;
        pending.delete(jobId);
        failures.push({ key, jobId, reason: failedReason });
        settle(new DistributedRunError(failures, { done: results.size, total: work.length }));
      });
      events!.on('error', (err) => log(`queue events: ${err.message}`));
    });
    finished.catch(() => {}); // observed below; avoids an unhandled rejection while jobs are still being added
    await events.waitUntilReady();
    for (let i = 0; i < jobs.length; i += ADD_BATCH) await queue.addBulk(jobs.slice(i, i + ADD_BATCH));
    if ((await queue.getWorkersCount()) === 0) {
      log(`no worker is connected to ${target.prefix}:${QUEUE_NAME} yet; ${todo.length} job(s) wait for \`mec worker --redis ${opts.redis}${target.prefix === DEFAULT_PREFIX ? '' : ` --prefix ${target.prefix}`}\``);
    }
    await finished;
    return { results, stats };
  } finally {
    await events?.close();
    await queue?.close();
    await redis.quit();
  }
}
