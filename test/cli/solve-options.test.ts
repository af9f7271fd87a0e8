import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mecIn } from './run-mec.ts';

const FIXTURE = new URL('../api/fixtures/solver.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mec-solve-'));

const mec = mecIn(dir, 180_000);

test('mec solve: --bound puts a proved lowerBound on every system\'s result; three-tier-solve is an alias with workers', async () => {
  await Promise.all([
    mec('generate', 'helper-coop', '--seed', '2', '-o', 'h.json'),
    mec('generate', 'three-tier', '--seed', '2', '--tasks', '8', '--sbs', '2', '--groups', '2', '-o', 't.json'),
  ]);
  const [h, t] = await Promise.all([mec('solve', 'h.json', '-a', 'fo', '--bound', '--json'), mec('three-tier-solve', 't.json', '--bound', '--json')]);
  assert.equal(h.code, 0, h.stderr);
  const hr = JSON.parse(h.stdout);
  assert.equal(hr.status, 'feasible'); // fo is optimal only for its restricted problem
  assert.ok(hr.lowerBound > 0 && hr.lowerBound < hr.energyJ);
  assert.equal(t.code, 0, t.stderr);
  const tr = JSON.parse(t.stdout);
  assert.equal(tr.algorithm, 'admm');
  assert.ok(tr.lowerBound > 0 && tr.lowerBound <= tr.utility);
});

test('mec solve: an option that does not apply is exit 2 with one line naming the flag', async () => {
  writeFileSync(join(dir, 'c.json'), (await mec('generate', 'cnn-coop', '--devices', '3')).stdout);
  const [workers, budget, limit] = await Promise.all([
    mec('solve', 'c.json', '--workers', '2'), mec('solve', 'c.json', '-a', 'mdo', '--time-budget-ms', '50'), mec('solve', 'c.json', '--time-limit-ms', '50')]);
  for (const [r, flag] of [[workers, '--workers'], [budget, '--time-budget-ms'], [limit, '--time-limit-ms']] as const) {
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^mec: error: ${flag}: `));
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});

test('mec solve exec: an invalid result is exit 1, listed issues, nothing on stdout and no file written', async () => {
  writeFileSync(join(dir, 'c5.json'), (await mec('generate', 'cnn-coop', '--devices', '5')).stdout);
  const r = await mec('solve', 'c5.json', '-a', `exec:${process.execPath} ${FIXTURE} lie-latency`, '--json', '-o', 'r.json');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /invalid result, rejected by the independent checker[\s\S]*MD1 latencyS/);
  assert.equal(r.stdout, '');
  assert.ok(!existsSync(join(dir, 'r.json')));
});
