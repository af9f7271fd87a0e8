import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { getSystem } from '../../src/systems.ts';
import { figurePlan } from '../../src/core/reproduce.ts';
import { runPool } from '../../src/core/pool.ts';
import { runSamplesDistributed, sampleKey } from '../../src/distributed/figures.ts';
import { solveThreeTierDistributed } from '../../src/distributed/three-tier.ts';
import { DistributedRunError, runDistributed } from '../../src/distributed/run.ts';
import { startWorker, type WorkerHandle } from '../../src/distributed/worker.ts';
import { resultsKey } from '../../src/distributed/settings.ts';
import { generateScenario } from '../../src/three-tier/generate.ts';
import { solveAdmm } from '../../src/three-tier/algorithms/admm.ts';
import { verifyThreeTier } from '../../src/verify/three-tier.ts';
import { compare } from '../../src/api/compare.ts';
import { compareDistributed } from '../../src/distributed/compare.ts';
import { testRedis, uniquePrefix, type RedisOrSkip } from './helpers.ts';

/** The client API against a real Redis, with BullMQ workers in this process (their own compute threads). */
const env: RedisOrSkip = await testRedis();

async function workers(url: string, prefix: string, n: number, log?: (line: string) => void): Promise<WorkerHandle[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => startWorker({ url, prefix, concurrency: 1, lockDurationMs: 5000, stalledIntervalMs: 2000, maxStalledCount: 2, name: `w${i}`, log })));
}

const quiet = { progress: false, log: () => {} };
const helperFig4 = getSystem('helper-coop').figures.find((f) => f.id === 'fig4')!;

