import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/three-tier/generate.ts';
import { parseResult, parseScenario, type Result, type Scenario } from '../../src/three-tier/model.ts';
import { LOCAL, MBS, compile, emptyPlan, evaluateGroup, paramsOf, repairGroup, utilityOf, type GroupEval, type Params } from '../../src/three-tier/physics.ts';
import { GroupMoveModel } from '../../src/three-tier/admm/move-model.ts';
import { improveGroup } from '../../src/three-tier/admm/improve.ts';
import { solveAdmm } from '../../src/three-tier/algorithms/admm.ts';
import { verifyThreeTier } from '../../src/verify/three-tier.ts';

const roundTrip = (s: Scenario) => parseScenario(JSON.parse(JSON.stringify(s)));
const total = (P: Params, e: GroupEval) => utilityOf(P, e.delayS.reduce((a, b) => a + b, 0), e.energyJ.reduce((a, b) => a + b, 0));
const misses = (e: GroupEval | Result) => ('meets' in e ? Array.from(e.meets).filter((m) => !m).length : e.tasks.filter((t) => !t.meetsDeadline).length);

/** Loose deadlines and sequential timing: the closed-form move model must equal the evaluation. */
const looseArb = fc.record({
  seed: fc.integer({ min: 0, max: 1e6 }),
  tasks: fc.integer({ min: 2, max: 25 }),
  sbs: fc.integer({ min: 1, max: 4 }),
  alpha: fc.double({ min: 0.05, max: 1, noNaN: true }),
  mbsCpuGHz: fc.constantFrom(10, 100),
  shared: fc.boolean(),
  planSeed: fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 25, maxLength: 25 }),
});

test('the move model equals the evaluated utility, and its exact delta the evaluated change (loose deadlines, random plans)', () => {
  fc.assert(fc.property(looseArb, fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 7 }), (p, kRaw, to) => {
    const s = roundTrip(generateScenario({ seed: p.seed, tasks: p.tasks, sbs: p.sbs, groups: 1, alpha: p.alpha, mbsCpuGHz: p.mbsCpuGHz, mbsCpu: p.shared ? 'shared' : 'dedicated' }));
    const [g] = compile(s);
    const P = paramsOf(s);
    // a random plan with splits: option 0 local, 1 MBS, 2.. an SBS with a random split
    const plan = emptyPlan(g.n, LOCAL);
    for (let j = 0; j < g.n; j++) {
      const [o, a, b] = p.planSeed[j];
      if (o === 0) continue;
      if (o === 1) { plan.place[j] = MBS; continue; }
      plan.place[j] = (o - 2) % g.S;
      if (o >= 4) { plan.c0[j] = Math.floor(a * 0.5 * g.bits[j]); plan.c1[j] = Math.floor(b * 0.5 * g.bits[j]); }
    }
    const ev = evaluateGroup(g, P, plan);
    fc.pre(ev.meets.every(Boolean) && ev.causes.length === 0);
    const m = new GroupMoveModel(g, P, plan);
    const u0 = total(P, ev);
    assert.ok(Math.abs(m.utility() - u0) <= 1e-9 * u0, `model ${m.utility()} vs evaluation ${u0}`);
    const k = kRaw % g.n;
    // 0 local, 1 MBS, 2-4 all bits on an SBS, 5-7 all bits forwarded through an SBS
    const place = to === 0 ? LOCAL : to === 1 ? MBS : (to - 2) % g.S;
    const c1 = to >= 5 ? g.bits[k] : 0;
    const f = m.footprint(k, place, 0, c1);
    const d = m.delta(k, place, f);
    m.move(k, place, 0, c1, f);
    const moved = { place: plan.place.slice(), c0: plan.c0.slice(), c1: plan.c1.slice() };
    moved.place[k] = place; moved.c0[k] = 0; moved.c1[k] = c1;
    const ev1 = evaluateGroup(g, P, moved);
    fc.pre(ev1.meets.every(Boolean) && ev1.causes.length === 0);
    const u1 = total(P, ev1);
    assert.ok(Math.abs(u0 + d - u1) <= 1e-9 * u0, `delta ${d} vs evaluated change ${u1 - u0}`);
    assert.ok(Math.abs(m.utility() - u1) <= 1e-9 * u1);
  }), { numRuns: 150 });
});

