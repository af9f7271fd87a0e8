import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helperCoop } from '../../src/helper-coop/system.ts';
import { summarise, sampleSeed } from '../../src/core/reproduce.ts';
import { meanCi95 } from '../../src/core/stats.ts';
import type { SeriesPoint } from '../../src/core/system.ts';

const fig = (id: string) => helperCoop.figures.find((f) => f.id === id)!;

/** A small in-thread run of a figure (the CLI's runner uses workers; the arithmetic is the same). */
function quickSummary(id: string, runs: number) {
  const f = fig(id);
  const points: SeriesPoint[] = [];
  for (const point of f.quickPoints ?? f.points) {
    const samples = Array.from({ length: runs }, (_, r) => f.sample(point, sampleSeed(1, f.id, point, r)));
    for (const series of Object.keys(samples[0])) {
      const ci = meanCi95(samples.map((s) => s[series]));
      points.push({ panel: '', x: point.x, series, mean: ci.mean, lo: ci.lo, hi: ci.hi, n: ci.n });
    }
  }
  return summarise(points);
}

test('figures 3–8 are defined, each with the paper\'s claims', () => {
  assert.deepEqual(helperCoop.figures.map((f) => f.id), ['fig3', 'fig4', 'fig5', 'fig6', 'fig7', 'fig8']);
});

test('a figure sample is deterministic in its seed and runs all six schemes on one draw', () => {
  const f = fig('fig4');
  const a = f.sample({ x: 1 }, 42);
  assert.deepEqual(Object.keys(a).sort(), ['FF', 'FO', 'JORCF', 'JTPRA', 'LCFF', 'LCOF']);
  assert.deepEqual(a, f.sample({ x: 1 }, 42));
  for (const k of ['FO', 'FF', 'LCOF', 'LCFF']) assert.ok(a.JTPRA <= a[k] * (1 + 1e-9), `${k}`);
});

test('fig7 (quick): JORCF wins at K = 1 and loses at K = 10; the JORCF reduction is printed beside the paper\'s 65.1 %', () => {
  const s = quickSummary('fig7', 3);
  const claims = fig('fig7').claims!(s);
  const crossover = claims.filter((c) => c.claim.startsWith('JORCF < JTPRA') || c.claim.startsWith('JTPRA < JORCF'));
  assert.equal(crossover.length, 2);
  assert.ok(crossover.every((c) => c.holds), JSON.stringify(crossover));
  const reduction = claims.find((c) => c.claim.includes('65.1'))!;
  assert.match(reduction.detail, /ours −\d+\.\d % against the paper's −65\.1 %/);
});

test('fig3 (quick): L_max grows with T and with K', () => {
  const claims = fig('fig3').claims!(quickSummary('fig3', 1));
  assert.ok(claims.length >= 4);
  assert.ok(claims.every((c) => c.holds), JSON.stringify(claims.filter((c) => !c.holds)));
});
