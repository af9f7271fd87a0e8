import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeNetwork, networkTotals, windowOutput, type LayerRow, type Network } from '../../../src/cnn-coop/profiles/layers.ts';
import { alexnet, mobilenetV1, resnet18, resnet50, vgg16 } from '../../../src/cnn-coop/profiles/networks.ts';

const within = (actual: number, expected: number, rel: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= rel * expected, `${what}: ${actual} is not within ${rel * 100} % of ${expected}`);

function row(net: Network, name: string): LayerRow {
  const r = analyzeNetwork(net).find((x) => x.name === name);
  assert.ok(r, `no layer ${name} in ${net.name}`);
  return r;
}

// Published totals: VGG-16 15.5 G MACs / 138 M weights (Simonyan & Zisserman; torchvision),
// AlexNet 0.71 G / 61.1 M (torchvision), MobileNetV1 569 M / 4.2 M (Howard et al. Table 1),
// ResNet-18 1.8 G / 11.7 M and ResNet-50 4.1 G / 25.6 M (He et al. Table 1; torchvision).
for (const [make, gmacs, mparams] of [
  [vgg16, 15.5, 138.4], [alexnet, 0.71, 61.1], [() => mobilenetV1(), 0.569, 4.2], [resnet18, 1.8, 11.7], [resnet50, 4.1, 25.6],
] as const) {
  const net = make();
  test(`${net.name} has the published total of ${gmacs} G MACs and ${mparams} M weights, within 2 %`, () => {
    const t = networkTotals(net);
    within(t.macs / 1e9, gmacs, 0.02, `${net.name} MACs`);
    within(t.params / 1e6, mparams, 0.02, `${net.name} weights`);
    assert.deepEqual(t.output, { channels: 1000, height: 1, width: 1 });
  });
}

test('MobileNetV1 width and resolution multipliers give the paper\'s Table 6 and 7 totals', () => {
  // Howard et al. 2017: 0.75 -> 325 M, 0.5 -> 149 M, 0.25 -> 41 M; 192 -> 418 M, 160 -> 290 M, 128 -> 186 M
  for (const [width, resolution, mmacs] of [[0.75, 224, 325], [0.5, 224, 149], [0.25, 224, 41], [1, 192, 418], [1, 160, 290], [1, 128, 186]]) {
    within(networkTotals(mobilenetV1({ width, resolution })).macs / 1e6, mmacs, 0.02, `MobileNet ${width} ${resolution}`);
  }
});

test('AlexNet conv1 (11x11, stride 4, pad 2) maps 3x224x224 to 64x55x55 with 70.3 M MACs', () => {
  const r = row(alexnet(), 'conv1');
  // (224 + 2*2 - 11) / 4 + 1 = 55.25 -> 55; each output value: 3 channels x 11 x 11 taps
  assert.deepEqual(r.output, { channels: 64, height: 55, width: 55 });
  assert.equal(r.macs, 55 * 55 * 64 * (3 * 11 * 11));
  assert.equal(r.params, 64 * 3 * 11 * 11 + 64);
  assert.deepEqual(row(alexnet(), 'pool5').output, { channels: 256, height: 6, width: 6 });
});

test('VGG-16 conv1_1 keeps 224x224 (3x3, pad 1) and pool5 gives 512x7x7; fc6 takes 25088 inputs', () => {
  const net = vgg16();
  const c = row(net, 'conv1_1');
  assert.deepEqual(c.output, { channels: 64, height: 224, width: 224 });
  assert.equal(c.macs, 224 * 224 * 64 * 3 * 9);
  assert.deepEqual(row(net, 'pool5').output, { channels: 512, height: 7, width: 7 });
  const fc6 = row(net, 'fc6');
  assert.equal(fc6.input.channels, 25088);
  assert.equal(fc6.macs, 25088 * 4096);
});

test('MobileNetV1 depthwise conv costs one 3x3 filter a channel, the pointwise one Cin x Cout', () => {
  const net = mobilenetV1();
  assert.deepEqual(row(net, 'conv1').output, { channels: 32, height: 112, width: 112 });
  const dw = row(net, 'dw1');
  assert.deepEqual(dw.output, { channels: 32, height: 112, width: 112 });
  assert.equal(dw.macs, 112 * 112 * 32 * 9);
  assert.equal(row(net, 'pw1').macs, 112 * 112 * 32 * 64);
  // dw2 has stride 2: (112 + 2 - 3) / 2 + 1 = 56.5 -> 56
  assert.deepEqual(row(net, 'dw2').output, { channels: 64, height: 56, width: 56 });
  assert.deepEqual(row(net, 'pw13').output, { channels: 1024, height: 7, width: 7 });
});

test('ResNet-18: the stem gives 64x56x56, layer2.0 halves the side and its 1x1 shortcut matches', () => {
  const net = resnet18();
  assert.deepEqual(row(net, 'maxpool').output, { channels: 64, height: 56, width: 56 });
  const ds = row(net, 'layer2.0/downsample');
  assert.deepEqual(ds.output, { channels: 128, height: 28, width: 28 });
  assert.equal(ds.macs, 28 * 28 * 128 * 64);
  assert.equal(row(net, 'layer2.0/conv1').macs, 28 * 28 * 128 * 64 * 9);
  const add = row(net, 'layer2.0');
  assert.equal(add.type, 'add');
  assert.equal(add.depth, 0);
  assert.equal(row(net, 'layer1.0/conv1').depth, 1);
  assert.equal(analyzeNetwork(net).some((r) => r.name === 'layer1.0/downsample'), false, 'layer1.0 has an identity shortcut');
});

test('windowOutput follows PyTorch, including ceil_mode', () => {
  assert.equal(windowOutput(112, 3, 2, 0), 55);
  assert.equal(windowOutput(112, 3, 2, 0, true), 56); // GoogLeNet's first pool
  assert.equal(windowOutput(5, 2, 2, 0, true), 3);
  // the last window would start in the right padding only: dropped
  assert.equal(windowOutput(4, 2, 2, 1, true), 3);
  assert.equal(windowOutput(2, 3, 1, 0), 0);
});

test('windowOutput counts the window positions that fit in the padded input (floor mode)', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 5 }),
    (size, kernel, stride, padding) => {
      let count = 0;
      for (let start = -padding; start + kernel <= size + padding; start += stride) count++;
      return windowOutput(size, kernel, stride, padding) === count;
    }));
});

test('a bad definition is refused with the layer named', () => {
  const base = { name: 't', description: '', source: '', input: { channels: 3, height: 8, width: 8 }, blocks: [] };
  assert.throws(() => analyzeNetwork({ ...base, layers: [{ type: 'conv', name: 'c', outChannels: 4, kernel: 3, groups: 2 }] }), /c: groups 2/);
  assert.throws(() => analyzeNetwork({ ...base, layers: [{ type: 'linear', name: 'fc', outFeatures: 10 }] }), /fc: a linear layer needs a flattened input/);
  assert.throws(() => analyzeNetwork({ ...base, layers: [{ type: 'residual', name: 'r', main: [{ type: 'conv', name: 'c', outChannels: 8, kernel: 1 }], shortcut: [] }] }),
    /r: main path gives 8x8x8 but the shortcut 3x8x8/);
  assert.throws(() => analyzeNetwork({ ...base, layers: [{ type: 'conv', name: 'big', outChannels: 4, kernel: 11 }] }), /big: the kernel is larger/);
});