/** Any scenario, tight deadlines and parallel timing included. */
const anyArb = fc.record({
  seed: fc.integer({ min: 0, max: 1e6 }),
  tasks: fc.integer({ min: 1, max: 30 }),
  sbs: fc.integer({ min: 0, max: 4 }),
  alpha: fc.double({ min: 0, max: 1, noNaN: true }),
  mbsCpuGHz: fc.constantFrom(2, 10, 100),
  localCpuGHz: fc.constantFrom(0.5, 5),
  kbit: fc.constantFrom(5, 200, 5000),
  tight: fc.boolean(),
  parallel: fc.boolean(),
  shared: fc.boolean(),
}).map((p) => roundTrip(generateScenario({
  seed: p.seed, tasks: p.tasks, sbs: p.sbs, groups: 1, alpha: p.alpha, mbsCpuGHz: p.mbsCpuGHz, localCpuGHz: p.localCpuGHz,
  dataKbitMin: p.kbit, dataKbitMax: 2 * p.kbit, deadlineMinS: p.tight ? 0.05 : 15, deadlineMaxS: p.tight ? 2 : 30,
  timing: p.parallel ? 'parallel' : 'sequential', mbsCpu: p.shared ? 'shared' : 'dedicated',
})));

test('the improvement never worsens a plan: fewer deadline misses, or as many and no higher utility (random plans)', () => {
  fc.assert(fc.property(anyArb, fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 30, maxLength: 30 }), (s, picks) => {
    const [g] = compile(s);
    const P = paramsOf(s);
    const plan = emptyPlan(g.n, LOCAL);
    for (let j = 0; j < g.n; j++) plan.place[j] = picks[j] === 0 ? LOCAL : picks[j] === 1 || g.S === 0 ? MBS : (picks[j] - 2) % g.S;
    const before = repairGroup(g, P, plan);
    const { plan: out, ev } = improveGroup(g, P, plan, before);
    // the returned evaluation is the plan's own
    const again = repairGroup(g, P, { place: out.place.slice(), c0: out.c0.slice(), c1: out.c1.slice() });
    assert.equal(total(P, again), total(P, ev));
    assert.ok(misses(ev) < misses(before) || (misses(ev) === misses(before) && total(P, ev) <= total(P, before)));
  }), { numRuns: 40 });
});

test('the improved ADMM passes the checker and is never worse than the old ADMM (random scenarios)', () => {
  fc.assert(fc.property(anyArb, (s) => {
    const old = solveAdmm(s, { improve: false });
    const r = solveAdmm(s);
    assert.deepEqual(verifyThreeTier(s, parseResult(JSON.parse(JSON.stringify(r)))).issues, []);
    assert.ok(misses(r) < misses(old) || (misses(r) === misses(old) && r.utility <= old.utility * (1 + 1e-12)), `${r.utility} > ${old.utility}`);
  }), { numRuns: 15 });
});

test('the result reports the split counts, and the final count is the plan\'s', () => {
  const s = roundTrip(generateScenario({ seed: 3, tasks: 200, sbs: 6, groups: 2, mbsCpu: 'shared' }));
  for (const improve of [false, true]) {
    const r = solveAdmm(s, { improve });
    const splits = r.info!.splits as { relaxed: number; fractional: number; rounded: number; final: number };
    const inPlan = r.tasks.filter((t) => [t.localBits, t.sbsBits, t.mbsBits].filter((b) => b > 0).length >= 2).length;
    assert.equal(splits.final, inPlan);
    for (const v of Object.values(splits)) assert.ok(Number.isInteger(v) && v >= 0 && v <= s.tasks.length);
    if (improve) {
      const imp = r.info!.improve as { utilityBefore: number; utilityAfter: number };
      assert.ok(imp.utilityAfter <= imp.utilityBefore);
      assert.ok(Math.abs(imp.utilityAfter - r.utility) <= 1e-9 * r.utility);
    }
  }
});

test('on the shared-MBS paper setting the improvement lowers the ADMM utility', () => {
  const s = roundTrip(generateScenario({ seed: 1, tasks: 300, sbs: 5, groups: 1, mbsCpu: 'shared' }));
  const old = solveAdmm(s, { improve: false }), r = solveAdmm(s);
  assert.ok(verifyThreeTier(s, r).ok);
  assert.ok(r.utility < old.utility * 0.99, `${r.utility} vs ${old.utility}`);
});
