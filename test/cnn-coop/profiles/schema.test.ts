import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNetwork } from '../../../src/cnn-coop/profiles/schema.ts';
import { NETWORKS } from '../../../src/cnn-coop/profiles/networks.ts';
import { networkTotals } from '../../../src/cnn-coop/profiles/layers.ts';
import { buildProfile } from '../../../src/cnn-coop/profiles/build.ts';
import { InputError } from '../../../src/core/errors.ts';

const rejects = (raw: unknown, field: RegExp) =>
  assert.throws(() => parseNetwork(raw), (e: unknown) => e instanceof InputError && field.test(e.message), `expected an InputError matching ${field}`);

test('every built-in network survives a JSON round trip as a user architecture', () => {
  for (const make of Object.values(NETWORKS)) {
    const net = make();
    const parsed = parseNetwork(JSON.parse(JSON.stringify(net)));
    assert.deepEqual(networkTotals(parsed), networkTotals(net));
    assert.deepEqual(buildProfile(parsed).profile.reduction, buildProfile(net).profile.reduction);
  }
});

test('a user architecture without blocks splits after every top-level layer but flatten and the output', () => {
  const net = parseNetwork({
    name: 'tiny', input: { channels: 1, height: 28, width: 28 },
    layers: [
      { type: 'conv', name: 'c1', outChannels: 8, kernel: 5 },
      { type: 'maxpool', name: 'p1', kernel: 2 },
      { type: 'flatten', name: 'f' },
      { type: 'linear', name: 'out', outFeatures: 10 },
    ],
  });
  assert.deepEqual(net.blocks, ['c1', 'p1']);
  const b = buildProfile(net, { precision: 'int8' });
  // c1: 8 x 24 x 24 values at 8 bit over a 28 x 28 8-bit image
  assert.equal(b.profile.reduction[0], (8 * 24 * 24) / (28 * 28));
  assert.equal(b.totalGmacs * 1e9, 8 * 24 * 24 * 25 + 8 * 12 * 12 * 10);
});

test('a bad architecture document names the field or the layer', () => {
  const input = { channels: 3, height: 32, width: 32 };
  const flat = { type: 'flatten', name: 'f' };
  rejects({ name: 'x', input, layers: [flat, flat], extra: 1 }, /unknown field\(s\) "extra"/);
  rejects({ name: 'x', input, layers: [{ type: 'conv', name: 'c', outChannels: 0, kernel: 3 }, flat] }, /layers\[0\]\.outChannels/);
  rejects({ name: 'x', input, layers: [{ type: 'pool', name: 'p', kernel: 2 }, flat] }, /layers\[0\]\.type/);
  rejects({ name: 'x', input, layers: [{ type: 'residual', name: 'r', main: [{ type: 'conv', name: 'c', outChannels: 3, kernel: 1, dilation: 2 }], shortcut: [] }, flat] },
    /layers\[0\]\.main\[0\]: unknown field/);
  rejects({ name: 'x', input, layers: [flat, { type: 'conv', name: 'c', outChannels: 3, kernel: 3 }] }, /layer c: the kernel is larger than the padded input/);
  rejects({ name: 'x', input, layers: [flat, flat] }, /duplicate layer name "f"/);
  rejects({ name: 'x', input: { channels: 3, height: -1, width: 2 }, layers: [flat, flat] }, /input\.height/);
});
