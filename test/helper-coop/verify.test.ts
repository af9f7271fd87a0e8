import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workedExample } from './fixtures.ts';
import { helperCoop } from '../../src/helper-coop/system.ts';
import { verifyHelperCoop } from '../../src/verify/helper-coop.ts';
import { jtpra } from '../../src/helper-coop/algorithms/jtpra.ts';
import { jorcf } from '../../src/helper-coop/algorithms/jorcf.ts';
import type { Result } from '../../src/helper-coop/model.ts';

const base = () => jtpra.solve(workedExample());
const copy = (r: Result): Result => JSON.parse(JSON.stringify(r));

function caught(mutate: (r: Result) => void, constraint: string, task?: string): void {
  const r = copy(base());
  mutate(r);
  const report = verifyHelperCoop(workedExample(), r);
  assert.equal(report.ok, false);
  assert.ok(report.issues.some((i) => i.constraint.startsWith(constraint) && (task === undefined || i.task === task)),
    `expected a "${constraint}" issue, got ${JSON.stringify(report.issues)}`);
}

test('the checker accepts the optimum and recomputes its energy, phases and block time', () => {
  const r = base();
  const report = verifyHelperCoop(workedExample(), r);
  assert.ok(report.ok, JSON.stringify(report.issues));
  assert.ok(Math.abs(report.recomputed.energyJ - 0.0330231702) < 1e-9);
  assert.ok(Math.abs(report.recomputed.longestHelperBlockS - 1) < 1e-9, 'JTPRA uses each helper\'s whole block');
});

test('the checker catches a wrong energy, a short phase, an overlong block and a broken partition', () => {
  caught((r) => { r.energyJ! *= 0.99; }, 'energy');
  caught((r) => { r.helpers[0].offloadTimeS *= 0.98; }, 'offloading', 'H1');
  caught((r) => { r.helpers[1].downloadTimeS *= 0.9; }, 'downloading', 'H2');
  caught((r) => { r.helpers[0].cpuGHz *= 0.99; }, 'execution', 'H1');
  caught((r) => { r.helpers[1].computeTimeS += 0.01; }, 'time (6)', 'H2');
  caught((r) => { r.localBits -= 1000; }, 'partition');
  caught((r) => { r.lowerBound = r.energyJ! * 1.01; }, 'lower bound');
});

test('the checker catches CPU caps, budgets and an unproved "optimal"', () => {
  caught((r) => { r.localBits = 3.1e6; r.helpers.forEach((h) => { h.offloadBits = 0; }); }, 'user cpu');
  const tight = workedExample({ userBudgetJ: 0.001 });
  const r = copy(base());
  const report = verifyHelperCoop(tight, r);
  assert.ok(report.issues.some((i) => i.constraint.startsWith('user budget')));
  const h = verifyHelperCoop(workedExample({ helperBudgetJ: 1e-5 }), copy(base()));
  assert.ok(h.issues.some((i) => i.constraint.startsWith('helper budget') && i.task === 'H1'));
  caught((r2) => { r2.lowerBound = r2.energyJ! * 0.9; }, 'optimality');
});

test('the checker recomputes JORCF\'s access-point link and catches an impossible rate', () => {
  const s = workedExample();
  const r = jorcf.solve(s);
  assert.ok(verifyHelperCoop(s, r).ok);
  const bad = copy(r);
  bad.apOffload!.timeS *= 0.9;
  bad.energyJ! *= 0.9 ; // keep the energy claim consistent-looking; the rate check must still fire
  assert.ok(verifyHelperCoop(s, bad).issues.some((i) => i.constraint === 'access point'));
});

test('an infeasible result must carry causes, no energy, and a maximum below L', () => {
  const s = workedExample({ dataBits: 7e6 });
  const r = jtpra.solve(s);
  assert.equal(r.status, 'infeasible');
  assert.ok(verifyHelperCoop(s, r).ok);
  const lying = copy(r);
  lying.maxDataBits = 8e6;
  assert.equal(verifyHelperCoop(s, lying).ok, false);
  assert.equal(helperCoop.parseResult(JSON.parse(JSON.stringify(r))).status, 'infeasible');
});
