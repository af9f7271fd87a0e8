import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProfile, builtinProfiles, knownProfileNames, parseProfileName, resolveBuilt, resolveProfile } from '../../../src/cnn-coop/profiles/index.ts';
import { NETWORKS, vgg16, resnet18 } from '../../../src/cnn-coop/profiles/networks.ts';
import { parseScenario } from '../../../src/cnn-coop/model.ts';
import { generateScenario } from '../../../src/cnn-coop/generate.ts';
import { InputError } from '../../../src/core/errors.ts';

const INPUT_BITS = 224 * 224 * 3 * 8; // a raw 8-bit RGB image

test('r^k is the activation bits over the input image bits: VGG-16 pool1 at fp32 is 21.3 x the input, pool5 2/3', () => {
  const b = buildProfile(vgg16(), { precision: 'fp32' });
  assert.deepEqual(b.profile.layerNames, ['pool1', 'pool2', 'pool3', 'pool4', 'pool5', 'fc6', 'fc7']);
  assert.equal(b.inputMbit, INPUT_BITS / 1e6);
  assert.ok(Math.abs(b.profile.reduction[0] - (112 * 112 * 64 * 32) / INPUT_BITS) < 1e-12);
  assert.ok(b.profile.reduction[0] > 1, 'early activations are larger than the input');
  assert.ok(Math.abs(b.profile.reduction[4] - 2 / 3) < 1e-12);
  assert.ok(Math.abs(b.profile.reduction[6] - (4096 * 32) / INPUT_BITS) < 1e-12);
});

test('p^k is cumulative MACs x cycles/MAC per input Mbit; the total includes the classifier', () => {
  const b = buildProfile(vgg16());
  // everything up to pool1: conv1_1 (3 -> 64) and conv1_2 (64 -> 64) on 224x224 with 3x3 kernels
  const macsPool1 = 224 * 224 * 64 * 9 * (3 + 64);
  assert.ok(Math.abs(b.profile.gigacyclesPerMbit[0] - macsPool1 / 1e9 / (INPUT_BITS / 1e6)) < 1e-9);
  const last = b.profile.gigacyclesPerMbit.at(-1)!;
  assert.ok(b.profile.totalGigacyclesPerMbit! > last, 'fc8 still runs after the last split');
  assert.ok(Math.abs(b.profile.totalGigacyclesPerMbit! * b.inputMbit - b.totalGmacs) < 1e-9);
});

test('precision scales r^k only; a server class and utilisation scale p^k only', () => {
  for (const make of Object.values(NETWORKS)) {
    const net = make();
    const fp32 = buildProfile(net);
    const int8 = buildProfile(net, { precision: 'int8' });
    const fp16Gpu = buildProfile(net, { precision: 'fp16', serverClass: 'gpu' });
    const half = buildProfile(net, { utilisation: 0.5 });
    fp32.profile.reduction.forEach((r, k) => {
      assert.ok(Math.abs(int8.profile.reduction[k] - r / 4) < 1e-12, `${net.name} int8 r^${k + 1}`);
      assert.ok(Math.abs(fp16Gpu.profile.reduction[k] - r / 2) < 1e-12);
      assert.equal(int8.profile.gigacyclesPerMbit[k], fp32.profile.gigacyclesPerMbit[k], 'scalar class: 1 cycle/MAC at any precision');
      assert.ok(Math.abs(fp16Gpu.profile.gigacyclesPerMbit[k] - fp32.profile.gigacyclesPerMbit[k] / 2) < 1e-12, 'half2: 2 MACs a cycle');
      assert.ok(Math.abs(half.profile.gigacyclesPerMbit[k] - fp32.profile.gigacyclesPerMbit[k] * 2) < 1e-12);
    });
  }
});

test('every built-in profile passes the scenario validation, embedded in a generated scenario', () => {
  const entries = builtinProfiles();
  assert.ok(entries.length >= 1 + 4 * 3);
  for (const name of ['table1', 'alexnet', 'vgg16', 'mobilenet-v1', 'resnet18', 'vgg16-int8']) assert.ok(entries.some((e) => e.name === name), name);
  for (const e of entries) {
    const s = generateScenario({ seed: 3, devices: 4, servers: 2, profile: e.profile, profileName: e.name });
    const parsed = parseScenario(JSON.parse(JSON.stringify(s)));
    assert.deepEqual(parsed.cnnProfiles[e.name], e.profile);
    const p = e.profile;
    assert.equal(p.reduction.length, p.gigacyclesPerMbit.length);
    assert.equal(p.layerNames?.length ?? p.reduction.length, p.reduction.length);
  }
});

