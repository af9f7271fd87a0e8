import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSystem } from '../../src/systems.ts';
import { resolveSolver } from '../../src/api/resolve.ts';
import { runSolver } from '../../src/api/run.ts';
import { SolverFailure } from '../../src/api/errors.ts';
import { InputError } from '../../src/core/errors.ts';

const FIXTURE = new URL('./fixtures/solver.mjs', import.meta.url).pathname;
const double = (mode: string, ...args: string[]) => `exec:${process.execPath} ${FIXTURE} ${mode} ${args.join(' ')}`.trim();

function scenarioOf(systemName: string, overrides: Record<string, number | string> = {}) {
  const system = getSystem(systemName);
  const options: Record<string, number | string> = { seed: 3 };
  for (const o of system.generateOptions) options[o.flag] = overrides[o.flag] ?? system.testInstance?.[o.flag] ?? o.default;
  return { system, scenario: system.parseScenario(JSON.parse(JSON.stringify(system.generate(options)))) };
}

async function solveWith(systemName: string, spec: string, options = {}, exec = {}) {
  const { system, scenario } = scenarioOf(systemName, { devices: 6 });
  // generous deadlines, so the test double's all-local plan is feasible
  if (systemName === 'cnn-coop') for (const d of (scenario as { devices: { deadlineS: number }[] }).devices) d.deadlineS = 1e3;
  return runSolver(system, await resolveSolver(system, spec, exec), scenario, options);
}

test('exec: a well-behaved program: its result passes the checker and is named by the solver that ran', async () => {
  const { result, report } = await solveWith('cnn-coop', double('ok'));
  assert.ok(report.ok, JSON.stringify(report.issues));
  assert.equal(result.algorithm, double('ok'));
  assert.equal(result.tasks.length, 6);
});

test('exec: the time budget reaches the program as MEC_TIME_BUDGET_MS, with the system as MEC_SYSTEM', async () => {
  const { result } = await solveWith('cnn-coop', double('budget'), { timeBudgetMs: 250 });
  assert.deepEqual(result.info, { budget: '250', system: 'cnn-coop' });
});

test('exec: a result the checker rejects is reported invalid with the violated quantity', async () => {
  const { report } = await solveWith('cnn-coop', double('lie-latency'));
  assert.equal(report.ok, false);
  assert.ok(report.issues.some((i) => i.constraint === 'latencyS' && i.task === 'MD1'), JSON.stringify(report.issues));
});

test('exec: claims the checker cannot test (optimal, a lower bound) are withdrawn, with a note each', async () => {
  const { result, report, notes } = await solveWith('cnn-coop', double('lie-optimal'));
  assert.ok(report.ok);
  assert.notEqual(result.status, 'optimal');
  assert.equal(result.lowerBound, null);
  assert.equal(notes.length, 2, notes.join('\n'));
});

test('exec: --bound replaces a withdrawn claim by the system\'s proved bound, at most the objective', async () => {
  const { result, report } = await solveWith('cnn-coop', double('lie-optimal'), { bound: true });
  assert.ok(report.ok);
  assert.ok(result.lowerBound !== null && result.lowerBound > 0 && result.lowerBound <= result.totalLatencyS);
});

test('exec: a false claim that a feasible helper-coop instance has no plan is refuted', async () => {
  const { report } = await solveWith('helper-coop', double('lie-infeasible'));
  assert.equal(report.ok, false);
  assert.match(report.issues.at(-1)!.message, /has one/);
});

test('exec: a crashing program fails with its exit code and the end of its stderr', async () => {
  await assert.rejects(solveWith('cnn-coop', double('crash')), (e: Error) => e instanceof SolverFailure && /exited with code 3.*boom at step 3/.test(e.message));
});

test('exec: output that is not JSON, or not a result of the system, is the solver\'s failure naming the problem', async () => {
  await assert.rejects(solveWith('cnn-coop', double('garbage')), (e: Error) => e instanceof SolverFailure && /not print one JSON document.*hello/.test(e.message));
  await assert.rejects(solveWith('cnn-coop', double('schema')), (e: Error) => e instanceof SolverFailure && /not a cnn-coop result: result/.test(e.message));
});

test('exec: a hanging program is stopped at the time limit (the process is gone afterwards)', async () => {
  const pidFile = join(mkdtempSync(join(tmpdir(), 'mec-hang-')), 'pid');
  await assert.rejects(solveWith('cnn-coop', double('hang', pidFile), {}, { timeLimitMs: 1500 }), (e: Error) => e instanceof SolverFailure && /time limit of 1500 ms/.test(e.message));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
});

test('exec: a missing or non-executable program is bad input naming --algorithm', async () => {
  const { system } = scenarioOf('cnn-coop');
  await assert.rejects(resolveSolver(system, 'exec:./no/such/solver.py'), (e: Error) => e instanceof InputError && /--algorithm: no such file/.test(e.message));
  const notExec = new URL('./fixtures/not-executable.sh', import.meta.url).pathname;
  await assert.rejects(resolveSolver(system, `exec:${notExec}`), (e: Error) => e instanceof InputError && /not executable.*exec:python3/.test(e.message));
  await assert.rejects(solveWith('cnn-coop', 'exec:no-such-program-on-path-xyz'), (e: Error) => e instanceof InputError && /not found/.test(e.message));
  await assert.rejects(resolveSolver(system, 'pa', { timeLimitMs: 10 }), /--time-limit-ms: applies to exec:/);
});

const python = spawnSync('python3', ['--version']).status === 0;
for (const [systemName, file, sizes] of [
  ['cnn-coop', 'cnn_coop_greedy.py', { devices: 12, servers: 2 }],
  ['helper-coop', 'helper_coop_greedy.py', {}],
  ['three-tier', 'three_tier_greedy.py', { tasks: 12, sbs: 3, groups: 2 }],
] as const) {
  test(`examples/${file}: its ${systemName} results pass the checker and are no better than the proved bound`, { skip: python ? false : 'python3 is not installed' }, async () => {
    const path = new URL(`../../examples/${file}`, import.meta.url).pathname;
    for (const seed of [1, 2]) {
      const system = getSystem(systemName);
      const options: Record<string, number | string> = { seed };
      for (const o of system.generateOptions) options[o.flag] = (sizes as Record<string, number>)[o.flag] ?? o.default;
      const scenario = system.parseScenario(JSON.parse(JSON.stringify(system.generate(options))));
      const { result, report } = await runSolver(system, await resolveSolver(system, `exec:${path}`), scenario, { bound: true });
      assert.ok(report.ok, `seed ${seed}: ${JSON.stringify(report.issues.slice(0, 3))}`);
      const objective = system.objective!.of(result)!;
      assert.ok(result.lowerBound !== null && result.lowerBound <= objective * (1 + 1e-9), `seed ${seed}: bound ${result.lowerBound} vs ${objective}`);
    }
  });
}
