import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The package as a consumer gets it: `npm pack` (which runs `prepare`, building dist/) from a
 * copy of the files package.json publishes, the tarball unpacked as node_modules/mec-offload of
 * a fresh folder, then docs/api.md's example and a module algorithm run by plain `node`, and a
 * TypeScript consumer compiled by `tsc`. Dependencies come from this checkout's node_modules
 * (a link), not from a registry.
 */
const root = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'mec-pack-'));
const consumer = join(work, 'consumer');
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });

test('npm pack: the tarball holds the bundle, the declarations and the CLI sources, and no tests', () => {
  const source = join(work, 'source');
  mkdirSync(source);
  cpSync(join(root, 'package.json'), join(source, 'package.json'));
  for (const entry of pkg.files as string[]) {
    if (entry.startsWith('dist')) continue; // built by `prepare` during the pack
    cpSync(join(root, entry), join(source, entry), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(source, 'node_modules'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], source));
  const files = new Set((packed[0].files as { path: string }[]).map((f) => f.path));
  for (const f of ['dist/index.js', 'dist/three-tier-worker.js', 'dist/types/index.d.ts', 'bin/mec.js', 'src/cli/main.ts', 'docs/api.md', 'examples/cnn_coop_greedy.py']) assert.ok(files.has(f), `${f} missing from the tarball`);
  assert.ok(![...files].some((f) => f.startsWith('test/')), 'tests in the tarball');
  const installed = join(consumer, 'node_modules', 'mec-offload');
  mkdirSync(join(consumer, 'node_modules'), { recursive: true });
  run('tar', ['-xzf', join(work, packed[0].filename), '-C', join(consumer, 'node_modules')], work);
  cpSync(join(consumer, 'node_modules', 'package'), installed, { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(installed, 'node_modules'));
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
});

test('plain Node ESM: the example of docs/api.md runs against the installed package', () => {
  const doc = readFileSync(join(root, 'docs/api.md'), 'utf8');
  const example = /## Example[\s\S]*?```js\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(example, 'no js example in docs/api.md');
  writeFileSync(join(consumer, 'example.mjs'), example);
  const out = run(process.execPath, ['example.mjs'], consumer);
  assert.match(out, /^best: [\d.]+ s, bound [\d.]+ s, checker OK$/m);
  const board = out.split('\n').filter((l) => /^\d\. /.test(l));
  assert.equal(board.length, 3, out);
  assert.match(out, /all-local: \d\/3 feasible/);
});

test('plain Node ESM: a TypeScript module algorithm, the worker pool and the checker from the bundle', () => {
  writeFileSync(join(consumer, 'half.ts'), `
    export default { system: 'cnn-coop', name: 'lying', solve: (s: { devices: unknown[] }) => ({ system: 'cnn-coop', algorithm: 'x', status: 'feasible',
      solveMs: 0, lowerBound: null, totalLatencyS: 0, deviceEnergyJ: 0, tasks: [] }) };`);
  writeFileSync(join(consumer, 'more.mjs'), `
    import { generate, solve, verify, lowerBound, listSystems, listAlgorithms, InvalidResultError } from 'mec-offload';
    const t = generate('three-tier', { seed: 2, tasks: 12, sbs: 3, groups: 2 });
    const { result, report } = await solve(t, { algorithm: 'admm', workers: 2, bound: true });
    const out = { threeTier: report.ok && verify(t, result).ok && result.lowerBound === lowerBound(t), systems: listSystems().map((s) => s.name).sort(),
      supportsWorkers: listAlgorithms('three-tier').filter((a) => a.supports.includes('workers')).map((a) => a.name) };
    try { await solve(generate('cnn-coop', { devices: 3 }), { algorithm: './half.ts' }); out.lie = 'accepted'; }
    catch (e) { out.lie = e instanceof InvalidResultError ? e.report.issues[0].constraint : String(e); }
    console.log(JSON.stringify(out));`);
  const out = JSON.parse(run(process.execPath, ['more.mjs'], consumer));
  assert.deepEqual(out, { threeTier: true, systems: ['cnn-coop', 'helper-coop', 'three-tier'], supportsWorkers: ['admm'], lie: 'C4' });
});

test('TypeScript: a consumer in another folder compiles against the declarations (NodeNext, strict)', () => {
  writeFileSync(join(consumer, 'use.ts'), `
    import { generate, solve, parseScenario, type CnnCoopScenario, type Result, type UserAlgorithm } from 'mec-offload';
    const s = generate('cnn-coop', { seed: 1, devices: 4 });
    if (s.system === 'cnn-coop') { const c: CnnCoopScenario = s; console.log(c.devices.length); }
    const mine: UserAlgorithm = { system: 'cnn-coop', name: 'x', solve: () => ({}) };
    const { result }: { result: Result } = await solve(parseScenario(JSON.stringify(s)), { algorithm: mine.name, bound: true });
    console.log(result.status);
    // @ts-expect-error workers is a number: the declarations carry real types, not any
    await solve(s, { workers: 'two' });
  `);
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true, types: [] },
    files: ['use.ts'],
  }));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    run(process.execPath, [tsc, '-p', '.'], consumer);
  } catch (e) {
    assert.fail(`tsc: ${(e as { stdout?: string }).stdout}`);
  }
  assert.ok(existsSync(join(consumer, 'node_modules/mec-offload/dist/types/index.d.ts')));
  assert.ok(readdirSync(join(consumer, 'node_modules/mec-offload/dist/types')).length > 0);
});
