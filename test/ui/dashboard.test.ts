import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { killAll, mec, mecRun, ROOT, type Proc } from '../control/helpers.ts';
import { browserSkip, externalRequests, horizontalOverflow, launchBrowser, SCREENSHOTS, scriptErrors, unlabelledControls, type Browser } from './browser.ts';
import { generateOnPage, mapMarks, solveOnPage, totalOnPage } from './plan-page.ts';

/**
 * `mec ui` in a real browser (headless Chromium): the page generates a scenario, solves it on the
 * server and draws it; what it shows must be what the CLI computes for the same seed and
 * algorithm. Every wait is on a page condition, bounded by a timeout.
 */
const dir = mkdtempSync(join(tmpdir(), 'mec-ui-'));
let ui: Proc;
let base = '';
let browser: Browser;

const generated = new Map<string, Promise<string>>();

/** What `mec generate` + `mec solve --json` give for the same seed, options and algorithm (one generate per scenario). */
async function cliResult(system: string, seed: number, options: Record<string, string | number>, algorithm: string): Promise<Record<string, any>> {
  const flags = Object.entries(options).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const key = [system, seed, ...flags].join(' ');
  if (!generated.has(key)) {
    generated.set(key, (async () => {
      const file = join(dir, `${system}-${seed}-${generated.size}.json`);
      const gen = await mecRun(['generate', system, '--seed', String(seed), ...flags, '--out', file]);
      assert.equal(gen.code, 0, gen.stderr);
      return file;
    })());
  }
  const solved = await mecRun(['solve', await generated.get(key)!, '--json', '--algorithm', algorithm]);
  assert.equal(solved.code, 0, solved.stderr);
  return JSON.parse(solved.stdout);
}

async function openPage(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage(viewport);
  await page.goto(`${base}/`);
  return page;
}

