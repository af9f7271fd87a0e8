import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getSystem } from '../../src/systems.ts';
import { resolveSolver } from '../../src/api/resolve.ts';
import { runSolver } from '../../src/api/run.ts';
import { InputError } from '../../src/core/errors.ts';

function instance(name: string, sizes: Record<string, number | string>) {
  const system = getSystem(name);
  const options: Record<string, number | string> = { seed: 9 };
  for (const o of system.generateOptions) options[o.flag] = sizes[o.flag] ?? o.default;
  return { system, scenario: system.parseScenario(JSON.parse(JSON.stringify(system.generate(options)))) };
}

test('options that do not apply are refused as bad input naming the flag (CLI) or the option (API)', async () => {
  const { system, scenario } = instance('cnn-coop', { devices: 4 });
  const pa = await resolveSolver(system, 'pa');
  const refused = async (options: object, pattern: RegExp, naming: 'cli' | 'api' = 'cli') =>
    assert.rejects(runSolver(system, pa, scenario, options, naming), (e: Error) => e instanceof InputError && pattern.test(e.message));
  await refused({ timeBudgetMs: 100 }, /^--time-budget-ms: pa does not honour a time budget/);
  await refused({ workers: 2 }, /^--workers: pa has no worker-pool path \(cnn-coop algorithms with one: none\)/);
  await refused({ workers: 2 }, /^options\.workers: pa has no worker-pool path/, 'api');
  await refused({ timeBudgetMs: -1 }, /^--time-budget-ms: must be a number > 0/);
  const t = instance('three-tier', { tasks: 3, sbs: 2 });
  await assert.rejects(runSolver(t.system, await resolveSolver(t.system, 'admm'), t.scenario, { workers: 0 }), /--workers: must be an integer >= 1/);
  await assert.rejects(runSolver(t.system, await resolveSolver(t.system, 'greedy'), t.scenario, { workers: 2 }), /--workers: greedy has no worker-pool path \(three-tier algorithms with one: admm\)/);
});

test('three-tier admm on a worker pool gives the same plan as in this thread', async () => {
  const { system, scenario } = instance('three-tier', { tasks: 12, sbs: 4, groups: 3 });
  const admm = await resolveSolver(system, 'admm');
  const [one, two] = [await runSolver(system, admm, scenario), await runSolver(system, admm, scenario, { workers: 2 })];
  assert.ok(two.report.ok);
  assert.equal(two.result.utility, one.result.utility);
  assert.deepEqual(two.result.tasks, one.result.tasks);
});

test('--bound: a result marked optimal for its own restricted problem is reported feasible against the system bound', async () => {
  const { system, scenario } = instance('helper-coop', {});
  const { result, report, notes } = await runSolver(system, await resolveSolver(system, 'ff'), scenario, { bound: true });
  assert.ok(report.ok, JSON.stringify(report.issues));
  assert.equal(result.status, 'feasible');
  assert.ok(result.lowerBound! < result.energyJ!);
  assert.match(notes.join('\n'), /optimal for its own restricted problem/);
});

test('an option the algorithm honours is passed on: cnn-coop fleet with a time budget gives a checked plan', async () => {
  const { system, scenario } = instance('cnn-coop', { devices: 6 });
  const fleet = await resolveSolver(system, 'fleet');
  assert.equal(fleet.supports.timeBudgetMs, true);
  const { result, report } = await runSolver(system, fleet, scenario, { timeBudgetMs: 200, bound: true });
  assert.ok(report.ok, JSON.stringify(report.issues));
  assert.ok(result.lowerBound !== null && result.lowerBound <= result.totalLatencyS * (1 + 1e-9));
});
