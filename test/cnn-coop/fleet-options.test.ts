import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateScenario } from '../../src/cnn-coop/generate.ts';
import { parseScenario } from '../../src/cnn-coop/model.ts';
import { precompute } from '../../src/cnn-coop/physics.ts';
import { optionsOn } from '../../src/cnn-coop/options.ts';
import { candidatesOn, splitTable } from '../../src/cnn-coop/fleet/options.ts';

test('fleet/options.ts candidatesOn builds exactly options.ts\'s optionsOn (same options, order and numbers), cloud, floors, tight deadlines, hopeless tasks', () => {
  const arb = fc.record({
    seed: fc.integer({ min: 0, max: 1e6 }),
    devices: fc.integer({ min: 1, max: 25 }),
    servers: fc.integer({ min: 1, max: 10 }),
    deadlineScale: fc.double({ min: 0.05, max: 2, noNaN: true }),
    minRateMbps: fc.constantFrom(0, 1, 20, 500),
    cloud: fc.boolean(),
    pick: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  });
  let hopeless = 0;
  let compared = 0;
  fc.assert(fc.property(arb, (p) => {
    const raw = generateScenario(p);
    raw.devices.forEach((d) => { d.deadlineS *= p.deadlineScale; d.minRateMbps = p.minRateMbps; });
    if (p.cloud) raw.cloud = { cpuGHz: 2500 };
    const s = parseScenario(JSON.parse(JSON.stringify(raw)));
    const pre = precompute(s);
    const table = splitTable(s, pre);
    const servers = [...new Set(p.pick.map((i) => i % s.servers.length))];
    s.devices.forEach((_, m) => {
      const want = optionsOn(s, pre, m, servers);
      if (want.hopeless) hopeless++;
      compared++;
      assert.deepStrictEqual(candidatesOn(s, pre, table, m, servers), want);
    });
  }), { numRuns: 60 });
  assert.ok(hopeless > 0, 'some hopeless tasks were compared');
  assert.ok(compared > 200);
});
