import { hostname } from 'node:os';
import { Piscina } from 'piscina';
import { UnrecoverableError, Worker } from 'bullmq';
import { isModuleSpec } from '../api/module.ts';
import type { CompareCaseInput } from '../api/compare.ts';
import { decode } from './codec.ts';
import { QUEUE_NAME, WARM_UP, type EncodedJob, RESULT_TTL_S, bullConnection, openRedis, resultsKey, type QueuedJobData, type RedisTarget } from './settings.ts';

/**
 * `mec worker`: a BullMQ worker on the shared queue. Each job runs on a compute thread (piscina),
 * never on the main thread, so the main thread renews the job locks on time and a short
 * `lockDurationMs` is safe: a worker that dies (SIGKILL, lost machine) stops renewing, its job's
 * lock expires, and the stalled-job check of any other worker puts the job back in the queue.
 * The result goes to the run's results hash (field = the job's key) before BullMQ marks the job
 * completed, so a completed job always has its result stored, and a job retried after a stall
 * writes the same field again: results are counted per key, never per attempt.
 */
export interface WorkerOptions extends RedisTarget {
  /** Jobs at once, one compute thread each. */
  concurrency: number;
  /** How long a job's lock lasts without renewal (renewed every half of it). */
  lockDurationMs: number;
  /** How often this worker looks for stalled jobs (held by workers that stopped renewing). */
  stalledIntervalMs: number;
  /** How many times a job may stall before it counts as failed. */
  maxStalledCount: number;
  name?: string;
  /**
   * Run `mec compare` cases whose algorithm is user code (exec:<program>, a module path). Off by
   * default: whoever can write to the Redis could otherwise run programs on this machine.
   */
  allowUserCode?: boolean;
  /** One line per event (ready, active, completed, failed); default: nothing. */
  log?: (line: string) => void;
}

export const defaultWorkerTuning = { concurrency: 1, lockDurationMs: 10_000, stalledIntervalMs: 5_000, maxStalledCount: 2 };

export interface WorkerHandle {
  name: string;
  /** Finishes the jobs in hand, then disconnects. */
  close(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<WorkerHandle> {
  const log = opts.log ?? (() => {});
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  // fail at once on a wrong URL or a Redis that is down (a supervisor restarts the worker);
  // once connected, outages are ridden out by reconnecting
  const redis = openRedis(opts.url);
  let lastError = '';
  redis.on('error', (err: Error) => { if (err.message !== lastError) log(`redis: ${(lastError = err.message)}`); });
  await redis.ping().catch((err: Error) => {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${opts.url}: ${lastError || err.message}`);
  });
  const pool = new Piscina({
    filename: new URL('./compute-thread.mjs', import.meta.url).href,
    minThreads: opts.concurrency,
    maxThreads: opts.concurrency,
  });
  // Load the sources on every thread before taking work, so "ready" means ready.
  await Promise.all(Array.from({ length: opts.concurrency }, () => pool.run({ kind: WARM_UP, payload: '' } satisfies EncodedJob)));

  const worker = new Worker<QueuedJobData, { key: string; reused: boolean }>(QUEUE_NAME, async (job) => {
    const d = job.data;
    if (d.kind === 'compare-case' && !opts.allowUserCode) {
      const { algorithm } = decode<CompareCaseInput>(d.payload);
      if (algorithm.startsWith('exec:') || isModuleSpec(algorithm)) {
        // the same answer on every worker and every attempt: fail now rather than retry
        throw new UnrecoverableError(`${name} does not run user code from the queue ("${algorithm}"); start the workers with --allow-user-code (anyone who can write to this Redis can then run programs on them)`);
      }
    }
    const hash = resultsKey(opts, d.runId);
    if (d.reuse && (await redis.hexists(hash, d.key))) return { key: d.key, reused: true };
    const out = (await pool.run({ kind: d.kind, payload: d.payload } satisfies EncodedJob)) as string;
    // MULTI reports a command's error in its reply, not as a rejection: a result that was not
    // stored must fail the job (and be retried), never complete it
    const replies = await redis.multi().hset(hash, d.key, out).expire(hash, RESULT_TTL_S).exec();
    const failed = replies === null ? new Error('transaction aborted') : replies.find(([err]) => err)?.[0];
    if (failed) throw new Error(`could not store the result in ${hash}: ${failed.message}`);
    return { key: d.key, reused: false };
  }, {
    connection: bullConnection(opts.url),
    prefix: opts.prefix,
    name,
    autorun: false,
    concurrency: opts.concurrency,
    lockDuration: opts.lockDurationMs,
    stalledInterval: opts.stalledIntervalMs,
    maxStalledCount: opts.maxStalledCount,
  });
  worker.on('active', (job) => log(`active ${job.id} ${job.data.key}`));
  worker.on('completed', (job) => log(`completed ${job.id} ${job.data.key}`));
  worker.on('failed', (job, err) => log(`failed ${job?.id ?? '?'} ${job?.data.key ?? ''} (attempt ${job?.attemptsMade ?? '?'}): ${err.message}`));
  worker.on('error', (err) => { if (err.message !== lastError) log(`error ${(lastError = err.message)}`); });
  await worker.waitUntilReady();
  const running = worker.run();
  log(`ready ${name} (queue ${opts.prefix}:${QUEUE_NAME}, concurrency ${opts.concurrency})`);

  let closing: Promise<void> | undefined;
  return {
    name,
    close: () => closing ??= (async () => {
      await worker.close();
      await running;
      await pool.destroy();
      await redis.quit();
    })(),
  };
}
