import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { getSystem } from '../../src/systems.ts';
import { reproduceFigure } from '../../src/core/reproduce.ts';
import { generateScenario } from '../../src/three-tier/generate.ts';
import { solveAdmm } from '../../src/three-tier/algorithms/admm.ts';
import { QUEUE_NAME } from '../../src/distributed/settings.ts';
import { writeFileAtomic, toJson } from '../../src/core/io.ts';
import { mec, mecRun, startWorkers, stopAll, testRedis, uniquePrefix, type Proc, type RedisOrSkip } from './helpers.ts';

/** `mec worker` processes and `mec reproduce/three-tier-solve --redis` clients, as deployed. */
const env: RedisOrSkip = await testRedis();
const dir = mkdtempSync(join(tmpdir(), 'mec-distributed-'));

/*
 * One prefix and one set of 3 worker processes for this file's tests (they run one after another,
 * each with its own run id; each worker process costs seconds of CPU to start on this machine).
 * The SIGKILL test comes last, as it leaves 2 workers.
 */
describe('mec worker processes over a real Redis', { skip: env.skip }, () => {
  const url = env.redis?.url ?? '';
  const prefix = uniquePrefix('workers');
  let workers: Proc[] = [];
  before(async () => { workers = await startWorkers(url, prefix, 3); });
  after(async () => {
    await stopAll();
    await env.redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('three-tier-solve --redis prints the in-thread solver\'s result; --resume reads the stored one', async () => {
    const s = generateScenario({ seed: 9, tasks: 80, sbs: 8, groups: 4, mbsCpuGHz: 10 });
    const file = join(dir, 'tt.json');
    writeFileAtomic(file, toJson(s));
    const args = ['three-tier-solve', file, '--json', '--redis', url, '--prefix', prefix, '--run-id', 'tt'];
    const local = JSON.parse(toJson({ ...solveAdmm(s), solveMs: 0 }));
    const json = (out: string) => ({ ...JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)), solveMs: 0 });
    const run = await mecRun(args);
    assert.equal(run.code, 0, run.output);
    assert.deepEqual(json(run.output), local);
    const before = workers.map((w) => (w.output().match(/completed tt\./g) ?? []).length);
    const resumed = await mecRun([...args, '--resume']);
    assert.equal(resumed.code, 0, resumed.output);
    assert.deepEqual(json(resumed.output), local);
    // nothing was queued again
    assert.deepEqual(workers.map((w) => (w.output().match(/completed tt\./g) ?? []).length), before);
  });

  test('an unreachable Redis: one clear line, exit 1, for a client and for a worker', async () => {
    const [client, worker] = await Promise.all([
      mecRun(['reproduce', 'helper-coop', 'fig4', '--quick', '--out', join(dir, 'down'), '--redis', 'redis://127.0.0.1:1']),
      mecRun(['worker', '--redis', 'redis://127.0.0.1:1']),
    ]);
    for (const down of [client, worker]) {
      assert.equal(down.code, 1, down.output);
      assert.match(down.output, /mec: error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
    }
  });

  test('a job that fails for good ends the command: exit 1, one line naming the job and its cause', async () => {
    const run = await mecRun(['compare', '--generate', 'helper-coop', '--seeds', '1', '-a', 'exec:/bin/true', '--redis', url, '--prefix', prefix, '--run-id', 'refused']);
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /mec: error: 1 job\(s\) failed \(0\/1 done.*\): seed 1\|exec:\/bin\/true\|\w+ \[job refused\.\S+\]: .*does not run user code from the queue/);
  });

  test('SIGKILL of one of 3 workers during a sweep: its job is retried on another, and the figure is exactly the local one', async () => {
    const events = new QueueEvents(QUEUE_NAME, { connection: { url }, prefix });
    await events.waitUntilReady();
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    try {
      const [victim, ...others] = workers;
      const client = mec(['reproduce', 'helper-coop', 'fig3', '--quick', '--runs', '6', '--seed', '5', '--out', join(dir, 'remote'),
        '--redis', url, '--prefix', prefix, '--run-id', 'kill']);
      // The victim holds a job from its first "active" on: on completion a BullMQ worker takes its
      // next job in the same step while jobs wait (18 jobs for 3 workers), so killing it now
      // always leaves one job locked by a dead worker.
      await victim.waitFor(/worker: active kill\./);
      victim.child.kill('SIGKILL');
      assert.equal(await client.exited, 0, client.output());
      // completed by the survivors, after the dead worker's lock expired
      const recovered = stalled.filter((id) => id.startsWith('kill.'));
      assert.ok(recovered.length > 0, `no stalled job of this run among [${stalled.join(', ')}]`);
      for (const id of recovered) assert.ok(others.some((w) => w.output().includes(`completed ${id} `)), `${id} not completed by a survivor`);

      const fig = getSystem('helper-coop').figures.find((f) => f.id === 'fig3')!;
      await reproduceFigure('helper-coop', fig, { quick: true, runs: 6, seed: 5, workers: 1, outDir: join(dir, 'local'), progress: false });
      const csv = (where: string) => readFileSync(join(dir, where, 'helper-coop', 'fig3.csv'), 'utf8');
      assert.equal(csv('remote'), csv('local'));
      // every sample counted once: n = 6 runs at every point
      assert.ok(csv('remote').trim().split('\n').slice(1).every((row) => row.endsWith(',6')));
    } finally {
      await events.close();
    }
  });
});
