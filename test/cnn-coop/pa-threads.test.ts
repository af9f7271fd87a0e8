import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateScenario } from '../../src/cnn-coop/generate.ts';
import { precompute } from '../../src/cnn-coop/physics.ts';
import { layerSearch } from '../../src/cnn-coop/layer-search.ts';
import { deadlinePenalty, rltData } from '../../src/cnn-coop/rlt-pairs.ts';
import { solveHullCone } from '../../src/cnn-coop/rlt-ipm-cone.ts';
import * as team from '../../src/cnn-coop/rlt-ipm-team.ts';
import { pa } from '../../src/cnn-coop/algorithms/pa.ts';
import { verifyCnnCoop } from '../../src/verify/cnn-coop.ts';

// The threaded sweeps (rlt-ipm-team.ts) start at 20,000 pairs; here the threshold is lowered so
// that an instance of 1,600 pairs takes that path, and the helper is waited for so that it does
// run its half (a skipped or wrong half changes the optimum far beyond 1e-9).
const oneThread = <T>(f: () => T): T => {
  const before = process.env.MEC_THREADS;
  process.env.MEC_THREADS = '1';
  try { return f(); } finally { if (before === undefined) delete process.env.MEC_THREADS; else process.env.MEC_THREADS = before; }
};

test('the conic IPM on two threads (helper doing half the devices) reaches the one-thread optimum to 1e-9, certified', { skip: (await import('node:os')).availableParallelism() < 2 }, () => {
  const s = generateScenario({ seed: 3, devices: 200, servers: 8 });
  const pre = precompute(s);
  const d = rltData(s, pre, layerSearch(s, pre));
  const threads = { minPairs: 1000, waitForHelper: true };
  const one = oneThread(() => solveHullCone(d, { threads }));
  const ran = team.helperChunks;
  const two = solveHullCone(d, { threads });
  assert.ok(team.helperChunks > ran + 100, `the helper ran ${team.helperChunks - ran} chunks`);
  const total = (r: typeof one) => r.objective + deadlinePenalty(d) * r.deadlineSlackS.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total(two) - total(one)) <= 1e-9 * total(one), `${total(two)} vs ${total(one)}`);
  for (let m = 0; m < d.M; m++) for (let n = 0; n < d.N; n++) assert.ok(Math.abs(two.x[m][n] - one.x[m][n]) <= 1e-9, `x[${m}][${n}]`);
  const { lower, upper } = two.ipm;
  assert.ok(upper - lower <= 1e-6 * upper, `certificate [${lower}, ${upper}]`);
});

test('pa with the threaded relaxation makes the one-thread plan, which passes the checker', { skip: (await import('node:os')).availableParallelism() < 2 }, () => {
  const saved = { ...team.threadDefaults };
  Object.assign(team.threadDefaults, { minPairs: 1000, waitForHelper: true });
  try {
    const s = generateScenario({ seed: 5, devices: 200, servers: 8 });
    const one = oneThread(() => pa.solve(s));
    const ran = team.helperChunks;
    const two = pa.solve(s);
    assert.ok(team.helperChunks > ran, 'the helper took no part');
    assert.equal(two.info?.relaxationMethod, 'ipm', 'stage 2 fell back to HiGHS');
    assert.deepEqual(two.tasks.map((t) => t.place), one.tasks.map((t) => t.place));
    const v = verifyCnnCoop(s, two);
    assert.ok(v.ok, JSON.stringify(v.issues.slice(0, 2)));
  } finally {
    Object.assign(team.threadDefaults, saved);
  }
});