describe('mec ui in headless Chromium', { skip: browserSkip(), timeout: 300_000 }, () => {
  before(async () => {
    browser = await launchBrowser();
    ui = mec(['ui', '--port', '0']);
    base = `http://127.0.0.1:${(await ui.waitFor(/ui listening on http:\/\/127\.0\.0\.1:(\d+)\//, 60_000, 'stdout'))[1]}`;
  });
  after(async () => {
    await browser?.close();
    ui?.child.kill('SIGTERM');
    if (ui) await ui.exited;
    killAll();
  });

  it('cnn-coop at 1280x800: the map shows M devices and the totals of pa and mdo side by side equal the CLI\'s', async () => {
    const options = { devices: 12, servers: 3 };
    // the CLI runs while the page works
    const cli = { pa: cliResult('cnn-coop', 5, options, 'pa'), mdo: cliResult('cnn-coop', 5, options, 'mdo') };
    const page = await openPage({ width: 1280, height: 800 });
    const m = await generateOnPage(page, 'cnn-coop', 5, options);
    assert.equal(m, 12);
    await solveOnPage(page, 'pa', 'mdo');
    for (const [slot, algorithm] of [['a', 'pa'], ['b', 'mdo']] as const) {
      const fromCli = await cli[algorithm];
      assert.equal(await mapMarks(page, slot, 'device '), 12, `${algorithm}: device marks on the map`);
      assert.equal(await mapMarks(page, slot, 'server '), 3, `${algorithm}: server marks on the map`);
      assert.equal(await totalOnPage(page, slot, 'totalLatencyS'), fromCli.totalLatencyS, `${algorithm}: total latency`);
      assert.equal(await totalOnPage(page, slot, 'deviceEnergyJ'), fromCli.deviceEnergyJ, `${algorithm}: device energy`);
      assert.equal(await page.getAttribute(`[data-slot="${slot}"] [data-verdict]`, 'data-verdict'), 'ok');
      // one latency bar per task, each with its accessible label
      assert.equal(await page.locator(`[data-slot="${slot}"] .tasks [aria-label^="MD"]`).count(), 12);
    }
    assert.match(await page.locator('#comparison table').innerText(), /mdo vs pa/);
    assert.deepEqual(await unlabelledControls(page), []);
    const { scrollWidth, innerWidth } = await horizontalOverflow(page);
    assert.ok(scrollWidth <= innerWidth, `page overflows: ${scrollWidth} > ${innerWidth}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'plan-cnn-coop-1280.png'), fullPage: true });
    assert.deepEqual(scriptErrors(page), []);
    assert.deepEqual(externalRequests(page), []);
    await page.close();
  });

  it('helper-coop and three-tier: the map shows every device and the objective equals the CLI\'s', async () => {
    const helper = { helpers: 6 };
    const three = { tasks: 20, sbs: 3 };
    const cli = {
      jtpra: cliResult('helper-coop', 2, helper, 'jtpra'),
      greedy: cliResult('three-tier', 4, three, 'greedy'),
      'nearest-sbs': cliResult('three-tier', 4, three, 'nearest-sbs'),
    };
    const page = await openPage({ width: 1280, height: 800 });
    assert.equal(await generateOnPage(page, 'helper-coop', 2, helper), 7);
    await solveOnPage(page, 'jtpra');
    assert.equal(await mapMarks(page, 'a', 'helper '), 6);
    assert.equal(await mapMarks(page, 'a', 'the user'), 1);
    assert.equal(await totalOnPage(page, 'a', 'energyJ'), (await cli.jtpra).energyJ);
    await page.screenshot({ path: join(SCREENSHOTS, 'plan-helper-coop-1280.png'), fullPage: true });

    assert.equal(await generateOnPage(page, 'three-tier', 4, three), 20);
    await solveOnPage(page, 'greedy', 'nearest-sbs');
    for (const [slot, algorithm] of [['a', 'greedy'], ['b', 'nearest-sbs']] as const) {
      assert.equal(await mapMarks(page, slot, 'device '), 20);
      assert.equal(await mapMarks(page, slot, 'small cell '), 3);
      assert.equal(await totalOnPage(page, slot, 'utility'), (await cli[algorithm]).utility, algorithm);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'plan-three-tier-1280.png'), fullPage: true });
    assert.deepEqual(scriptErrors(page), []);
    assert.deepEqual(externalRequests(page), []);
    await page.close();
  });

  it('at a phone width (390x844) nothing overflows sideways and the plan still draws', async () => {
    const page = await openPage({ width: 390, height: 844 });
    await generateOnPage(page, 'cnn-coop', 1, { devices: 30 });
    await solveOnPage(page, 'mdo', 'ihra');
    assert.equal(await mapMarks(page, 'a', 'device '), 30);
    const { scrollWidth, innerWidth } = await horizontalOverflow(page);
    assert.ok(scrollWidth <= innerWidth, `page overflows: ${scrollWidth} > ${innerWidth}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'plan-cnn-coop-390.png'), fullPage: true });
    assert.deepEqual(scriptErrors(page), []);
    assert.deepEqual(externalRequests(page), []);
    await page.close();
  });

  it('a scenario file with a bad field is refused with the field named', async () => {
    const page = await openPage({ width: 1280, height: 800 });
    await page.waitForSelector('body[data-ready]');
    const good = join(dir, 'good.json');
    assert.equal((await mecRun(['generate', 'cnn-coop', '--seed', '9', '--devices', '4', '--out', good])).code, 0);
    const doc = JSON.parse((await import('node:fs')).readFileSync(good, 'utf8'));
    doc.servers[1].bandwidthMHz = -3;
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(doc));
    await page.setInputFiles('#scenario-file', bad);
    await page.waitForSelector('#plan-error:not([hidden])');
    assert.match(await page.locator('#plan-error').innerText(), /servers\[1\]\.bandwidthMHz/);
    // the good file opens and solves
    await page.setInputFiles('#scenario-file', good);
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#scenario-summary').dataset.devices === '4');
    await solveOnPage(page, 'pa');
    assert.equal(await mapMarks(page, 'a', 'device '), 4);
    await page.close();
  });

  it('the Figures tab lists every reproduced figure with its claims', async () => {
    const page = await openPage({ width: 1280, height: 800 });
    // the tabs work from the keyboard: focus the selected one, arrow right twice
    await page.waitForSelector('body[data-ready]');
    await page.focus('#tab-plan');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('#tab-figures[aria-selected="true"]');
    assert.equal(await page.getAttribute('#tab-plan', 'aria-selected'), 'false');
    assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement.id), 'tab-figures');
    await page.waitForSelector('#figures-body article');
    const expected = ['cnn-coop', 'helper-coop', 'three-tier'].flatMap((s) => readdirSync(join(ROOT, 'figures', s)).filter((f) => f.endsWith('.json')));
    assert.equal(await page.locator('#figures-body article.figure').count(), expected.length);
    assert.ok(await page.locator('#figures-body .claims li').count() > 0);
    // every image is served by the dashboard itself (lazy images load as they scroll into view)
    const images = await page.evaluate(async () => Promise.all([...(globalThis as any).document.querySelectorAll('#figures-body img')].map(async (i: any) => {
      const res = await fetch(i.getAttribute('src')!);
      return { src: String(i.src), status: res.status, type: res.headers.get('content-type') };
    })));
    assert.equal(images.length, expected.length);
    for (const img of images) {
      assert.equal(img.status, 200, img.src);
      assert.match(img.type ?? '', /^image\/(svg\+xml|png)/, img.src);
      assert.ok(img.src.startsWith(base), img.src);
    }
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#figures-body img').naturalWidth > 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'figures-1280.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    const { scrollWidth, innerWidth } = await horizontalOverflow(page);
    assert.ok(scrollWidth <= innerWidth, `figures page overflows at a phone width: ${scrollWidth} > ${innerWidth}`);
    await page.close();
  });
});
