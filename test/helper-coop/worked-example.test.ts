import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workedExample, relErr } from './fixtures.ts';
import { helperCoop } from '../../src/helper-coop/system.ts';
import { findAlgorithm, runAlgorithm } from '../../src/core/system.ts';
import { maxDataBits } from '../../src/helper-coop/feasibility.ts';
import { toInstance } from '../../src/helper-coop/physics.ts';

// Reference values are the spec's (§10), computed there by nested bisection, SLSQP and the dual method.
const solve = (name: string, s = workedExample()) => {
  const r = runAlgorithm(findAlgorithm(helperCoop, name)!, s);
  const report = helperCoop.verify(s, r);
  assert.ok(report.ok, `${name}: ${JSON.stringify(report.issues)}`);
  return r;
};

test('jtpra reaches the worked example optimum 0.0330231702 J with the spec\'s partition and phases', () => {
  const r = solve('jtpra');
  assert.equal(r.status, 'optimal');
  assert.ok(relErr(r.energyJ!, 0.0330231702) < 1e-8, `energy ${r.energyJ}`);
  assert.ok(relErr(r.localBits, 514653.33) < 1e-7);
  assert.ok(relErr(r.helpers[0].offloadBits, 347330.46) < 1e-7);
  assert.ok(relErr(r.helpers[1].offloadBits, 138016.21) < 1e-7);
  assert.ok(relErr(r.helpers[0].offloadTimeS, 0.185816) < 1e-5);
  assert.ok(relErr(r.helpers[0].computeTimeS, 0.795602) < 1e-5);
  assert.ok(relErr(r.helpers[1].downloadTimeS, 0.037086) < 1e-4);
  assert.ok(relErr(r.helpers[0].txPowerW, 2.122673e-2) < 1e-6);
  assert.ok(relErr(r.helpers[1].cpuGHz, 0.2331128) < 1e-6);
  // reciprocity, equal noise, idle budgets: q_k = p_k (specs §7)
  for (const h of r.helpers) assert.ok(relErr(h.helperTxPowerW, h.txPowerW) < 1e-9);
  assert.ok(relErr(r.duals!.nuJPerBit, 7.946042e-8) < 1e-6);
  assert.ok(relErr(r.duals!.etaW[0], 1.664066e-2) < 1e-6);
  assert.ok(relErr(r.duals!.lambdaJPerBit[1], 5.741631e-8) < 1e-6);
  // the dual function at the multipliers found closes the gap: a proof of optimality
  assert.ok(r.lowerBound! <= r.energyJ! * (1 + 1e-12) && relErr(r.lowerBound!, r.energyJ!) < 1e-9);
});

test('jtpra-dual (ellipsoid + recovery LP) matches the optimum to 1e-6 and its dual value is a lower bound', () => {
  const r = solve('jtpra-dual');
  assert.ok(relErr(r.energyJ!, 0.0330231702) < 1e-6, `energy ${r.energyJ}`);
  assert.ok(r.lowerBound! <= 0.0330231702 * (1 + 1e-9));
  assert.ok(relErr(r.lowerBound!, 0.0330231702) < 1e-8, `g = ${r.lowerBound}`);
});

test('the benchmarks reproduce the spec\'s energies on the worked example', () => {
  const expected: Record<string, number> = { fo: 0.0940459165, ff: 0.2759161985, lcof: 0.1, lcff: 0.9, jorcf: 0.0448889294 };
  for (const [name, e] of Object.entries(expected)) {
    const r = solve(name);
    assert.ok(relErr(r.energyJ!, e) < 1e-8, `${name}: ${r.energyJ} vs ${e}`);
  }
  const ffr = solve('ff');
  assert.equal(ffr.localBits, 0);
  assert.ok(relErr(ffr.helpers[0].offloadBits, 1e6) < 1e-9, 'FF sends everything to the 1.6 GHz helper');
  assert.ok(relErr(solve('jorcf').localBits, 465873.2) < 1e-6);
});

test('budget-binding cases match the spec (ω* = 1.00451; then θ* = 3.62823)', () => {
  const a = solve('jtpra', workedExample({ userBudgetJ: 0.006 }));
  assert.ok(relErr(a.energyJ!, 0.0353074281) < 1e-8, `energy ${a.energyJ}`);
  assert.ok(relErr(a.duals!.omega, 1.00451) < 1e-5);
  assert.ok(relErr(a.localBits, 588740.68) < 1e-7);
  const b = solve('jtpra', workedExample({ userBudgetJ: 0.006, helperBudgetJ: 3e-4 }));
  assert.ok(relErr(b.energyJ!, 0.0354690746) < 1e-8, `energy ${b.energyJ}`);
  assert.ok(relErr(b.duals!.theta[0], 3.62823) < 1e-5);
  assert.equal(b.duals!.theta[1], 0);
  for (const s of [workedExample({ userBudgetJ: 0.006 }), workedExample({ userBudgetJ: 0.006, helperBudgetJ: 3e-4 })]) {
    const d = solve('jtpra-dual', s);
    assert.ok(relErr(d.energyJ!, solve('jtpra', s).energyJ!) < 1e-6);
  }
});

test('P2: L_max = 5 925 740.6 bits, and a task above it is reported infeasible with that maximum', () => {
  const cap = maxDataBits(toInstance(workedExample()));
  assert.ok(relErr(cap.maxDataBits, 5925740.6) < 1e-7, `L_max ${cap.maxDataBits}`);
  assert.ok(relErr(cap.helperBits[0], 1303776.3) < 1e-6);
  assert.ok(relErr(cap.offloadEnergyJ[0] + cap.offloadEnergyJ[1], 1) < 1e-6, 'the user budget binds');
  for (const name of ['jtpra', 'jtpra-dual']) {
    const over = solve(name, workedExample({ dataBits: cap.maxDataBits * 1.002 }));
    assert.equal(over.status, 'infeasible');
    assert.equal(over.energyJ, null);
    assert.ok(relErr(over.maxDataBits!, cap.maxDataBits) < 1e-9);
  }
  const under = solve('jtpra', workedExample({ dataBits: cap.maxDataBits * 0.998 }));
  assert.notEqual(under.status, 'infeasible');
  // at L just under L_max the user's budget is (nearly) spent
  const spent = under.helpers.reduce((a, h) => a + h.txPowerW * h.offloadTimeS, 0);
  assert.ok(spent <= 1 + 1e-9 && spent > 0.95, `spent ${spent}`);
  const lc = solve('lcof', workedExample({ dataBits: 3.5e6 }));
  assert.equal(lc.status, 'infeasible');
  assert.equal(lc.maxDataBits, 3e6);
});
