import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mecIn } from './run-mec.ts';

const dir = mkdtempSync(join(tmpdir(), 'mec-cli-'));

const mec = mecIn(dir, 120_000);

test('generate | solve --json | verify: a generated scenario solves to a result the checker accepts', async () => {
  const gen = await mec('generate', 'cnn-coop', '--seed', '5', '--devices', '12', '--servers', '3', '-o', 'scenario.json');
  assert.equal(gen.code, 0, gen.stderr);
  const solve = await mec('solve', 'scenario.json', '--json');
  assert.equal(solve.code, 0, solve.stderr);
  const result = JSON.parse(solve.stdout); // exactly one JSON document on stdout
  assert.equal(result.algorithm, 'pa');
  assert.equal(result.tasks.length, 12);
  writeFileSync(join(dir, 'result.json'), solve.stdout);
  const verify = await mec('verify', 'scenario.json', 'result.json');
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /^OK/);

  // A tampered result fails verification with exit code 1 and names the problem.
  result.tasks[0].latencyS /= 2;
  if (result.tasks[1].place !== 'local') result.tasks[1].bandwidthShare = 1;
  writeFileSync(join(dir, 'bad-result.json'), JSON.stringify(result));
  const bad = await mec('verify', 'scenario.json', 'bad-result.json');
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /FAIL MD1 latencyS/);
});

test('bad input: one line naming the field, exit code 2, and no output file written', async () => {
  const good = JSON.parse((await mec('generate', 'cnn-coop', '--seed', '1', '--devices', '3')).stdout);
  const cases: Array<[string, string, RegExp]> = [
    ['malformed.json', '{ "system": "cnn-coop", ', /malformed.json: malformed JSON/],
    ['missing.json', JSON.stringify({ ...good, devices: good.devices.map((d: any, i: number) => (i === 1 ? { ...d, dataMbit: undefined } : d)) }), /devices\[1\]\.dataMbit/],
    ['negative.json', JSON.stringify({ ...good, servers: good.servers.map((s: any) => ({ ...s, bandwidthMHz: -10 })) }), /servers\[0\]\.bandwidthMHz/],
    ['profile.json', JSON.stringify({ ...good, servers: good.servers.map((s: any) => ({ ...s, cnnProfile: 'nope' })) }), /servers\[0\]\.cnnProfile.*nope/],
    ['unknown.json', JSON.stringify({ ...good, colour: 1 }), /unknown field.*colour/],
  ];
  await Promise.all(cases.map(async ([name, text, pattern]) => {
    writeFileSync(join(dir, name), text);
    const out = `${name}.out`;
    const r = await mec('solve', name, '--json', '-o', out);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: more than one line: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.ok(!existsSync(join(dir, out)), `${name}: output written despite the error`);
  }));
});

test('an unknown algorithm, system or flag value is bad input (exit 2)', async () => {
  writeFileSync(join(dir, 's.json'), (await mec('generate', 'cnn-coop', '--devices', '3')).stdout);
  const [alg, sys, flag] = await Promise.all([mec('solve', 's.json', '-a', 'magic'), mec('algorithms', 'nosuch'), mec('generate', 'cnn-coop', '--devices', 'ten')]);
  assert.equal(alg.code, 2);
  assert.match(alg.stderr, /--algorithm: unknown algorithm "magic"/);
  assert.equal(sys.code, 2);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--devices: expected an integer/);
});

test('algorithms lists every system with its algorithms, and demo prints a verified plan', async () => {
  const [list, demo] = await Promise.all([mec('algorithms'), mec('demo')]);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /cnn-coop:[\s\S]*\bpa\b.*\(default\)/);
  assert.equal(demo.code, 0, demo.stderr);
  assert.match(demo.stdout, /pa: (feasible|optimal|infeasible); total latency/);
  assert.match(demo.stderr, /verify: every constraint holds/);
});

test('generate is reproducible from --seed', async () => {
  const [a, b] = await Promise.all([mec('generate', 'cnn-coop', '--seed', '77'), mec('generate', 'cnn-coop', '--seed', '77')]);
  assert.equal(a.stdout, b.stdout);
});
