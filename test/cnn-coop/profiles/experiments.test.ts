import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeShare, fig4Profiles, fig4ProfilesDeadlines, fig4ProfilesPrecision, profileFigures, solveProfiles, splitVsServerCpu, withProfile } from '../../../src/cnn-coop/profiles/experiments.ts';
import { resolveProfile } from '../../../src/cnn-coop/profiles/index.ts';
import { generateScenario, TABLE1_PROFILE } from '../../../src/cnn-coop/generate.ts';
import { parseScenario } from '../../../src/cnn-coop/model.ts';
import { verifyCnnCoop } from '../../../src/verify/cnn-coop.ts';
import { studyScenario, whereLabel } from '../../../src/cnn-coop/profiles/study.ts';
import { pa } from '../../../src/cnn-coop/algorithms/pa.ts';

test('withProfile swaps the CNN and rescales only the local cost, by whole-network cycles over Table I\'s', () => {
  const base = generateScenario({ seed: 11, devices: 5, servers: 2 });
  const vgg = resolveProfile('vgg16')!;
  const s = withProfile(base, 'vgg16', vgg);
  parseScenario(JSON.parse(JSON.stringify(s)));
  assert.deepEqual(Object.keys(s.cnnProfiles), ['vgg16']);
  assert.ok(s.servers.every((srv) => srv.cnnProfile === 'vgg16'));
  const factor = vgg.totalGigacyclesPerMbit! / TABLE1_PROFILE.gigacyclesPerMbit.at(-1)!;
  s.devices.forEach((d, m) => {
    const b = base.devices[m];
    assert.ok(Math.abs(d.gigacyclesPerMbit - b.gigacyclesPerMbit * factor) < 1e-12);
    assert.deepEqual({ ...d, gigacyclesPerMbit: 0 }, { ...b, gigacyclesPerMbit: 0 });
  });
  assert.deepEqual(s.servers.map((x) => ({ ...x, cnnProfile: '' })), base.servers.map((x) => ({ ...x, cnnProfile: '' })));
  // Table I itself is left as it was
  assert.deepEqual(withProfile(base, 'table1', TABLE1_PROFILE).devices, base.devices);
});

test('PA plans under every real profile pass the independent checker', () => {
  const names = ['table1', 'alexnet', 'vgg16-int8', 'mobilenet-v1-fp16', 'resnet18', 'resnet50@gpu'];
  const results = solveProfiles(6, 5, Object.fromEntries(names.map((n) => [n, n])));
  const base = generateScenario({ seed: 5, devices: 6, servers: 2 });
  for (const name of names) {
    const s = withProfile(base, name, resolveProfile(name)!);
    const report = verifyCnnCoop(s, results[name]);
    assert.ok(report.ok, `${name}: ${report.issues.map((i) => `${i.constraint} ${i.message}`).join('; ')}`);
    assert.ok(Math.abs(report.recomputed.totalLatencyS - results[name].totalLatencyS) <= 1e-6 * Math.max(1, results[name].totalLatencyS));
    const K = resolveProfile(name)!.reduction.length;
    for (const t of results[name].tasks) assert.ok(t.layers <= K + 1, `${name} ${t.device} layers ${t.layers}`);
  }
});

test('the figures have distinct ids, quick variants, and samples with one finite value a series', () => {
  assert.equal(new Set(profileFigures.map((f) => f.id)).size, profileFigures.length);
  for (const f of profileFigures) assert.ok(f.quickPoints && f.quickPoints.length < f.points.length && f.quickRuns < f.defaultRuns);
  const small = { x: 5 };
  const lat = fig4Profiles.sample(small, 3);
  assert.deepEqual(Object.keys(lat), ['table1', 'alexnet', 'vgg16', 'mobilenet-v1', 'resnet18']);
  assert.ok(Object.values(lat).every((v) => Number.isFinite(v) && v > 0));
  const prec = fig4ProfilesPrecision.sample({ x: 5, panel: 'resnet18' }, 3);
  assert.deepEqual(Object.keys(prec), ['table1', 'fp32', 'fp16', 'int8']);
  assert.equal(prec.fp32, lat.resnet18, 'same seed and M: the fp32 series is the fig4-profiles value');
  const met = fig4ProfilesDeadlines.sample(small, 3);
  assert.ok(Object.values(met).every((v) => v >= 0 && v <= 100));
});

test('a split study counts every task once, in network order, on the user\'s own devices', () => {
  const raw = JSON.parse(JSON.stringify(generateScenario({ seed: 8, devices: 5, servers: 2 })));
  const profile = resolveProfile('alexnet-int8')!;
  const st = studyScenario(raw, 'alexnet-int8', profile);
  assert.equal(st.scenarios, 1);
  assert.equal(st.tasks, 5);
  assert.equal(st.choices.reduce((a, c) => a + c.tasks, 0), 5);
  assert.deepEqual(st.choices.map((c) => c.where), ['local (device)', 'raw input to the cloud',
    ...profile.layerNames!.map((n, k) => `after ${n} (k=${k + 1})`), 'all at the edge']);
  // the same plan as PA on the scenario with the profile swapped in by hand (device costs untouched)
  const byHand = { ...raw, cnnProfiles: { mine: profile }, servers: raw.servers.map((s: { cnnProfile: string }) => ({ ...s, cnnProfile: 'mine' })) };
  const r = pa.solve(parseScenario(byHand));
  assert.ok(Math.abs(st.meanTotalLatencyS - r.totalLatencyS) < 1e-9);
  assert.equal(st.deadlinesMet, r.tasks.filter((t) => t.meetsDeadline).length);
  const counts = new Map(st.choices.map((c) => [c.where, c.tasks]));
  for (const t of r.tasks) assert.ok((counts.get(whereLabel(t, profile)) ?? 0) > 0);
});

test('edgeShare: 0 on the device or raw to the cloud, p^k / p_total after split k, 1 all at the edge', () => {
  const p = resolveProfile('vgg16')!;
  const task = { device: 'MD1', place: 'E1', layers: 5, finishAt: 'cloud' as const, bandwidthShare: 1, cpuShare: 1, backhaulShare: 1, latencyS: 1, energyJ: 1, meetsDeadline: true };
  assert.equal(edgeShare(task, p), p.gigacyclesPerMbit[4] / p.totalGigacyclesPerMbit!);
  assert.equal(edgeShare({ ...task, layers: 0 }, p), 0);
  assert.equal(edgeShare({ ...task, place: 'local', layers: 0, finishAt: 'device' }, p), 0);
  assert.equal(edgeShare({ ...task, layers: 7, finishAt: 'edge' }, p), 1);
  const sample = splitVsServerCpu.sample({ x: 3 }, 2);
  assert.deepEqual(Object.keys(sample), ['table1', 'alexnet', 'vgg16', 'mobilenet-v1', 'resnet18']);
  assert.ok(Object.values(sample).every((v) => v >= 0 && v <= 100));
});
