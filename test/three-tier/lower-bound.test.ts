import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/three-tier/generate.ts';
import { parseScenario, type Scenario } from '../../src/three-tier/model.ts';
import { LOCAL, MBS, compile, emptyPlan, evaluateGroup, paramsOf, utilityOf } from '../../src/three-tier/physics.ts';
import { buildRelaxation, lowerBound, solveRelaxation, type Relaxation } from '../../src/three-tier/algorithms/lower-bound.ts';
import { solveAdmm } from '../../src/three-tier/algorithms/admm.ts';

const roundTrip = (s: Scenario) => parseScenario(JSON.parse(JSON.stringify(s)));

/** The relaxation's objective gradient, recomputed from its definition (not the solver's code). */
function gradients(rel: Relaxation, lambda: Float64Array, y: Float64Array): { f: number; grad: Float64Array } {
  const Y = new Float64Array(rel.R), L = new Float64Array(rel.R);
  let f = 0;
  for (let q = 0; q < rel.n * rel.O; q++) {
    f += y[q] * rel.F[q];
    for (let t = rel.start[q]; t < rel.start[q + 1]; t++) { Y[rel.resIdx[t]] += y[q] * rel.resRoot[t]; L[rel.resIdx[t]] += y[q] * rel.resRoot[t] ** 2; }
  }
  for (let r = 0; r < rel.R; r++) f += lambda[r] * Y[r] ** 2 + (1 - lambda[r]) * L[r];
  const grad = Float64Array.from(rel.F);
  for (let q = 0; q < rel.n * rel.O; q++) for (let t = rel.start[q]; t < rel.start[q + 1]; t++) {
    const r = rel.resIdx[t];
    grad[q] += lambda[r] * 2 * rel.resRoot[t] * Y[r] + (1 - lambda[r]) * rel.resRoot[t] ** 2;
  }
  return { f, grad };
}

test('the relaxation solver reaches its KKT point: every used option has the least gradient of its task, y on the simplex', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.boolean(),
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 40, maxLength: 40 }),
    (seed, tasks, sbs, shared, parallel, lam) => {
      const s = roundTrip(generateScenario({ seed, tasks, sbs, groups: 1, mbsCpuGHz: 10, mbsCpu: shared ? 'shared' : 'dedicated', timing: parallel ? 'parallel' : 'sequential' }));
      const [g] = compile(s);
      const rel = buildRelaxation(g, paramsOf(s));
      const lambda = Float64Array.from({ length: rel.R }, (_, r) => lam[r % lam.length]);
      const out = solveRelaxation(rel, lambda, 4000, undefined, 1e-10);
      const { f, grad } = gradients(rel, lambda, out.y);
      assert.ok(Math.abs(f - out.value) <= 1e-9 * f);
      assert.ok(out.bound <= f * (1 + 1e-12));
      for (let j = 0; j < rel.n; j++) {
        let sum = 0, mu = Infinity;
        for (let o = 0; o < rel.O; o++) { const q = j * rel.O + o; assert.ok(out.y[q] >= 0); sum += out.y[q]; mu = Math.min(mu, grad[q]); }
        assert.ok(Math.abs(sum - 1) < 1e-9);
        // complementary slackness: y_jo (grad_jo - mu_j) = 0 (mu_j the simplex multiplier)
        for (let o = 0; o < rel.O; o++) { const q = j * rel.O + o; assert.ok(out.y[q] * (grad[q] - mu) <= 1e-7 * f / rel.n, `task ${j} option ${o}`); }
      }
    }), { numRuns: 60 });
});

test('the lower bound is below the best plan found by brute force, forwarding through an SBS included (tiny cases)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(2, 100), fc.boolean(), fc.boolean(), (seed, tasks, mbs, shared, parallel) => {
    const s = roundTrip(generateScenario({ seed, tasks, sbs: 2, groups: 1, mbsCpuGHz: mbs, localCpuGHz: 0.5, mbsCpu: shared ? 'shared' : 'dedicated', timing: parallel ? 'parallel' : 'sequential' }));
    const [g] = compile(s);
    const P = paramsOf(s);
    // local, MBS, all on SBS 0/1, all forwarded through SBS 0/1, half kept on SBS 0/1 and half forwarded
    const options: [number, number][] = [[LOCAL, 0], [MBS, 0], [0, 0], [1, 0], [0, 1], [1, 1], [0, 0.5], [1, 0.5]];
    let best = Infinity;
    for (let code = 0; code < options.length ** tasks; code++) {
      const plan = emptyPlan(g.n, LOCAL);
      for (let j = 0, c = code; j < tasks; j++, c = Math.floor(c / options.length)) {
        const [place, fwd] = options[c % options.length];
        plan.place[j] = place;
        if (place >= 0) plan.c1[j] = fwd * g.bits[j];
      }
      const ev = evaluateGroup(g, P, plan);
      if (!ev.meets.every(Boolean) || ev.causes.length > 0) continue;
      best = Math.min(best, utilityOf(P, ev.delayS.reduce((a, b) => a + b, 0), ev.energyJ.reduce((a, b) => a + b, 0)));
    }
    assert.ok(lowerBound(s) <= best * (1 + 1e-9), `bound ${lowerBound(s)} > ${best}`);
  }), { numRuns: 40 });
});

test('with a dedicated MBS the bound charges slivers on idle SBSs and congested paths: within 0.5 % of the ADMM', () => {
  const s = roundTrip(generateScenario({ seed: 1, tasks: 400, sbs: 4, groups: 1 }));
  const lb = lowerBound(s), r = solveAdmm(s);
  assert.ok(lb <= r.utility && r.utility / lb - 1 < 0.005, `gap ${r.utility / lb - 1}`);
});
