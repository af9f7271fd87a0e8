import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { parseNumberFlag } from './parse.ts';
import { DEFAULT_PREFIX, parsePrefix, parseRedisUrl } from '../distributed/settings.ts';
import { defaultWorkerTuning } from '../distributed/worker.ts';

/**
 * `mec worker --redis URL`, and the `--redis` options of the commands that can hand their work
 * to workers (reproduce, three-tier solving). The logic is in src/distributed.
 */
export function registerWorkerCommand(program: Command): void {
  program.command('worker')
    .description('take jobs (figure samples, three-tier group chunks, compare cases) from a Redis queue until stopped; SIGINT/SIGTERM finish the jobs in hand first')
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://host:6379')
    .option('--prefix <name>', 'key prefix, the same as the clients\'', DEFAULT_PREFIX)
    .option('--concurrency <n>', 'jobs at once (one compute thread each)', String(defaultWorkerTuning.concurrency))
    .option('--lock-ms <ms>', 'job lock duration: a dead worker\'s job is retried elsewhere after about this long', String(defaultWorkerTuning.lockDurationMs))
    .option('--stalled-ms <ms>', 'interval of the stalled-job check', String(defaultWorkerTuning.stalledIntervalMs))
    .option('--allow-user-code', 'also run `mec compare` cases with exec:<program> or module-path algorithms (whoever can write to the Redis can then run programs here; the paths must exist on this machine)')
    .option('--quiet', 'no line per job on stderr')
    .action(async (flags: { redis: string; prefix: string; concurrency: string; lockMs: string; stalledMs: string; allowUserCode?: boolean; quiet?: boolean }) => {
      const positive = (flag: string, v: string) => {
        const n = parseNumberFlag(flag, v, 'int');
        if (n < 1) throw new InputError('must be at least 1', `--${flag}`);
        return n;
      };
      const opts = {
        url: parseRedisUrl(flags.redis), prefix: parsePrefix(flags.prefix),
        concurrency: positive('concurrency', flags.concurrency), lockDurationMs: positive('lock-ms', flags.lockMs),
        stalledIntervalMs: positive('stalled-ms', flags.stalledMs), maxStalledCount: defaultWorkerTuning.maxStalledCount,
        allowUserCode: !!flags.allowUserCode,
      };
      const { startWorker } = await import('../distributed/worker.ts');
      const handle = await reportingDistributedFailure(() => startWorker({ ...opts, log: (line) => { if (!flags.quiet || !/^(active|completed) /.test(line)) process.stderr.write(`worker: ${line}\n`); } }));
      await new Promise<void>((resolve) => {
        const stop = (sig: string) => {
          process.stderr.write(`worker: ${sig}: finishing the jobs in hand\n`);
          handle.close().then(resolve, resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}

export interface RedisFlags {
  redis?: string;
  /** Commander's default: DEFAULT_PREFIX. */
  prefix?: string;
  resume?: boolean;
  runId?: string;
}

/** Adds --redis, --prefix, --resume, --run-id to a command that can run on workers. */
export function addRedisOptions(cmd: Command): Command {
  return cmd
    .option('--redis <url>', 'hand the work to `mec worker`s through this Redis (e.g. redis://host:6379)')
    .option('--prefix <name>', 'with --redis: key prefix shared with the workers', DEFAULT_PREFIX)
    .option('--resume', 'with --redis: reuse results already stored for this run (same run id and key) instead of recomputing')
    .option('--run-id <id>', 'with --redis: name of the stored results (default: derived from the work)');
}

/** The checked distributed options, or undefined without --redis. */
export function redisOptions(flags: RedisFlags): { redis: string; prefix: string; resume: boolean; runId?: string } | undefined {
  if (!flags.redis) {
    if (flags.resume) throw new InputError('needs --redis (results are stored in Redis)', '--resume');
    return undefined;
  }
  return { redis: parseRedisUrl(flags.redis), prefix: parsePrefix(flags.prefix ?? DEFAULT_PREFIX), resume: !!flags.resume,
    ...(flags.runId === undefined ? {} : { runId: parsePrefix(flags.runId, '--run-id') }) };
}

/**
 * Runs a command's distributed part; a failed run (a job failed for good, Redis unreachable)
 * prints one clear line and exits 1 instead of an internal-error stack.
 */
export async function reportingDistributedFailure<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const e = err as Error;
    if (e.name === 'DistributedRunError' || /^cannot reach Redis/.test(e.message)) {
      process.stderr.write(`mec: error: ${e.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
