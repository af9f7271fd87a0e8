import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vegaLite from 'vega-lite';
import { getSystem } from '../../src/systems.ts';
import { compare, compareCase, leaderboard, scenarioBound, type CompareCaseRow } from '../../src/api/compare.ts';
import { casesCsv, compareSpec, formatLeaderboard } from '../../src/api/compare-format.ts';

const FIXTURE = new URL('./fixtures/solver.mjs', import.meta.url).pathname;
const double = (mode: string) => `exec:${process.execPath} ${FIXTURE} ${mode}`;
const cnn = getSystem('cnn-coop');
const scenario = (seed: number) => JSON.parse(JSON.stringify(cnn.generate({ seed, devices: 5, servers: 2, 'bandwidth-mhz': 10, 'backhaul-mbps': 100, cnn: 'table1' })));

const row = (scenarioLabel: string, algorithm: string, objective: number | null, extra: Partial<CompareCaseRow> = {}): CompareCaseRow => ({
  scenario: scenarioLabel, algorithm, verdict: objective === null ? 'invalid' : 'valid', status: objective === null ? null : 'feasible', objective,
  bound: 1, gapPct: objective === null ? null : (100 * (objective - 1)) / objective, solveMs: 1, message: null, ...extra,
});

test('leaderboard ranks by feasible plans, then mean gap; wins count the least objective per scenario (ties for each)', () => {
  const board = leaderboard([
    row('s1', 'a', 1.1), row('s2', 'a', 1.3),
    row('s1', 'b', 1.1), row('s2', 'b', 1.2),
    row('s1', 'c', 1.0, { status: 'infeasible', gapPct: null }), row('s2', 'c', 1.0),
    row('s1', 'd', null), row('s2', 'd', null),
  ]);
  assert.deepEqual(board.map((r) => [r.algorithm, r.rank, r.feasible, r.wins]), [['b', 1, 2, 1], ['a', 2, 2, 1], ['c', 3, 1, 1], ['d', 4, 0, 0]]);
  assert.ok(Math.abs(board[0].meanGapPct! - (100 * 0.1 / 1.1 + 100 * 0.2 / 1.2) / 2) < 1e-12);
  assert.equal(board[3].meanGapPct, null);
});

test('compareCase: a valid plan gets the checker\'s objective and its gap to the bound; a lie is invalid; a crash failed; a misfit refused', async () => {
  const s = scenario(1);
  const bound = scenarioBound(s);
  assert.ok(bound !== null && bound > 0);
  const input = (algorithm: string) => ({ scenario: s, scenarioLabel: 'seed 1', algorithm, bound });
  const [mdo, lie, crash, unknown] = await Promise.all([compareCase(input('mdo')), compareCase(input(double('lie-latency'))), compareCase(input(double('crash'))), compareCase(input('nope'))]);
  assert.equal(mdo.verdict, 'valid');
  assert.ok(mdo.objective! >= bound! && Math.abs(mdo.gapPct! - (100 * (mdo.objective! - bound!)) / mdo.objective!) < 1e-9);
  assert.equal(lie.verdict, 'invalid');
  assert.equal(lie.objective, null);
  assert.match(lie.message!, /MD1 latencyS/);
  assert.equal(crash.verdict, 'failed');
  assert.match(crash.message!, /exited with code 3/);
  assert.equal(unknown.verdict, 'refused');
  // a case is a function of JSON input and gives JSON output (for a job queue)
  assert.deepEqual(JSON.parse(JSON.stringify(mdo)), mdo);
});

test('compare: every algorithm on every scenario, one system only; CSV, table and a vega-lite spec that compiles', async () => {
  const run = await compare([{ label: 'seed 1', scenario: scenario(1) }, { label: 'seed 2', scenario: scenario(2) }], ['mdo', 'best', double('ok')]);
  assert.equal(run.cases.length, 6);
  assert.equal(run.leaderboard.length, 3);
  assert.ok(run.cases.every((c) => c.verdict === 'valid'), JSON.stringify(run.cases));
  const csv = casesCsv(run.cases).trim().split('\n');
  assert.equal(csv.length, 7);
  assert.equal(csv[0], 'scenario,algorithm,verdict,status,objective,bound,gapPct,solveMs,message');
  assert.match(formatLeaderboard(run, 'totalLatencyS'), /rank\s+algorithm/);
  const spec = compareSpec(run);
  assert.ok(vegaLite.compile(spec).spec);
  await assert.rejects(compare([{ label: 'a', scenario: scenario(1) }, { label: 'b', scenario: getSystem('helper-coop').generate({ seed: 1, helpers: 2, 'data-mbit': 1, 'deadline-s': 1, 'bandwidth-mhz': 1 }) }], ['mdo']), /b system: is a helper-coop scenario/);
});
