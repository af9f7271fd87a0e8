import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { helperCoop } from '../../src/helper-coop/system.ts';
import { generateScenario } from '../../src/helper-coop/generate.ts';
import { RANGES, SPEC_SETUP, fromUnit, setupScenario, toUnit } from '../../src/helper-coop/fit-params.ts';
import { evaluateFigure, reductionCi95 } from '../../src/helper-coop/fit.ts';
import { type FigureScore, TABLE1, fitProblem, searchFit, setupOf } from '../../src/helper-coop/fit-search.ts';
import { averageReduction, energyFigures } from '../../src/helper-coop/experiments.ts';
import { jtpra } from '../../src/helper-coop/algorithms/jtpra.ts';
import { jorcf } from '../../src/helper-coop/algorithms/jorcf.ts';
import { summarise, sampleSeed } from '../../src/core/reproduce.ts';
import { meanCi95 } from '../../src/core/stats.ts';
import type { FigureDefinition, SeriesPoint } from '../../src/core/system.ts';

function summaryOf(f: FigureDefinition, runs: number, seed = 1, points = f.points) {
  const out: SeriesPoint[] = [];
  for (const point of points) {
    const samples = Array.from({ length: runs }, (_, r) => f.sample(point, sampleSeed(seed, f.id, point, r)));
    for (const series of Object.keys(samples[0])) {
      const ci = meanCi95(samples.map((s) => s[series]));
      out.push({ panel: '', x: point.x, series, mean: ci.mean, lo: ci.lo, hi: ci.hi, n: ci.n });
    }
  }
  return summarise(out);
}

test('the fit\'s set-up of the spec\'s values is the figures\' scenario: same draws, same energies', () => {
  for (const seed of [1, 2, 3]) {
    const a = setupScenario({ ...SPEC_SETUP, helpers: 4, dataBits: 1.5e6 }, seed);
    const b = generateScenario({ seed, helpers: 4, dataBits: 1.5e6 });
    assert.deepEqual(a.helpers.map((h) => [h.distanceM, h.maxCpuGHz]), b.helpers.map((h) => [h.distanceM, h.maxCpuGHz]));
    for (const alg of [jtpra, jorcf]) {
      const ea = alg.solve(a).energyJ!;
      const eb = alg.solve(b).energyJ!;
      assert.ok(Math.abs(ea - eb) <= 1e-9 * eb, `${alg.name}: ${ea} vs ${eb}`);
    }
  }
});

test('evaluateFigure on the spec\'s values gives the figure\'s own average reduction (same seeds)', () => {
  const fig = helperCoop.figures.find((f) => f.id === 'fig6')!;
  const runs = 3;
  const ours = evaluateFigure(SPEC_SETUP, 'fig6', runs).reductionPct;
  const theirs = averageReduction(summaryOf(fig, runs));
  assert.ok(Math.abs(ours - theirs) < 1e-9, `${ours} vs ${theirs}`);
});

test('a set-up where LCOF cannot run (c·L > f·T, which also bounds L < L_max) is infeasible for the fit, never averaged', () => {
  assert.equal(evaluateFigure({ ...SPEC_SETUP, deadlineS: 0.5 }, 'fig4', 1).feasible, false);
  assert.equal(evaluateFigure({ ...SPEC_SETUP, cyclesPerBit: 2000, dataBits: 2e6 }, 'fig7', 1).feasible, false);
  assert.equal(evaluateFigure({ ...SPEC_SETUP, deadlineS: 0.9 }, 'fig4', 1).feasible, true);
});

test('parameter ranges: fromUnit ∘ toUnit is the identity and stays in the box', () => {
  fc.assert(fc.property(fc.constantFrom(...Object.values(RANGES)), fc.double({ min: 0, max: 1, noNaN: true }), (r, u) => {
    const v = fromUnit(r, u);
    assert.ok(v >= r.lo * (1 - 1e-12) && v <= r.hi * (1 + 1e-12));
    if (r.scale !== 'int') assert.ok(Math.abs(toUnit(r, v) - u) < 1e-9);
  }));
});

