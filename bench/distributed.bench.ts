/**
 * Distributed figure sweep (issue 15): the same Monte Carlo sweep computed in this thread, on the
 * local piscina pool (2 threads), and by 1, 2 and 4 `mec worker` processes over Redis (a local
 * redis-server, or $REDIS_URL). Worker start-up (tsx, module loading: seconds of CPU) is timed
 * apart; the sweep time runs from the first enqueue to the last result. Every distributed run
 * is checked to give the in-thread samples exactly. `npm run bench -- distributed`;
 * RUNS=n samples a point (default 16), REPEAT=n runs a configuration (default 2, best kept).
 * On this 2-core machine, shared with other sessions, more than 2 workers cannot help: the
 * ratio column says what the hardware gave, with the load average next to it.
 * Then the queue's cost per job: a sweep of short samples (helper-coop fig7, a few ms) on 1 worker against
 * the same samples in this thread; (distributed - local) / jobs is the overhead of one job
 * (enqueue, fetch and lock, result write, completion event, result read) on loopback.
 */
import { execSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { printTable } from './timing.ts';
import { getSystem } from '../src/systems.ts';
import { figurePlan } from '../src/core/reproduce.ts';
import { runPool } from '../src/core/pool.ts';
import { runSamplesDistributed } from '../src/distributed/figures.ts';
import { startWorkers, stopAll, testRedis, uniquePrefix } from '../test/distributed/helpers.ts';

const runs = Number(process.env.RUNS ?? 16);
const repeat = Number(process.env.REPEAT ?? 2);
const load = () => execSync('uptime').toString().trim().replace(/.*load average/, 'load average');
const fig = getSystem('helper-coop').figures.find((f) => f.id === 'fig3')!;
const { jobs } = figurePlan('helper-coop', fig, { quick: true, runs, seed: 1 });
console.log(`sweep: helper-coop fig3 --quick --runs ${runs} (${jobs.length} samples); machine: ${load()}`);

const env = await testRedis();
if (env.redis === undefined) {
  console.log(`skipped: ${env.skip}`);
} else {
  const url = env.redis.url;
  const rows: Record<string, string | number>[] = [];
  const best = async (fn: () => Promise<Record<string, number>[]>) => {
    let ms = Infinity, out: Record<string, number>[] = [];
    for (let r = 0; r < repeat; r++) {
      const t0 = performance.now();
      out = await fn();
      ms = Math.min(ms, performance.now() - t0);
    }
    return { ms, out };
  };
  const base = await best(async () => runPool(jobs, 1, () => {}));
  rows.push({ runner: 'in this thread', 'start s': 0, 'sweep s': base.ms / 1000, 'speed-up': 1, identical: 'yes', load: load() });
  const pool = await best(async () => runPool(jobs, 2, () => {}));
  rows.push({ runner: 'local pool, 2 threads', 'start s': 0, 'sweep s': pool.ms / 1000, 'speed-up': base.ms / pool.ms,
    identical: isDeepStrictEqual(pool.out, base.out) ? 'yes' : 'NO', load: load() });
  try {
    for (const n of [1, 2, 4]) {
      const prefix = uniquePrefix(`bench${n}`);
      const t0 = performance.now();
      await startWorkers(url, prefix, n);
      const startMs = performance.now() - t0;
      let k = 0;
      const d = await best(async () => (await runSamplesDistributed(jobs, { redis: url, prefix, runId: `bench${k++}`, progress: false })).samples);
      rows.push({ runner: `${n} mec worker${n > 1 ? 's' : ''} (Redis)`, 'start s': startMs / 1000, 'sweep s': d.ms / 1000, 'speed-up': base.ms / d.ms,
        identical: isDeepStrictEqual(d.out, base.out) ? 'yes' : 'NO', load: load() });
      await stopAll();
    }
    printTable(rows);
    const tiny = figurePlan('helper-coop', getSystem('helper-coop').figures.find((f) => f.id === 'fig7')!, { quick: true, runs: 70, seed: 1 }).jobs;
    const prefix = uniquePrefix('bench-overhead');
    await startWorkers(url, prefix, 1);
    let k = 0;
    const local = await best(async () => runPool(tiny, 1, () => {}));
    const remote = await best(async () => (await runSamplesDistributed(tiny, { redis: url, prefix, runId: `overhead${k++}`, progress: false })).samples);
    console.log(`per-job overhead: ${tiny.length} samples of helper-coop fig7 (~${(local.ms / tiny.length).toFixed(2)} ms each in this thread): `
      + `1 worker ${(remote.ms / 1000).toFixed(2)} s vs ${(local.ms / 1000).toFixed(2)} s in this thread -> ${((remote.ms - local.ms) / tiny.length).toFixed(2)} ms a job`
      + ` (identical: ${isDeepStrictEqual(remote.out, local.out) ? 'yes' : 'NO'}); ${load()}`);
  } finally {
    await stopAll();
    await env.redis.stop();
  }
}
