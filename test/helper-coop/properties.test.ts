import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scenarioArb, relErr, workedExample } from './fixtures.ts';
import { helperCoop } from '../../src/helper-coop/system.ts';
import { runAlgorithm, findAlgorithm } from '../../src/core/system.ts';
import { minTxEnergyJ } from '../../src/helper-coop/physics.ts';
import type { Scenario } from '../../src/helper-coop/model.ts';

const alg = (name: string) => findAlgorithm(helperCoop, name)!;

test('every algorithm\'s result passes the independent checker on random scenarios', () => {
  fc.assert(fc.property(scenarioArb(5), (s) => {
    for (const a of helperCoop.algorithms) {
      if (a.smallOnly && a.smallOnly.sizeOf(s) > a.smallOnly.maxSize) continue;
      if (a.name === 'jtpra-dual' || a.name === 'jtpra-dd') continue; // covered (more slowly) below
      const r = runAlgorithm(a, s);
      const report = helperCoop.verify(s, helperCoop.parseResult(JSON.parse(JSON.stringify(r))));
      assert.ok(report.ok, `${a.name}: ${JSON.stringify(report.issues)}`);
    }
    return true;
  }), { numRuns: 15, seed: 3 });
});

test('JTPRA ≤ FO, FF, LCOF, LCFF whenever they are feasible (they restrict P1), and FO/FF feasible ⇒ JTPRA feasible', () => {
  let compared = 0;
  fc.assert(fc.property(scenarioArb(5), (s) => {
    const best = alg('jtpra').solve(s);
    for (const name of ['fo', 'ff', 'lcof', 'lcff']) {
      const r = alg(name).solve(s);
      if (r.status === 'infeasible') continue;
      assert.notEqual(best.status, 'infeasible', `${name} feasible but JTPRA not`);
      assert.ok(best.energyJ! <= r.energyJ! * (1 + 1e-9), `JTPRA ${best.energyJ} > ${name} ${r.energyJ}`);
      compared++;
    }
    return true;
  }), { numRuns: 20, seed: 4 });
  assert.ok(compared > 40, `only ${compared} comparisons`);
});

test('jtpra-dd (dual decomposition) agrees with jtpra to 1e-6 relative on random scenarios, budgets binding or not', () => {
  let agreed = 0;
  fc.assert(fc.property(scenarioArb(8), (s) => {
    const direct = alg('jtpra').solve(s);
    const dd = alg('jtpra-dd').solve(s);
    if (direct.status === 'infeasible') { assert.equal(dd.status, 'infeasible'); return true; }
    if (dd.status === 'infeasible') return true; // only very near L_max (recovery LP), counted below
    assert.ok(relErr(dd.energyJ!, direct.energyJ!) < 1e-6, `dd ${dd.energyJ} vs direct ${direct.energyJ}`);
    assert.ok(dd.lowerBound! <= direct.energyJ! * (1 + 1e-9));
    assert.ok(helperCoop.verify(s, dd).ok);
    agreed++;
    return true;
  }), { numRuns: 15, seed: 21 });
  assert.ok(agreed >= 12, `only ${agreed} agreements`);
});

test('jtpra-dual (ellipsoid + LP) and jtpra (direct) agree to 1e-6 relative; both lower bounds hold', () => {
  let agreed = 0;
  fc.assert(fc.property(scenarioArb(3, false), (s) => {
    const direct = alg('jtpra').solve(s);
    const dual = alg('jtpra-dual').solve(s);
    assert.equal(dual.status === 'infeasible', direct.status === 'infeasible');
    if (direct.status === 'infeasible') return true;
    assert.ok(relErr(dual.energyJ!, direct.energyJ!) < 1e-6, `dual ${dual.energyJ} vs direct ${direct.energyJ}`);
    assert.ok(dual.lowerBound! <= direct.energyJ! * (1 + 1e-9) && direct.lowerBound! <= dual.energyJ! * (1 + 1e-9));
    assert.ok(helperCoop.verify(s, dual).ok);
    agreed++;
    return true;
  }), { numRuns: 12, seed: 9 });
  assert.ok(agreed >= 10);
});

/**
 * K = 1 by brute force: for a split ℓ of the bits, the helper's least energy over the time split
 * (τ1, τ2, τ3) is found by nested golden sections over τ1 and τ3 (each convex), and ℓ itself by
 * a golden section outside. Nothing of the solvers' closed forms is used.
 */
function bruteForceK1(s: Scenario): number {
  const h = s.helpers[0];
  const B = s.bandwidthMHz * 1e6;
  const T = s.deadlineS;
  const gain = s.pathLoss.gainAt1m * h.distanceM! ** -s.pathLoss.exponent;
  const n = s.noiseW / gain;
  const golden = (f: (x: number) => number, lo: number, hi: number, iters: number): [number, number] => {
    const r = (Math.sqrt(5) - 1) / 2;
    let a = lo, b = hi, c = b - r * (b - a), d = a + r * (b - a), fc = f(c), fd = f(d);
    for (let i = 0; i < iters; i++) {
      if (fc <= fd) { b = d; d = c; fd = fc; c = b - r * (b - a); fc = f(c); } else { a = c; c = d; fc = fd; d = a + r * (b - a); fd = f(d); }
    }
    const x = (a + b) / 2;
    return [x, f(x)];
  };
  const helperEnergy = (l: number) => {
    if (l <= 0) return 0;
    const tau2min = (h.cyclesPerBit * l) / (h.maxCpuGHz * 1e9);
    if (tau2min >= T) return Infinity;
    const given1 = (t1: number) => golden((t3) => {
      const t2 = T - t1 - t3;
      if (t2 < tau2min) return Infinity;
      return minTxEnergyJ(l, t1, B, n) + (h.kappa * h.cyclesPerBit ** 3 * l ** 3) / t2 ** 2 + minTxEnergyJ(s.resultRatio * l, t3, B, n);
    }, 0, T - t1 - tau2min, 80)[1];
    return golden(given1, 0, T - tau2min, 80)[1];
  };
  const cap = (s.user.maxCpuGHz * 1e9 * T) / s.user.cyclesPerBit;
  const total = (l: number) => (s.dataBits - l > cap ? Infinity : (s.user.kappa * s.user.cyclesPerBit ** 3 * (s.dataBits - l) ** 3) / T ** 2 + helperEnergy(l));
  return golden(total, 0, s.dataBits, 80)[1];
}

test('K = 1: jtpra equals a brute-force nested search over split and phase times', () => {
  for (const d of [15, 35, 70]) {
    const s = workedExample();
    s.helpers = [{ ...s.helpers[1], distanceM: d }];
    const e = alg('jtpra').solve(s).energyJ!;
    const brute = bruteForceK1(s);
    assert.ok(relErr(e, brute) < 1e-6, `d = ${d}: jtpra ${e} vs brute force ${brute}`);
  }
});
