import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateScenario } from '../../src/three-tier/generate.ts';
import { solveAdmm } from '../../src/three-tier/algorithms/admm.ts';
import { solveParallel } from '../../src/three-tier/parallel/solve-parallel.ts';
import { globalTaskUpdate } from '../../src/three-tier/admm/global-update.ts';
import { verifyThreeTier } from '../../src/verify/three-tier.ts';

test('solveParallel on 2 workers gives exactly the in-thread ADMM result', async () => {
  const s = generateScenario({ seed: 11, tasks: 120, sbs: 8, groups: 4, mbsCpuGHz: 10 });
  const inThread = solveAdmm(s);
  const parallel = await solveParallel(s, { workers: 2 });
  inThread.solveMs = parallel.solveMs = 0;
  assert.deepEqual(parallel, inThread);
  assert.ok(verifyThreeTier(s, parallel).ok);
});

test('the global update converges to the KKT point of its smoothed sub-problem (reduced gradient zero, sum one)', () => {
  const O = 5;
  const v = new Float64Array(O).fill(1 / O);
  const xhat = Float64Array.from([1, 0, 0, 1, 0]);
  const lam = Float64Array.from([0.3, -0.2, 0.1, 0, -0.05]);
  const tau = Float64Array.from([0.2, 0.9, 0.5, 0.1, 0.3]);
  const inp = { O, v, vOff: 0, xhat, lam, tau, rho: 1, omega: 0.01, xi: 0.2, newtonSteps: 50 };
  globalTaskUpdate(inp);
  const sum = v.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-12);
  const m = 1 - tau.reduce((a, t, o) => a + t * v[o], 0);
  assert.ok(m > 0);
  const grad = Array.from(v, (x, o) => -lam[o] - inp.rho * (xhat[o] - x) - inp.omega * (1 / x - 1 / (1 - x)) + inp.xi * (1 - 2 * x) + (inp.omega * tau[o]) / m);
  // stationarity on {sum v = 1}: every partial derivative equals the same multiplier
  const spread = Math.max(...grad) - Math.min(...grad);
  assert.ok(spread < 1e-8, `gradient spread ${spread}`);
});
