import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelGain, pathLossDb, shannonRateMbps } from '../../src/core/channel.ts';
import { dbmToW, wToDbm, dbToLinear } from '../../src/core/units.ts';

const model = { interceptDb: 128.1, slopeDb: 27, distanceUnit: 'km' as const, minDistanceM: 1 };

test('pathLossDb is the intercept at 1 km and grows by the slope per decade', () => {
  assert.ok(Math.abs(pathLossDb(1000, model) - 128.1) < 1e-12);
  assert.ok(Math.abs(pathLossDb(100, model) - (128.1 - 27)) < 1e-12);
});

test('pathLossDb floors the distance at minDistanceM', () => {
  assert.equal(pathLossDb(0, model), pathLossDb(1, model));
  assert.ok(pathLossDb(0.2, model) < Infinity);
});

test('dBm and W convert both ways (-110 dBm is 1e-14 W; 30 dBm is 1 W)', () => {
  assert.ok(Math.abs(dbmToW(-110) - 1e-14) < 1e-26);
  assert.ok(Math.abs(dbmToW(30) - 1) < 1e-15);
  assert.ok(Math.abs(wToDbm(0.6) - (10 * Math.log10(600))) < 1e-12);
  assert.ok(Math.abs(channelGain(1000, model) - dbToLinear(-128.1)) < 1e-25);
});

test('shannonRateMbps is B·log2(1 + SNR): 10 MHz at SNR 3 gives 20 Mbit/s', () => {
  assert.ok(Math.abs(shannonRateMbps(10, 3) - 20) < 1e-12);
  assert.equal(shannonRateMbps(10, 0), 0);
});
