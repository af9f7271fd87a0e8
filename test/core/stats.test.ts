import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanCi95, median, quantile } from '../../src/core/stats.ts';

test('meanCi95 of [1,2,3,4,5] is 3 ± t(4)·sd/√5 = 3 ± 2.776·1.5811/2.2361', () => {
  const ci = meanCi95([1, 2, 3, 4, 5]);
  const half = (2.776 * Math.sqrt(2.5)) / Math.sqrt(5);
  assert.equal(ci.mean, 3);
  assert.ok(Math.abs(ci.hi - 3 - half) < 1e-9 && Math.abs(3 - ci.lo - half) < 1e-9);
  assert.equal(ci.n, 5);
});

test('meanCi95 leaves out NaN samples and handles one sample', () => {
  assert.equal(meanCi95([NaN, 2]).mean, 2);
  assert.equal(meanCi95([2]).lo, 2);
  assert.ok(Number.isNaN(meanCi95([]).mean));
});

test('median and quantile interpolate', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(quantile([0, 10], 0.9), 9);
});
