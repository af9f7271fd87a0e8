import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/three-tier/generate.ts';
import { parseScenario, parseResult, type Scenario } from '../../src/three-tier/model.ts';
import { threeTier } from '../../src/three-tier/system.ts';
import { verifyThreeTier } from '../../src/verify/three-tier.ts';
import { lowerBound } from '../../src/three-tier/algorithms/lower-bound.ts';
import { solveAdmm } from '../../src/three-tier/algorithms/admm.ts';
import { InputError } from '../../src/core/errors.ts';
import { runAlgorithm } from '../../src/core/system.ts';
import { LOCAL, MBS, compile, evaluateGroup, emptyPlan, paramsOf, utilityOf, waterfillShares } from '../../src/three-tier/physics.ts';

const roundTrip = (s: Scenario) => parseScenario(JSON.parse(JSON.stringify(s)));

/** Small random scenarios whose parameters make every tier worth using somewhere. */
const scenarioArb = fc.record({
  seed: fc.integer({ min: 0, max: 1e6 }),
  tasks: fc.integer({ min: 1, max: 14 }),
  sbs: fc.integer({ min: 0, max: 4 }),
  groups: fc.integer({ min: 1, max: 2 }),
  alpha: fc.double({ min: 0, max: 1, noNaN: true }),
  mbsCpuGHz: fc.constantFrom(2, 10, 100),
  localCpuGHz: fc.constantFrom(0.5, 5),
  kbit: fc.constantFrom(5, 200, 5000),
  tight: fc.boolean(),
  parallel: fc.boolean(),
  shared: fc.boolean(),
}).map((p) => roundTrip(generateScenario({
  mbsCpu: p.shared ? 'shared' : 'dedicated',
  seed: p.seed, tasks: p.tasks, sbs: p.sbs, groups: p.groups, alpha: p.alpha, mbsCpuGHz: p.mbsCpuGHz, localCpuGHz: p.localCpuGHz,
  dataKbitMin: p.kbit, dataKbitMax: 2 * p.kbit, deadlineMinS: p.tight ? 0.05 : 15, deadlineMaxS: p.tight ? 2 : 30,
  timing: p.parallel ? 'parallel' : 'sequential',
})));

test('generate(seed) is reproducible and passes its own validation', () => {
  const a = generateScenario({ seed: 7, tasks: 30, sbs: 4, groups: 2 });
  assert.deepEqual(a, generateScenario({ seed: 7, tasks: 30, sbs: 4, groups: 2 }));
  assert.notDeepEqual(a, generateScenario({ seed: 8, tasks: 30, sbs: 4, groups: 2 }));
  assert.equal(roundTrip(a).tasks.length, 30);
  assert.deepEqual(a.groups.map((g) => g.sbs.length), [2, 2]);
});

test('parseScenario names the bad field: negative bits, unknown field, unknown group', () => {
  const s = JSON.parse(JSON.stringify(generateScenario({ seed: 1, tasks: 3, sbs: 1, groups: 1 })));
  const bad = structuredClone(s); bad.tasks[1].dataBits = -5;
  assert.throws(() => parseScenario(bad), (e: unknown) => e instanceof InputError && /tasks\[1\]\.dataBits/.test(e.message));
  const extra = structuredClone(s); extra.groups[0].mbs.colour = 'red';
  assert.throws(() => parseScenario(extra), (e: unknown) => e instanceof InputError && /colour/.test(e.message));
  const orphan = structuredClone(s); orphan.tasks[0].group = 'nowhere';
  assert.throws(() => parseScenario(orphan), (e: unknown) => e instanceof InputError && /tasks\[0\]\.group/.test(e.message));
  const path = structuredClone(s); path.groups[0].sbs[0].path = ['missing'];
  assert.throws(() => parseScenario(path), (e: unknown) => e instanceof InputError && /path\[0\]/.test(e.message));
});

test('every algorithm passes the independent checker, and the lower bound is below each (random scenarios)', () => {
  fc.assert(fc.property(scenarioArb, (s) => {
    const lb = lowerBound(s);
    for (const algorithm of threeTier.algorithms) {
      if (algorithm.smallOnly && (algorithm.smallOnly.sizeOf(s) > algorithm.smallOnly.maxSize || s.tasks.length > 3)) continue;
      if (algorithm.name === 'exact' && s.mbsCpu === 'shared') continue;
      const r = runAlgorithm(algorithm, s);
      const report = verifyThreeTier(s, parseResult(JSON.parse(JSON.stringify(r))));
      assert.deepEqual(report.issues, [], `${algorithm.name}`);
      assert.ok(lb <= r.utility * (1 + 1e-9) + 1e-12, `${algorithm.name}: bound ${lb} > utility ${r.utility}`);
    }
  }), { numRuns: 25 });
});

test('the lower bound is below the best placement found by brute force on tiny cases', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(2, 100), fc.boolean(), (seed, tasks, mbs, shared) => {
    const s = roundTrip(generateScenario({ seed, tasks, sbs: 2, groups: 1, mbsCpuGHz: mbs, localCpuGHz: 0.5, mbsCpu: shared ? 'shared' : 'dedicated' }));
    const [g] = compile(s);
    const P = paramsOf(s);
    const options = [LOCAL, MBS, 0, 1];
    let best = Infinity;
    for (let code = 0; code < 4 ** tasks; code++) {
      const plan = emptyPlan(g.n, LOCAL);
      for (let j = 0, c = code; j < tasks; j++, c = Math.floor(c / 4)) plan.place[j] = options[c % 4];
      const ev = evaluateGroup(g, P, plan);
      if (!ev.meets.every(Boolean)) continue;
      best = Math.min(best, utilityOf(P, ev.delayS.reduce((a, b) => a + b, 0), ev.energyJ.reduce((a, b) => a + b, 0)));
    }
    assert.ok(lowerBound(s) <= best * (1 + 1e-9));
  }), { numRuns: 30 });
});

