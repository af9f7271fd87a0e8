import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { systems } from '../../src/systems.ts';
import { runAlgorithm } from '../../src/core/system.ts';

/**
 * The conformance suite: every algorithm of every system, on random seeded instances, goes
 * through its system's independent checker; the result must also survive a JSON round trip
 * through the result schema (what `mec verify` reads).
 */
for (const system of systems) {
  for (const algorithm of system.algorithms) {
    test(`${system.name} ${algorithm.name}: every result passes the independent checker`, () => {
      fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const options: Record<string, number | string> = { seed };
        for (const o of system.generateOptions) options[o.flag] = system.testInstance?.[o.flag] ?? o.default;
        const scenario = system.generate(options);
        if (algorithm.smallOnly && algorithm.smallOnly.sizeOf(scenario) > algorithm.smallOnly.maxSize) return;
        const result = runAlgorithm(algorithm, scenario);
        assert.equal(result.system, system.name);
        assert.equal(result.algorithm, algorithm.name);
        const report = system.verify(scenario, result);
        assert.ok(report.ok, `seed ${seed}: ${JSON.stringify(report.issues.slice(0, 3))}`);
        const roundTrip = system.parseResult(JSON.parse(JSON.stringify(result)));
        assert.ok(system.verify(scenario, roundTrip).ok);
      }), { numRuns: 6 });
    });
  }
}
