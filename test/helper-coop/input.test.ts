import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workedExample } from './fixtures.ts';
import { helperCoop } from '../../src/helper-coop/system.ts';
import { InputError } from '../../src/core/errors.ts';

const raw = () => JSON.parse(JSON.stringify(workedExample())) as Record<string, any>;

function rejects(doc: unknown, field: RegExp): void {
  assert.throws(() => helperCoop.parseScenario(doc), (e: unknown) => e instanceof InputError && field.test(e.message), `expected an error naming ${field}`);
}

test('parseScenario names the bad field: unknown, negative, missing, wrong type, duplicate, no gain', () => {
  rejects({ ...raw(), extra: 1 }, /unknown field.*"extra"/);
  rejects({ ...raw(), deadlineS: -1 }, /deadlineS/);
  rejects({ ...raw(), dataBits: 0 }, /dataBits/);
  const h = raw(); h.helpers[1].maxCpuGHz = 'fast'; rejects(h, /helpers\[1\]\.maxCpuGHz/);
  const u = raw(); delete u.user.kappa; rejects(u, /user\.kappa/);
  const d = raw(); d.helpers[1].id = 'H1'; rejects(d, /helpers\[1\]\.id.*duplicate/);
  const g = raw(); delete g.helpers[0].distanceM; rejects(g, /helpers\[0\]\.distanceM.*channelGain/);
  const b = raw(); b.user.txEnergyBudgetJ = -0.1; rejects(b, /user\.txEnergyBudgetJ/);
  rejects({ ...raw(), system: 'cnn-coop' }, /system/);
});

test('explicit gains replace the distance model; a downlink gain breaks reciprocity', () => {
  const s = raw();
  s.helpers[0] = { ...s.helpers[0], channelGain: 1.25e-7 };
  delete s.helpers[0].distanceM;
  const a = helperCoop.algorithms[0].solve(helperCoop.parseScenario(s));
  const b = helperCoop.algorithms[0].solve(workedExample());
  assert.ok(Math.abs(a.energyJ! - b.energyJ!) < 1e-12 * b.energyJ!, 'gain 1e-3·20^-3 = 1.25e-7 is helper 1 at 20 m');
  s.helpers[0].downlinkGain = 1e-9;
  const c = helperCoop.algorithms[0].solve(helperCoop.parseScenario(s));
  assert.ok(c.energyJ! > a.energyJ!, 'a worse downlink costs energy');
  assert.ok(helperCoop.verify(helperCoop.parseScenario(s), c).ok);
});

test('the generator is reproducible, honours --helpers, and refuses bad sizes', () => {
  const a = helperCoop.generate({ seed: 7, helpers: 8 });
  assert.deepEqual(a, helperCoop.generate({ seed: 7, helpers: 8 }));
  assert.notDeepEqual(a, helperCoop.generate({ seed: 8, helpers: 8 }));
  assert.equal(a.helpers.length, 8);
  for (const h of a.helpers) {
    assert.ok(h.distanceM !== undefined && h.distanceM >= 10 && h.distanceM <= 50);
    assert.ok([1.6, 2.4, 3].includes(h.maxCpuGHz));
  }
  helperCoop.parseScenario(JSON.parse(JSON.stringify(a)));
  assert.throws(() => helperCoop.generate({ seed: 1, helpers: -2 }), /--helpers/);
  assert.throws(() => helperCoop.generate({ seed: 1, helpers: 2, 'max-distance-m': 5 }), /--max-distance-m/);
});

test('the CLI prints one line and exits 2 on a bad scenario, and solves a good one as JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hc-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ ...raw(), noiseW: -1 }));
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });
  const r = cli(['solve', bad]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /noiseW/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify(raw()));
  const ok = cli(['solve', good, '--json', '-a', 'jtpra']);
  assert.equal(ok.status, 0, ok.stderr);
  const doc = JSON.parse(ok.stdout);
  for (const f of ['system', 'algorithm', 'status', 'solveMs', 'lowerBound', 'energyJ', 'localBits']) assert.ok(f in doc, f);
  for (const f of ['offloadBits', 'offloadTimeS', 'computeTimeS', 'downloadTimeS', 'txPowerW', 'helperTxPowerW', 'cpuGHz']) assert.ok(f in doc.helpers[0], f);
});
