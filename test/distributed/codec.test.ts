import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decode, digest, encode } from '../../src/distributed/codec.ts';
import { computeEncoded } from '../../src/distributed/jobs.ts';
import { sampleKey } from '../../src/distributed/figures.ts';
import { parsePrefix, parseRedisUrl } from '../../src/distributed/settings.ts';
import { redisOptions } from '../../src/cli/worker.ts';
import { InputError } from '../../src/core/errors.ts';
import { getSystem } from '../../src/systems.ts';
import { figurePlan } from '../../src/core/reproduce.ts';

test('the codec round-trips every double bit for bit (NaN, ±Infinity, -0) and typed arrays, unlike JSON', () => {
  fc.assert(fc.property(fc.dictionary(fc.string(), fc.double(), { noNullPrototype: true }), fc.float64Array(), (record, arr) => {
    const back = decode<{ record: Record<string, number>; arr: Float64Array }>(encode({ record, arr }));
    assert.deepEqual(back.record, record);
    assert.ok(back.arr instanceof Float64Array);
    assert.deepEqual([...back.arr], [...arr]);
  }));
  assert.ok(Object.is(decode<number>(encode(-0)), -0));
  assert.notDeepEqual(JSON.parse(JSON.stringify({ x: NaN })), { x: NaN }); // why not JSON
});

test('a sample computed through the job interface equals the figure\'s own sample', async () => {
  const fig = getSystem('helper-coop').figures.find((f) => f.id === 'fig4')!;
  const [job] = figurePlan('helper-coop', fig, { quick: true, runs: 1, seed: 2 }).jobs;
  assert.deepEqual(decode(await computeEncoded({ kind: 'figure-sample', payload: encode(job) })), fig.sample(job.point, job.seed));
  await assert.rejects(computeEncoded({ kind: 'nope', payload: encode(job) }), /unknown job kind "nope"/);
});

test('sample keys are distinct across a whole figure plan and name system, figure, point and seed', () => {
  for (const system of ['helper-coop', 'three-tier']) {
    for (const fig of getSystem(system).figures) {
      const { jobs } = figurePlan(system, fig, { runs: 3, seed: 1 });
      assert.equal(new Set(jobs.map(sampleKey)).size, jobs.length, `${system} ${fig.id}`);
    }
  }
  assert.equal(sampleKey({ system: 's', figure: 'f', point: { x: 2, panel: 'N = 4' }, seed: 9 }), 's|f|N = 4|2|9');
  assert.notEqual(digest('a', 'bc'), digest('ab', 'c'));
});

test('bad --redis, --prefix and --resume without --redis name the flag', () => {
  const field = (f: () => unknown) => { try { f(); } catch (e) { assert.ok(e instanceof InputError); return e.field; } assert.fail('no error'); };
  assert.equal(field(() => parseRedisUrl('localhost:6379')), '--redis');
  assert.equal(field(() => parseRedisUrl('http://localhost:6379')), '--redis');
  assert.equal(parseRedisUrl('rediss://h:6380/1'), 'rediss://h:6380/1');
  assert.equal(field(() => parsePrefix('a b')), '--prefix');
  assert.equal(field(() => redisOptions({ prefix: 'mec', resume: true })), '--resume');
  assert.equal(field(() => redisOptions({ redis: 'redis://h', prefix: 'mec', runId: 'x:y' })), '--run-id');
  assert.deepEqual(redisOptions({ redis: 'redis://h', prefix: 'p', resume: true }), { redis: 'redis://h', prefix: 'p', resume: true });
  assert.equal(redisOptions({ prefix: 'mec' }), undefined);
});

test('--redis is refused, naming the flag, for an algorithm without a distributed path; unchanged without it', async () => {
  const { distributedSolver } = await import('../../src/distributed/solver.ts');
  const { algorithmSolver } = await import('../../src/api/solver.ts');
  const system = getSystem('three-tier');
  const solver = (name: string) => algorithmSolver(system.algorithms.find((a) => a.name === name)!, true);
  const greedy = solver('greedy');
  assert.equal(distributedSolver(system, greedy, undefined), greedy);
  assert.throws(() => distributedSolver(system, greedy, { redis: 'redis://h' }), (e: unknown) => e instanceof InputError && e.field === '--redis' && /three-tier admm/.test(e.message));
  const admm = distributedSolver(system, solver('admm'), { redis: 'redis://h' });
  await assert.rejects(admm.run(system.generate({ seed: 1 }), { timeBudgetMs: 10 }), (e: unknown) => e instanceof InputError && e.field === '--time-budget-ms');
});
