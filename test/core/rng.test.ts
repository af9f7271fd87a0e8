import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRng } from '../../src/core/rng.ts';

test('createRng(seed) gives the same stream for the same seed and a different one for another seed', () => {
  const a = createRng(42), b = createRng(42), c = createRng(43);
  const xs = Array.from({ length: 20 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 20 }, () => b.next()));
  assert.notDeepEqual(xs, Array.from({ length: 20 }, () => c.next()));
});

test('the stream is pinned: a platform-independent generator gives these first values for seed 1', () => {
  // sfc32 seeded by splitmix32 uses 32-bit integer arithmetic only; if this changes, every
  // published scenario seed changes meaning, so it must be a deliberate, documented change.
  const r = createRng(1);
  const first = Array.from({ length: 3 }, () => Math.floor(r.next() * 2 ** 32));
  assert.deepEqual(first, [270604467, 2273286251, 2085451298]);
});

test('uniform, int and pick stay within their ranges', () => {
  fc.assert(fc.property(fc.integer(), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (seed, lo, width) => {
    const r = createRng(seed);
    for (let i = 0; i < 50; i++) {
      const u = r.uniform(lo, lo + width);
      assert.ok(u >= lo && u < lo + width || width < 1e-9);
      const k = r.int(-3, 5);
      assert.ok(Number.isInteger(k) && k >= -3 && k <= 5);
      assert.ok(['a', 'b', 'c'].includes(r.pick(['a', 'b', 'c'])));
    }
  }));
});

test('uniform draws have the right mean and int covers every value', () => {
  const r = createRng(7);
  const n = 20000;
  let sum = 0;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) { sum += r.uniform(1, 10); seen.add(r.int(0, 9)); }
  assert.ok(Math.abs(sum / n - 5.5) < 0.06, `mean ${sum / n}`);
  assert.equal(seen.size, 10);
});

test('fork(label) streams are reproducible and differ between labels', () => {
  const a = createRng(5).fork('servers'), b = createRng(5).fork('servers'), c = createRng(5).fork('devices');
  assert.equal(a.next(), b.next());
  assert.notEqual(createRng(5).fork('servers').next(), c.next());
});
