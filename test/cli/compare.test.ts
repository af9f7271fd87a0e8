import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mecIn } from './run-mec.ts';

const EXAMPLE = new URL('../../examples/cnn_coop_greedy.py', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mec-compare-'));
const python = spawnSync('python3', ['--version']).status === 0;

const mec = mecIn(dir, 180_000);

test('mec compare --generate: JSON leaderboard over built-in and exec: algorithms, and an SVG plot', { skip: python ? false : 'python3 is not installed' }, async () => {
  const r = await mec('compare', '--generate', 'cnn-coop', '--seeds', '2', '--devices', '4', '-a', `mdo,exec:${EXAMPLE}`, '--format', 'json', '--plot', 'p.svg');
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(r.stdout);
  assert.equal(run.system, 'cnn-coop');
  assert.deepEqual(run.scenarios.map((s: { label: string }) => s.label), ['seed 1', 'seed 2']);
  assert.equal(run.cases.length, 4);
  assert.ok(run.cases.every((c: { verdict: string; gapPct: number }) => c.verdict === 'valid' && c.gapPct >= 0), r.stdout);
  assert.match(readFileSync(join(dir, 'p.svg'), 'utf8'), /^<svg/);
});

test('mec compare: a generate flag of another system, or no scenarios, is exit 2 naming it', async () => {
  const [foreign, none] = await Promise.all([mec('compare', '--generate', 'cnn-coop', '--helpers', '3'), mec('compare')]);
  assert.equal(foreign.code, 2);
  assert.match(foreign.stderr, /^mec: error: --helpers: not a cnn-coop option/);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /scenarios: give scenario files/);
});