test('the checker catches a wrong delay, an over-full SBS, a bad split and a false deadline claim', () => {
  const s = roundTrip(generateScenario({ seed: 2, tasks: 12, sbs: 2, groups: 1, mbsCpuGHz: 2 }));
  const r = threeTier.algorithms.find((a) => a.name === 'nearest-sbs')!.solve(s);
  assert.ok(verifyThreeTier(s, r).ok);
  const atSbs = r.tasks.filter((t) => t.sbsBits > 0);
  assert.ok(atSbs.length >= 2);
  const delay = structuredClone(r); delay.tasks[0].delayS *= 1.01;
  assert.ok(verifyThreeTier(s, delay).issues.some((i) => i.constraint === 'delay'));
  const share = structuredClone(r);
  for (const t of share.tasks) if (t.place === atSbs[0].place && t.sbsBits > 0) t.cpuShare = 0.9;
  const sameSbs = share.tasks.filter((t) => t.place === atSbs[0].place && t.sbsBits > 0).length;
  if (sameSbs >= 2) assert.ok(verifyThreeTier(s, share).issues.some((i) => i.constraint === 'cpuShare'));
  const split = structuredClone(r); split.tasks[0].localBits += 1;
  assert.ok(verifyThreeTier(s, split).issues.some((i) => i.constraint === 'split'));
  const claim = structuredClone(r); claim.tasks[3].meetsDeadline = !claim.tasks[3].meetsDeadline;
  assert.ok(verifyThreeTier(s, claim).issues.some((i) => i.constraint === 'meetsDeadline'));
});

test('with a shared MBS the checker recomputes MBS shares and refuses an over-full MBS', () => {
  const s = roundTrip(generateScenario({ seed: 5, tasks: 10, sbs: 0, groups: 1, mbsCpu: 'shared' }));
  const r = threeTier.algorithms.find((a) => a.name === 'all-mbs')!.solve(s);
  assert.ok(verifyThreeTier(s, r).ok);
  assert.ok(Math.abs(r.tasks.reduce((a, t) => a + (t.mbsCpuShare ?? 0), 0) - 1) < 1e-9);
  const full = structuredClone(r);
  for (const t of full.tasks) t.mbsCpuShare = 0.5;
  const issues = verifyThreeTier(s, full).issues.map((i) => i.constraint);
  assert.ok(issues.includes('mbsCpuShare') && issues.includes('delay'));
});

test('waterfillShares meets the KKT conditions: sum 1, h >= lb, equal a/h^2 on the free shares', () => {
  fc.assert(fc.property(fc.array(fc.double({ min: 1e-4, max: 10, noNaN: true }), { minLength: 1, maxLength: 12 }), fc.array(fc.double({ min: 0, max: 0.08, noNaN: true }), { minLength: 12, maxLength: 12 }), (a, lbAll) => {
    const lb = lbAll.slice(0, a.length);
    const h = new Float64Array(a.length);
    assert.ok(waterfillShares(a, lb, h));
    const sum = h.reduce((x, y) => x + y, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9);
    const free = a.map((ai, q) => [ai / h[q] ** 2, h[q] > lb[q] * (1 + 1e-6)] as const).filter(([, f]) => f).map(([m]) => m);
    for (let q = 0; q < a.length; q++) assert.ok(h[q] >= lb[q] - 1e-12);
    if (free.length > 1) assert.ok((Math.max(...free) - Math.min(...free)) / Math.max(...free) < 1e-6);
    // bound shares are the ones whose free value would fall below the bound
    const nu = free.length ? Math.sqrt(free[0]) : Infinity;
    a.forEach((ai, q) => { if (h[q] <= lb[q] * (1 + 1e-6)) assert.ok(Math.sqrt(ai) / nu <= lb[q] * (1 + 1e-6)); });
  }), { numRuns: 100 });
});

test('the ADMM trace falls and its residuals shrink on the paper setting', () => {
  const s = roundTrip(generateScenario({ seed: 4, tasks: 100, sbs: 5, groups: 1 }));
  const r = solveAdmm(s);
  assert.ok(verifyThreeTier(s, r).ok);
  const tr = r.trace!;
  assert.equal(tr.length, r.iterations);
  assert.ok(tr[tr.length - 1].utility < tr[0].utility);
  assert.ok(tr[tr.length - 1].primalResidual < tr[0].primalResidual);
  assert.ok(r.utility >= lowerBound(s));
});

test('the polish after rounding never makes the ADMM plan worse (random scenarios)', () => {
  fc.assert(fc.property(scenarioArb, (s) => {
    const raw = solveAdmm(s, { polish: false });
    const polished = solveAdmm(s);
    const misses = (r: typeof raw) => r.tasks.filter((t) => !t.meetsDeadline).length;
    assert.ok(misses(polished) < misses(raw) || (misses(polished) === misses(raw) && polished.utility <= raw.utility * (1 + 1e-12)));
  }), { numRuns: 15 });
});