test("a scenario can embed a user's own table next to a built-in one, and a bad table names the field", () => {
  const s = generateScenario({ seed: 1, devices: 2, servers: 2 });
  const raw = JSON.parse(JSON.stringify(s));
  raw.cnnProfiles.mine = { reduction: [3, 1.5, 0.2], gigacyclesPerMbit: [0.2, 0.9, 1.4], totalGigacyclesPerMbit: 1.5, source: 'measured on my board' };
  raw.cnnProfiles.resnet18 = resolveProfile('resnet18');
  raw.servers[0].cnnProfile = 'mine';
  raw.servers[1].cnnProfile = 'resnet18';
  assert.equal(parseScenario(raw).cnnProfiles.mine.reduction[0], 3);
  raw.cnnProfiles.mine.gigacyclesPerMbit = [0.2, 0.1, 1.4];
  assert.throws(() => parseScenario(raw), (e: unknown) => e instanceof InputError && /cnnProfiles\.mine\.gigacyclesPerMbit\[1\]/.test(e.message));
});

test('resolveProfile reads NETWORK[-PRECISION][@CLASS] and is undefined for an unknown network', () => {
  assert.deepEqual(resolveProfile('vgg16-int8'), buildProfile(vgg16(), { precision: 'int8' }).profile);
  assert.deepEqual(resolveProfile('vgg16-fp32'), resolveProfile('vgg16'));
  assert.deepEqual(resolveProfile('resnet18@gpu', { precision: 'int8' }), buildProfile(resnet18(), { precision: 'int8', serverClass: 'gpu' }).profile);
  assert.deepEqual(parseProfileName('mobilenet-v1-fp16@cpu-avx512'), { network: 'mobilenet-v1', precision: 'fp16', serverClass: 'cpu-avx512' });
  assert.equal(resolveProfile('lenet'), undefined);
  assert.equal(resolveProfile('toString'), undefined, 'an inherited property is not a network');
  assert.throws(() => resolveProfile('vgg16@constructor'), InputError);
  assert.throws(() => buildProfile(vgg16(), { serverClass: 'toString' }), InputError);
  assert.equal(resolveProfile('table1-int8'), undefined);
  assert.equal(resolveProfile('table1')?.reduction.length, 5);
  assert.throws(() => resolveProfile('vgg16@tpu'), (e: unknown) => e instanceof InputError && /unknown server class "tpu"/.test(e.message));
  assert.throws(() => resolveProfile('vgg16-int8', { precision: 'fp16' }), InputError);
  for (const name of knownProfileNames()) assert.ok(resolveProfile(name), name);
});

test('split points are configurable: all layers, or named ones in network order', () => {
  const all = resolveBuilt('resnet18', { splits: 'all' })!;
  // conv1, maxpool, 8 blocks, avgpool (flatten repeats avgpool; fc is the output)
  assert.deepEqual(all.profile.layerNames, ['conv1', 'maxpool', 'layer1.0', 'layer1.1', 'layer2.0', 'layer2.1', 'layer3.0', 'layer3.1', 'layer4.0', 'layer4.1', 'avgpool']);
  const mine = resolveBuilt('vgg16', { splits: ['pool3', 'pool5'] })!;
  const blocks = resolveBuilt('vgg16')!;
  assert.deepEqual(mine.profile.reduction, [blocks.profile.reduction[2], blocks.profile.reduction[4]]);
  assert.throws(() => resolveProfile('vgg16', { splits: ['pool5', 'pool3'] }), (e: unknown) => e instanceof InputError && /network order/.test(e.message));
  assert.throws(() => resolveProfile('vgg16', { splits: ['fc8'] }), (e: unknown) => e instanceof InputError && e.message.startsWith('splits:'));
  assert.throws(() => resolveProfile('vgg16', { splits: ['layer1.0/conv1'] }), InputError);
  assert.throws(() => resolveProfile('vgg16', { utilisation: 0 }), /utilisation/);
});

test('every network has non-decreasing p^k and a last split before the output', () => {
  for (const make of Object.values(NETWORKS)) {
    const net = make();
    for (const splits of ['blocks', 'all'] as const) {
      const b = buildProfile(net, { splits });
      b.profile.gigacyclesPerMbit.forEach((p, k) => { if (k > 0) assert.ok(p >= b.profile.gigacyclesPerMbit[k - 1]); });
      assert.ok(b.profile.gigacyclesPerMbit.at(-1)! <= b.profile.totalGigacyclesPerMbit!);
      assert.notEqual(b.profile.layerNames!.at(-1), net.layers.at(-1)!.name);
    }
  }
});