describe('distributed runs (real Redis, in-process workers)', { skip: env.skip }, () => {
  const url = env.redis?.url ?? '';
  after(async () => { await env.redis?.stop(); });

  test('figure samples on 2 workers are exactly the local pool\'s (same seed, same numbers, same order)', async () => {
    const prefix = uniquePrefix('samples');
    const ws = await workers(url, prefix, 2);
    try {
      const { jobs } = figurePlan('helper-coop', helperFig4, { quick: true, runs: 4, seed: 7 });
      const local = await runPool(jobs, 1, () => {});
      const { samples, stats } = await runSamplesDistributed(jobs, { redis: url, prefix, runId: 'r1', ...quiet });
      assert.deepEqual(samples, local);
      assert.deepEqual(stats, { total: jobs.length, reused: 0, enqueued: jobs.length });
    } finally {
      await Promise.all(ws.map((w) => w.close()));
    }
  });

  test('three-tier groups on 2 workers give exactly the in-thread ADMM result, which verifies', async () => {
    const prefix = uniquePrefix('three-tier');
    const ws = await workers(url, prefix, 2);
    try {
      const s = generateScenario({ seed: 5, tasks: 90, sbs: 8, groups: 4, mbsCpuGHz: 10 });
      const { result, stats } = await solveThreeTierDistributed(s, { redis: url, prefix, chunks: 3, ...quiet });
      const inThread = solveAdmm(s);
      result.solveMs = inThread.solveMs = 0;
      assert.ok(stats.total >= 2 && stats.enqueued === stats.total, `${stats.total} chunk(s)`);
      assert.deepEqual(result, inThread);
      assert.ok(verifyThreeTier(s, result).ok);
    } finally {
      await Promise.all(ws.map((w) => w.close()));
    }
  });

  test('a job that fails on every attempt ends the run with its key and cause; the good jobs still finish', async () => {
    const prefix = uniquePrefix('fail');
    const lines: string[] = [];
    const ws = await workers(url, prefix, 1, (l) => lines.push(l));
    try {
      const { jobs } = figurePlan('helper-coop', helperFig4, { quick: true, runs: 1, seed: 1 });
      const bad = { ...jobs[0], figure: 'no-such-figure' };
      const items = [...jobs, bad].map((input) => ({ kind: 'figure-sample' as const, key: sampleKey(input), input }));
      await assert.rejects(runDistributed(items, { redis: url, prefix, runId: 'rf', attempts: 2, retryDelayMs: 10, ...quiet }), (err: unknown) => {
        assert.ok(err instanceof DistributedRunError);
        assert.equal(err.failures.length, 1);
        assert.equal(err.failures[0].key, sampleKey(bad));
        assert.match(err.failures[0].reason, /unknown figure helper-coop no-such-figure/);
        assert.match(err.message, /no-such-figure.*unknown figure/);
        return true;
      });
      // tried as often as allowed, then given up
      assert.equal(lines.filter((l) => l.startsWith('failed ') && l.includes('no-such-figure')).length, 2);
    } finally {
      await Promise.all(ws.map((w) => w.close()));
    }
  });

  test('compare cases on 2 workers: the local leaderboard and rows (times aside); user code refused unless the worker allows it', async () => {
    const prefix = uniquePrefix('compare');
    const lines: string[] = [];
    const ws = await workers(url, prefix, 2, (l) => lines.push(l));
    try {
      const hc = getSystem('helper-coop');
      const scenarios = [1, 2].map((seed) => ({ label: `seed ${seed}`, scenario: JSON.parse(JSON.stringify(hc.generate({ seed }))) }));
      const algorithms = ['jtpra', 'fo', 'lcff', 'nope'];
      const untimed = (run: Awaited<ReturnType<typeof compare>>) => ({ ...run, cases: run.cases.map((c) => ({ ...c, solveMs: null })),
        leaderboard: run.leaderboard.map((r) => ({ ...r, meanMs: null })) });
      const local = await compare(scenarios, algorithms);
      const remote = await compareDistributed(scenarios, algorithms, {}, { redis: url, prefix, ...quiet });
      assert.deepEqual(untimed(remote), untimed(local));
      assert.equal(remote.cases.filter((c) => c.verdict === 'valid').length, 6);
      assert.ok(remote.cases.every((c) => c.verdict !== 'valid' || c.solveMs! >= 0));

      const userCode = `exec:${process.execPath} -e 0`;
      await assert.rejects(compareDistributed(scenarios.slice(0, 1), [userCode], {}, { redis: url, prefix, ...quiet }),
        (err: unknown) => err instanceof DistributedRunError && /--allow-user-code/.test(err.message));
      // refused at once, not retried
      assert.equal(lines.filter((l) => l.startsWith('failed ') && l.includes('allow-user-code')).length, 1);
    } finally {
      await Promise.all(ws.map((w) => w.close()));
    }
  });

  test('resume takes stored results and computes only the missing keys; without resume everything is recomputed', async () => {
    const prefix = uniquePrefix('resume');
    const { jobs } = figurePlan('helper-coop', helperFig4, { quick: true, runs: 3, seed: 3 });
    const opts = { redis: url, prefix, runId: 'rr', ...quiet };
    let ws = await workers(url, prefix, 1);
    const first = await runSamplesDistributed(jobs, opts);
    await Promise.all(ws.map((w) => w.close()));

    // no worker at all: a resumed run can only finish from the stored results
    const stored = await runSamplesDistributed(jobs, { ...opts, resume: true });
    assert.deepEqual(stored.stats, { total: jobs.length, reused: jobs.length, enqueued: 0 });
    assert.deepEqual(stored.samples, first.samples);

    const redis = new Redis(url);
    try {
      const gone = [sampleKey(jobs[1]), sampleKey(jobs[4])];
      assert.equal(await redis.hdel(resultsKey({ url, prefix }, 'rr'), ...gone), 2);
      ws = await workers(url, prefix, 1);
      const partial = await runSamplesDistributed(jobs, { ...opts, resume: true });
      assert.deepEqual(partial.stats, { total: jobs.length, reused: jobs.length - 2, enqueued: 2 });
      assert.deepEqual(partial.samples, first.samples);
      const fresh = await runSamplesDistributed(jobs, opts);
      assert.deepEqual(fresh.stats, { total: jobs.length, reused: 0, enqueued: jobs.length });
      assert.deepEqual(fresh.samples, first.samples);
    } finally {
      redis.disconnect();
      await Promise.all(ws.map((w) => w.close()));
    }
  });
});

test('an unreachable Redis is one clear error, not a hang', async () => {
  const { jobs } = figurePlan('helper-coop', helperFig4, { quick: true, runs: 1, seed: 1 });
  await assert.rejects(runSamplesDistributed(jobs, { redis: 'redis://127.0.0.1:1', prefix: 'x', ...quiet }), /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
});
