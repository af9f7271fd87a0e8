import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/cnn-coop/generate.ts';
import { precompute } from '../../src/cnn-coop/physics.ts';
import { taskOptions } from '../../src/cnn-coop/options.ts';
import { pricedValue } from '../../src/cnn-coop/priced.ts';
import { assignmentBound, lowerBoundOf } from '../../src/cnn-coop/bounds.ts';
import { capacityBound } from '../../src/cnn-coop/capacity-bound.ts';
import { allocate, type AllocTask } from '../../src/cnn-coop/allocation.ts';
import { exact } from '../../src/cnn-coop/algorithms/exact.ts';
import { cnnCoop } from '../../src/cnn-coop/system.ts';
import { runAlgorithm } from '../../src/core/system.ts';

const taskArb = fc.record({
  txS: fc.double({ min: 0.01, max: 1, noNaN: true }),
  computeS: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 1, noNaN: true })),
  backhaulS: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 1, noNaN: true })),
  fixedS: fc.constantFrom(0, 0.05),
  minAlpha: fc.double({ min: 0, max: 0.6, noNaN: true }),
  deadlineS: fc.double({ min: 0.5, max: 40, noNaN: true }),
});
const pricesArb = fc.tuple(...[0, 1, 2].map(() => fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 50, noNaN: true }))));

test('pricedValue(t, ν) is the minimum of the priced task problem: its shares are feasible and, when the deadline binds, primal equals dual', () => {
  fc.assert(fc.property(taskArb, pricesArb, (t: AllocTask, [a, b, c]) => {
    const shares = new Float64Array(3);
    const value = pricedValue(t, a, b, c, shares);
    const alone = t.txS + t.computeS + t.backhaulS + t.fixedS;
    if (alone > t.deadlineS || t.minAlpha > 1) { assert.equal(value, Infinity); return; }
    const latency = (s: ArrayLike<number>) => t.txS / s[0] + (t.computeS ? t.computeS / s[1] : 0) + (t.backhaulS ? t.backhaulS / s[2] : 0) + t.fixedS;
    const primal = (s: ArrayLike<number>) => latency(s) + a * s[0] + b * s[1] + c * s[2];
    assert.ok(shares[0] >= t.minAlpha - 1e-12 && shares[0] <= 1 && shares[1] <= 1 && shares[2] <= 1);
    assert.ok(latency(shares) <= t.deadlineS * (1 + 1e-9), 'the shares meet the deadline');
    // Weak duality makes value ≤ the primal of any feasible point; equality certifies optimality.
    assert.ok(Math.abs(primal(shares) - value) <= 1e-7 * primal(shares), `primal ${primal(shares)} vs dual ${value}`);
    // And no feasible perturbation does better.
    for (const f of [0.9, 0.97, 1.03, 1.1]) for (let r = 0; r < 3; r++) {
      const s = Array.from(shares);
      s[r] = Math.min(1, Math.max(r === 0 ? t.minAlpha : 1e-9, s[r] * f));
      if (s[r] === 0 || latency(s) > t.deadlineS) continue;
      assert.ok(primal(s) >= value * (1 - 1e-9), `a perturbed share does better: ${primal(s)} < ${value}`);
    }
  }), { numRuns: 300, seed: 1 });
});

test('assignmentBound on a single server with one option per task equals the deadline-free optimal allocation', () => {
  fc.assert(fc.property(fc.array(taskArb, { minLength: 1, maxLength: 8 }), (ts) => {
    const free = ts.map((t) => ({ ...t, minAlpha: 0, deadlineS: Infinity }));
    const tasks = free.map((task) => ({ options: [{ server: 0, task, aloneS: task.txS + task.computeS + task.backhaulS + task.fixedS }], localS: Infinity, hopeless: false, deadlineS: Infinity }));
    const bound = assignmentBound(tasks, 1).bound;
    const optimum = allocate(free).objective;
    assert.ok(Math.abs(bound - optimum) <= 1e-6 * optimum, `bound ${bound} vs allocation ${optimum}`);
  }), { numRuns: 60, seed: 2 });
});

test('both relaxations stay below the proved optimum of default scenarios, and the assignment bound is the tighter', () => {
  for (const seed of [1, 2, 3]) {
    const s = generateScenario({ seed, devices: 7, servers: 2 });
    const pre = precompute(s);
    const tasks = taskOptions(s, pre);
    const opt = runAlgorithm(exact, s);
    assert.equal(opt.status, 'optimal');
    const assignment = lowerBoundOf(s);
    const capacity = capacityBound(tasks, 2).bound;
    assert.ok(assignment <= opt.totalLatencyS * (1 + 1e-9) && capacity <= opt.totalLatencyS * (1 + 1e-9));
    assert.ok(assignment >= capacity, `assignment ${assignment} < capacity ${capacity}`);
    assert.ok(assignment >= 0.9 * opt.totalLatencyS, `the bound is within 10 % (${assignment} vs ${opt.totalLatencyS})`);
  }
});

test('lowerBoundOf(s) is below every registered algorithm on random feasible scenarios', () => {
  fc.assert(fc.property(fc.record({ seed: fc.integer({ min: 0, max: 1e6 }), devices: fc.integer({ min: 1, max: 12 }), servers: fc.integer({ min: 1, max: 4 }) }), (p) => {
    const s = generateScenario(p);
    const lb = lowerBoundOf(s);
    assert.ok(Number.isFinite(lb) && lb > 0);
    for (const a of cnnCoop.algorithms) {
      if (a.smallOnly && a.smallOnly.sizeOf(s) > a.smallOnly.maxSize) continue;
      const r = runAlgorithm(a, s);
      if (r.status === 'infeasible') continue;
      assert.ok(lb <= r.totalLatencyS * (1 + 1e-9), `${a.name}: ${r.totalLatencyS} below the bound ${lb}`);
    }
  }), { numRuns: 4, seed: 4 });
});

test('lowerBoundOf(empty scenario) is 0', () => {
  assert.equal(lowerBoundOf(generateScenario({ seed: 1, devices: 0, servers: 2 })), 0);
});
