import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/cnn-coop/model.ts';
import { generateScenario } from '../../src/cnn-coop/generate.ts';
import { InputError } from '../../src/core/errors.ts';

const base = () => JSON.parse(JSON.stringify(generateScenario({ seed: 3, devices: 4, servers: 2 })));

function rejects(mutate: (s: any) => void, fieldPattern: RegExp) {
  const s = base();
  mutate(s);
  assert.throws(() => parseScenario(s), (e: unknown) => {
    assert.ok(e instanceof InputError, `not an InputError: ${e}`);
    assert.match(e.message, fieldPattern);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

test('a generated scenario passes validation unchanged', () => {
  assert.deepEqual(parseScenario(base()), base());
});

test('negative bandwidth is refused naming servers[i].bandwidthMHz', () => rejects((s) => { s.servers[1].bandwidthMHz = -5; }, /servers\[1\]\.bandwidthMHz.*> 0/));
test('a missing field is refused naming it', () => rejects((s) => { delete s.devices[0].deadlineS; }, /devices\[0\]\.deadlineS/));
test('an unknown field is refused naming it', () => rejects((s) => { s.devices[2].colour = 'red'; }, /devices\[2\].*unknown field.*colour/));
test('an unknown CNN profile is refused naming servers[i].cnnProfile', () => rejects((s) => { s.servers[0].cnnProfile = 'resnet9000'; }, /servers\[0\]\.cnnProfile.*resnet9000/));
test('a profile whose arrays differ in length is refused', () => rejects((s) => { s.cnnProfiles.table1.reduction.pop(); }, /cnnProfiles\.table1/));
test('decreasing cumulative cycles are refused', () => rejects((s) => { s.cnnProfiles.table1.gigacyclesPerMbit[2] = 0.1; }, /gigacyclesPerMbit\[2\].*non-decreasing/));
test('duplicate server ids are refused', () => rejects((s) => { s.servers[1].id = s.servers[0].id; }, /servers\[1\]\.id.*duplicate/));
test('a gain matrix of the wrong shape is refused', () => rejects((s) => { s.gainsDb = [[-100]]; }, /gainsDb/));
test('a wrong system name is refused', () => rejects((s) => { s.system = 'other'; }, /system/));

test('the generator is reproducible, and its servers do not depend on the number of devices', () => {
  assert.deepEqual(generateScenario({ seed: 9 }), generateScenario({ seed: 9 }));
  assert.deepEqual(generateScenario({ seed: 9, devices: 5 }).servers, generateScenario({ seed: 9, devices: 30 }).servers);
  assert.notDeepEqual(generateScenario({ seed: 9 }).devices, generateScenario({ seed: 10 }).devices);
});

test('the generator draws Table III ranges', () => {
  const s = generateScenario({ seed: 1, devices: 200, servers: 8 });
  for (const d of s.devices) {
    assert.ok(d.dataMbit >= 1 && d.dataMbit <= 10 && d.deadlineS >= 1 && d.deadlineS <= 2);
    assert.ok([2, 4].includes(d.cpuGHz) && d.gigacyclesPerMbit >= 2 && d.gigacyclesPerMbit <= 4);
    assert.ok(d.x >= 0 && d.x <= 100 && d.y >= 0 && d.y <= 100 && d.txPowerW === 0.6 && d.minRateMbps === 1);
  }
  assert.ok(s.servers.every((v) => [600, 800].includes(v.cpuGHz) && v.bandwidthMHz === 10 && v.backhaulMbps === 100));
});
