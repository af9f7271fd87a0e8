import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { systems } from '../../src/systems.ts';
import { algorithmSolver } from '../../src/api/solver.ts';
import { runSolver } from '../../src/api/run.ts';

/**
 * `--bound` on every algorithm of every system: the result carries the system's proved lower
 * bound (null only where the instance has no plan), never above the objective the checker
 * recomputes, and the result still passes the checker.
 */
for (const system of systems) {
  test(`${system.name}: every algorithm with --bound carries a lower bound at most its objective`, async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
      const options: Record<string, number | string> = { seed };
      for (const o of system.generateOptions) options[o.flag] = system.testInstance?.[o.flag] ?? o.default;
      const scenario = system.generate(options);
      const bound = system.lowerBound!(scenario);
      for (const algorithm of system.algorithms) {
        if (algorithm.smallOnly && algorithm.smallOnly.sizeOf(scenario) > algorithm.smallOnly.maxSize) continue;
        const { result, report } = await runSolver(system, algorithmSolver(algorithm, true), scenario, { bound: true });
        assert.ok(report.ok, `${algorithm.name} seed ${seed}: ${JSON.stringify(report.issues.slice(0, 3))}`);
        const objective = system.objective!.of(result);
        if (objective === null) continue;
        assert.ok(result.lowerBound !== null && bound !== null && result.lowerBound >= bound, `${algorithm.name} seed ${seed}: lowerBound ${result.lowerBound}, system bound ${bound}`);
        // a bound on feasible plans; a plan that gives up deadlines may go below it
        if (result.status !== 'infeasible') assert.ok(result.lowerBound <= report.recomputed[system.objective!.name] * (1 + 1e-6) + 1e-12, `${algorithm.name} seed ${seed}`);
      }
    }), { numRuns: 2 });
  });
}
