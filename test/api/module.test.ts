import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getSystem } from '../../src/systems.ts';
import { resolveSolver } from '../../src/api/resolve.ts';
import { runSolver } from '../../src/api/run.ts';
import { SolverFailure } from '../../src/api/errors.ts';
import { registerAlgorithm, unregisterAlgorithm } from '../../src/api/registry.ts';
import { InputError } from '../../src/core/errors.ts';

const MODULE = new URL('./fixtures/algorithms.ts', import.meta.url).pathname;
const cnn = getSystem('cnn-coop');
const scenario = cnn.parseScenario(JSON.parse(JSON.stringify(cnn.generate({ seed: 4, devices: 5, servers: 2, 'bandwidth-mhz': 10, 'backhaul-mbps': 100, cnn: 'table1' }))));

test('module: path#name loads one algorithm of a TS module; its result goes through the schema and the checker', async () => {
  const solver = await resolveSolver(cnn, `${MODULE}#all-local`);
  assert.equal(solver.trusted, false);
  const { result, report } = await runSolver(cnn, solver, scenario);
  assert.ok(report.ok, JSON.stringify(report.issues));
  assert.equal(result.algorithm, `${MODULE}#all-local`);
  assert.ok(result.tasks.every((t: { place: string }) => t.place === 'local'));
});

test('module: a module with several algorithms for the system needs #name; an unknown one is bad input', async () => {
  await assert.rejects(resolveSolver(cnn, MODULE), (e: Error) => e instanceof InputError && /several algorithms for cnn-coop.*#<name>/.test(e.message));
  await assert.rejects(resolveSolver(cnn, `${MODULE}#nope`), (e: Error) => e instanceof InputError && /no algorithm "nope" for cnn-coop.*all-local \(cnn-coop\)/.test(e.message));
  await assert.rejects(resolveSolver(getSystem('helper-coop'), `${MODULE}#all-local`), /no algorithm "all-local" for helper-coop/);
  await assert.rejects(resolveSolver(cnn, './no-such-module.ts'), /--algorithm: no such module/);
});

test('module: an algorithm that throws is the solver\'s failure, with its message', async () => {
  const solver = await resolveSolver(cnn, `${MODULE}#thrower`);
  await assert.rejects(runSolver(cnn, solver, scenario), (e: Error) => e instanceof SolverFailure && /threw Error: no plan today/.test(e.message));
});

test('registerAlgorithm: a registered algorithm is solved by name and checked like any user algorithm; names are unique', async () => {
  const mod = (await import(MODULE)).default;
  registerAlgorithm({ ...mod[0], name: 'my-local' });
  try {
    const { result, report } = await runSolver(cnn, await resolveSolver(cnn, 'my-local'), scenario, { bound: true });
    assert.ok(report.ok);
    assert.equal(result.algorithm, 'my-local');
    assert.ok(result.lowerBound !== null && result.lowerBound <= result.totalLatencyS);
    assert.throws(() => registerAlgorithm({ ...mod[0], name: 'my-local' }), /already has an algorithm "my-local"/);
    assert.throws(() => registerAlgorithm({ ...mod[0], name: 'pa' }), /already has an algorithm "pa"/);
    assert.throws(() => registerAlgorithm({ ...mod[0], name: './x.ts' }), /not a valid algorithm name/);
    assert.throws(() => registerAlgorithm({ ...mod[0], system: 'nosuch', name: 'x' }), /unknown system "nosuch"/);
  } finally {
    assert.equal(unregisterAlgorithm('cnn-coop', 'my-local'), true);
  }
  await assert.rejects(resolveSolver(cnn, 'my-local'), /unknown algorithm "my-local"/);
});
