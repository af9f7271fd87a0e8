import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getSystem, systems } from '../../src/systems.ts';
import { findAlgorithm, runAlgorithm } from '../../src/core/system.ts';
import { startUiServer, type UiServer } from '../../src/ui/server.ts';
import type { SolveResponse, SystemInfo } from '../../src/ui/view/types.ts';

/**
 * The dashboard's JSON API in-process (no browser): the same scenarios as `mec generate`, the
 * same results as runAlgorithm, the checker's verdict, and bad input refused with the field named.
 */
let server: UiServer;
let base = '';

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const OBJECTIVE: Record<string, string> = { 'cnn-coop': 'totalLatencyS', 'helper-coop': 'energyJ', 'three-tier': 'utility' };
const SIZES: Record<string, Record<string, number>> = { 'cnn-coop': { devices: 8, servers: 2 }, 'helper-coop': { helpers: 4 }, 'three-tier': { tasks: 6, sbs: 2 } };

describe('dashboard API', { timeout: 120_000 }, () => {
  before(async () => {
    server = await startUiServer('127.0.0.1', 0, { solveTimeoutS: 60 });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(() => server?.stop());

  it('GET api/systems lists every system with its algorithms and generator options', async () => {
    const res = await fetch(`${base}/api/systems`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const infos = (await res.json()) as SystemInfo[];
    assert.deepEqual(infos.map((s) => s.name), systems.map((s) => s.name));
    for (const info of infos) {
      const sys = getSystem(info.name);
      assert.deepEqual(info.algorithms.map((a) => a.name), sys.algorithms.map((a) => a.name));
      assert.equal(info.defaultAlgorithm, sys.defaultAlgorithm);
    }
  });

  for (const system of systems) {
    it(`${system.name}: generate gives the CLI's scenario and solve gives runAlgorithm's result, checked`, async () => {
      const options = { seed: 11, ...SIZES[system.name] };
      const gen = await post('/api/generate', { system: system.name, options });
      assert.equal(gen.status, 200, JSON.stringify(gen.body));
      const full: Record<string, number | string> = { seed: 11 };
      for (const o of system.generateOptions) full[o.flag] = (SIZES[system.name] as Record<string, number>)[o.flag] ?? o.default;
      const expected = JSON.parse(JSON.stringify(system.generate(full)));
      assert.deepEqual(gen.body.scenario, expected);
      const solved = await post('/api/solve', { scenario: gen.body.scenario, algorithm: system.defaultAlgorithm });
      assert.equal(solved.status, 200, JSON.stringify(solved.body));
      const { result, view } = solved.body as SolveResponse;
      const direct = runAlgorithm(findAlgorithm(system, system.defaultAlgorithm)!, system.parseScenario(expected)) as unknown as Record<string, number>;
      const key = OBJECTIVE[system.name];
      assert.equal(result[key], direct[key]);
      assert.equal(view.objective.key, key);
      assert.equal(view.objective.value, direct[key]);
      assert.equal(view.verdict.ok, system.verify(system.parseScenario(expected), result).ok);
      assert.ok(view.verdict.ok);
      assert.equal(view.counts.devices, gen.body.summary.devices);
    });
  }

  it('with options.bound the system\'s proved lower bound and the gap to it come back, as `mec solve --bound`', async () => {
    const system = getSystem('cnn-coop');
    const gen = await post('/api/generate', { system: 'cnn-coop', options: { seed: 4, devices: 10 } });
    const solved = await post('/api/solve', { scenario: gen.body.scenario, algorithm: 'mdo', options: { bound: true } });
    assert.equal(solved.status, 200, JSON.stringify(solved.body));
    const { view } = solved.body as SolveResponse;
    const bound = system.lowerBound!(system.parseScenario(gen.body.scenario));
    assert.ok(bound !== null && bound > 0);
    assert.equal(view.lowerBound, bound);
    assert.equal(view.gap, (view.objective.value! - bound) / bound);
    assert.ok(view.gap! >= 0);
  });

  it('bad input is a 400 naming the field', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['/api/generate', { system: 'cnn-coop', options: { devices: 2.5 } }, /options\.devices/],
      ['/api/generate', { system: 'cnn-coop', options: { planets: 3 } }, /options\.planets/],
      ['/api/generate', { system: 'five-tier', options: {} }, /system/],
      ['/api/scenario', { text: '{"system": "cnn-coop", ', name: 'a.json' }, /malformed JSON/],
      ['/api/scenario', { text: 'system: helper-coop\ndeadlineS: -1\n', name: 'a.yaml' }, /deadlineS/],
      ['/api/solve', { scenario: { system: 'cnn-coop' }, algorithm: 'pa' }, /scenario/],
      ['/api/solve', { scenario: 3 }, /scenario/],
      ['/api/solve', { scenario: {}, extra: 1 }, /extra/],
    ];
    for (const [path, body, field] of cases) {
      const res = await post(path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.match(`${res.body.field ?? ''} ${res.body.message}`, field);
    }
    const gen = await post('/api/generate', { system: 'cnn-coop', options: { devices: 12 } });
    const unknown = await post('/api/solve', { scenario: gen.body.scenario, algorithm: 'magic' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.field, 'algorithm');
    const tooBig = await post('/api/solve', { scenario: gen.body.scenario, algorithm: 'exact' });
    assert.equal(tooBig.status, 400);
    assert.match(tooBig.body.message, /small instances/);
    const budget = await post('/api/solve', { scenario: gen.body.scenario, algorithm: 'mdo', options: { timeBudgetMs: 50 } });
    assert.equal(budget.status, 400);
    assert.equal(budget.body.field, 'options.timeBudgetMs');
    // exec: and module paths run programs: `mec solve` takes them from its user, a web request cannot
    for (const algorithm of ['exec:/bin/true', './src/cnn-coop/algorithms/mdo.ts']) {
      const refused = await post('/api/solve', { scenario: gen.body.scenario, algorithm });
      assert.equal(refused.status, 400, algorithm);
      assert.equal(refused.body.field, 'algorithm');
    }
    assert.equal((await post('/api/solve', 'not json')).status, 400);
    assert.equal((await post('/api/solve', {}, { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post('/api/solve', 'x'.repeat(17 * 1024 * 1024))).status, 413);
  });

  it('figures are served from figures/<system>/ only', async () => {
    const list = (await (await fetch(`${base}/api/figures`)).json()) as Array<{ files: { svg: string } }>;
    assert.ok(list.length > 0);
    const first = list[0];
    const svg = await fetch(`${base}/${first.files.svg}`);
    assert.equal(svg.status, 200);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    for (const path of ['/figures/cnn-coop/..%2F..%2Fpackage.json', '/figures/nope/fig4.svg', '/figures/cnn-coop/fig4.exe', '/figures/cnn-coop/.hidden.json']) {
      assert.equal((await fetch(`${base}${path}`)).status, 404, path);
    }
  });

  it('the page and its bundle are served, with no outside URL in the page', async () => {
    const html = await (await fetch(`${base}/`)).text();
    assert.match(html, /<script type="module" src="app\.js">/);
    assert.doesNotMatch(html, /https?:\/\//);
    const js = await fetch(`${base}/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.ok(Number(js.headers.get('content-length')) > 100_000, 'vega is in the bundle');
    assert.equal((await fetch(`${base}/app.css`)).status, 200);
    assert.equal((await fetch(`${base}/api/live`)).status, 404);
  });
});