test('joint fit: Table 1 is one value for every figure, the held values one per figure; the swept value is never free', () => {
  const p = fitProblem('joint', ['fig4', 'fig8'], true);
  const keys = p.variables.map((v) => v.key);
  for (const t of TABLE1) assert.ok(keys.includes(t), t);
  assert.ok(keys.includes('fig4.deadlineS') && keys.includes('fig4.helpers') && keys.includes('fig8.dataBits'));
  const values = Object.fromEntries(p.variables.map((v) => [v.key, (v.range.lo + v.range.hi) / 2]));
  values['fig4.helpers'] = 7;
  values['fig8.helpers'] = 2;
  assert.equal(setupOf(p, values, 'fig4').helpers, 7);
  assert.equal(setupOf(p, values, 'fig8').helpers, 2);
  assert.equal(setupOf(p, values, 'fig4').apDistanceM, setupOf(p, values, 'fig8').apDistanceM);
  assert.equal(fitProblem('common', ['fig4', 'fig8'], true).variables.filter((v) => v.key.includes('.')).length, 0);
});

test('the search finds the parameters of a known response (a stand-in for the solver) and is deterministic in its seed', async () => {
  // reduction = 69.9 exactly when apDistanceM = 120 m and the path-loss exponent is 3.5; smooth elsewhere
  const fake = async (jobs: Array<{ figureId: string; setup: typeof SPEC_SETUP }>): Promise<FigureScore[]> => jobs.map((j) => ({
    id: j.figureId, feasible: true, failedClaims: [],
    reductionPct: 69.9 - 40 * Math.abs(Math.log(j.setup.apDistanceM / 120)) - 30 * Math.abs(j.setup.pathLossExponent - 3.5),
  }));
  const p = fitProblem('free', ['fig4'], false);
  const opts = { seed: 5, randomCandidates: 30, starts: 2, minStep: 1 / 256, maxEvaluations: 2000 };
  const a = await searchFit(p, fake, opts);
  assert.ok(Math.abs(a.best.scores[0].reductionPct - 69.9) < 1, `${a.best.scores[0].reductionPct}`);
  assert.ok(Math.abs(a.best.values['fig4.apDistanceM'] / 120 - 1) < 0.05, `${a.best.values['fig4.apDistanceM']}`);
  const b = await searchFit(p, fake, opts);
  assert.deepEqual(b.best.values, a.best.values);
});

test('the bootstrap interval of the reduction holds the point estimate and narrows with more draws', () => {
  const few = evaluateFigure(SPEC_SETUP, 'fig8', 4);
  const more = evaluateFigure(SPEC_SETUP, 'fig8', 16);
  for (const e of [few, more]) {
    const ci = reductionCi95(e.points, 200);
    assert.ok(ci.lo <= e.reductionPct && e.reductionPct <= ci.hi, JSON.stringify({ ci, r: e.reductionPct }));
  }
  const width = (e: typeof few) => { const c = reductionCi95(e.points, 200); return c.hi - c.lo; };
  assert.ok(width(more) < width(few));
});

test('a fitted reading runs as the full figure: Fig. 7 on the caption+claims fit keeps the paper\'s K = 1 crossover', () => {
  // the set-up figures/helper-coop/fit/caption-claims-fig7.json found (spec Table 1; L and JORCF's access point moved)
  const setup = { ...SPEC_SETUP, apDistanceM: 45.385, apTxPowerW: 0.045, dataBits: 1863868 };
  const f = energyFigures.fig7({ name: 'caption-fit', note: 'test', setup });
  assert.equal(f.id, 'fig7-caption-fit');
  const s = summaryOf(f, 6, 1, f.quickPoints);
  const claims = f.claims!(s);
  for (const c of claims.filter((c) => c.claim.startsWith('JORCF < JTPRA') || c.claim.startsWith('JTPRA < JORCF'))) assert.ok(c.holds, JSON.stringify(c));
  // and the default figure, on the spec's values, is a different reading
  assert.notEqual(s.at('JORCF', 4), summaryOf(energyFigures.fig7(), 1, 1, [{ x: 4 }]).at('JORCF', 4));
});
