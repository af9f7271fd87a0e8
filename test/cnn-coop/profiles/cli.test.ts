import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveProfile } from '../../../src/cnn-coop/profiles/index.ts';
import { parseScenario } from '../../../src/cnn-coop/model.ts';
import { Command } from 'commander';
import { registerProfilesCommand } from '../../../src/cli/profiles.ts';
import { cnnCoop } from '../../../src/cnn-coop/system.ts';
import { InputError } from '../../../src/core/errors.ts';

/** The real binary: for exit codes and stderr (slow: one tsx start a call). */
const mec = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** The command in this process, stdout captured; an InputError propagates. */
async function profiles(...args: string[]): Promise<string> {
  const program = new Command('mec').exitOverride();
  registerProfilesCommand(program);
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => { chunks.push(String(chunk)); return true; }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'mec', 'profiles', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

test('`mec profiles` lists every built-in profile and the server classes', async () => {
  const out = await profiles();
  for (const name of ['table1', 'alexnet', 'vgg16-int8', 'mobilenet-v1', 'resnet18-fp16', 'cpu-avx512']) assert.match(out, new RegExp(`^\\s*${name}\\s`, 'm'));
});

test('`mec profiles NAME --json` prints the profile resolveProfile gives, ready for cnnProfiles', async () => {
  const out = await profiles('resnet18-int8', '--splits', 'layer2.1,layer4.1', '--json');
  assert.deepEqual(JSON.parse(out), resolveProfile('resnet18-int8', { splits: ['layer2.1', 'layer4.1'] }));
});

test('`mec profiles NAME --layers` marks the split points in the per-layer table', async () => {
  const out = await profiles('vgg16', '--layers', '--precision', 'int8');
  assert.match(out, /^pool5 \*\s+maxpool\s+512x7x7\s+25088\s/m);
  assert.match(out, /^conv1_1\s+conv\s+64x224x224\s/m);
  await assert.rejects(profiles('vgg16', '--precision', 'int4'), (e: unknown) => e instanceof InputError && /--precision/.test(e.message));
  await assert.rejects(profiles('table1', '--precision', 'int8'), InputError);
});

test('`mec profiles --arch` computes a user network; a bad name or file is exit code 2 with one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mec-profiles-'));
  const arch = join(dir, 'net.json');
  writeFileSync(arch, JSON.stringify({
    name: 'mine', input: { channels: 3, height: 32, width: 32 },
    layers: [{ type: 'conv', name: 'c1', outChannels: 16, kernel: 3, padding: 1 }, { type: 'maxpool', name: 'p1', kernel: 2 },
      { type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc', outFeatures: 10 }],
  }));
  assert.match(await profiles('--arch', arch, '--precision', 'fp16'), /^2\s+p1\s+16x16x16\s/m);
  const bad = mec('profiles', 'lenet');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^mec: error: profile: unknown profile "lenet" \(known: table1, alexnet/);
  assert.equal(bad.err.trim().split('\n').length, 1);
  writeFileSync(arch, JSON.stringify({ name: 'mine', input: { channels: 3, height: 32, width: 32 }, layers: [{ type: 'linear', name: 'fc', outFeatures: 10 }, { type: 'flatten', name: 'f' }] }));
  await assert.rejects(profiles('--arch', arch), (e: unknown) => e instanceof InputError && /layer fc: a linear layer needs a flattened input/.test(e.message));
});

test('`mec generate cnn-coop --cnn NAME` embeds the computed profile in a valid scenario', () => {
  const options = Object.fromEntries(cnnCoop.generateOptions.map((o) => [o.flag, o.default]));
  const s = parseScenario(JSON.parse(JSON.stringify(cnnCoop.generate({ ...options, seed: 1, devices: 3, cnn: 'mobilenet-v1-int8@gpu' }))));
  assert.deepEqual(s.cnnProfiles['mobilenet-v1-int8@gpu'], resolveProfile('mobilenet-v1-int8@gpu'));
  assert.ok(s.servers.every((x) => x.cnnProfile === 'mobilenet-v1-int8@gpu'));
});
