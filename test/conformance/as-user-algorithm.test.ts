import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systems } from '../../src/systems.ts';
import { userAlgorithmSolver } from '../../src/api/module.ts';
import { runSolver } from '../../src/api/run.ts';

/**
 * The user-algorithm path is complete: every built-in algorithm, run as if it were a user's
 * (its result copied through JSON, the strict result schema, the withdrawal of unprovable
 * claims), still gives a result the checker accepts. So the result formats carry everything a
 * plan needs, and an external solver can express whatever a built-in one can.
 */
for (const system of systems) {
  test(`${system.name}: every built-in algorithm's result survives the user-algorithm path`, async () => {
    const options: Record<string, number | string> = { seed: 11 };
    for (const o of system.generateOptions) options[o.flag] = system.testInstance?.[o.flag] ?? o.default;
    const scenario = system.generate(options);
    for (const algorithm of system.algorithms) {
      if (algorithm.smallOnly && algorithm.smallOnly.sizeOf(scenario) > algorithm.smallOnly.maxSize) continue;
      const solver = userAlgorithmSolver(system, { ...algorithm, system: system.name });
      const { result, report } = await runSolver(system, solver, scenario);
      assert.ok(report.ok, `${algorithm.name}: ${JSON.stringify(report.issues.slice(0, 3))}`);
      assert.notEqual(result.status, 'optimal');
      assert.equal(result.lowerBound, null);
    }
  });
}
