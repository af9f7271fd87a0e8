import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DeviceClient } from '../../src/control/device.ts';
import { getJson, killAll, mec, mecRun, postJson, type Proc } from '../control/helpers.ts';
import { browserSkip, externalRequests, horizontalOverflow, launchBrowser, SCREENSHOTS, scriptErrors, unlabelledControls, type Browser } from './browser.ts';

/**
 * The dashboard `mec controller` serves under /ui/, in headless Chromium, against a real
 * controller, agent and device on loopback: sign-in with an operator token, the Live tab showing
 * a report arriving and the plan made from it, a refused message, and the token rules (other
 * kinds and revoked tokens are refused). Every wait is on a page condition or an output line.
 */
const dir = mkdtempSync(join(tmpdir(), 'mec-ui-live-'));
const db = join(dir, 'state.db');
const tokens: Record<string, string> = {};
let controller: Proc;
let agent: Proc;
let agentUrl = '';
let base = '';
let browser: Browser;
let page: Page;
const devices: DeviceClient[] = [];

const field = (page: Page, selector: string, key: string) => page.getAttribute(selector, `data-${key}`).then(Number);

describe('the controller\'s dashboard (/ui/) in headless Chromium', { skip: browserSkip(), timeout: 240_000 }, () => {
  before(async () => {
    browser = await launchBrowser();
    const created = await Promise.all([
      mecRun(['token', 'create', '--db', db, '--kind', 'operator', '--subject', 'ops']),
      mecRun(['token', 'create', '--db', db, '--kind', 'agent', '--subject', 'E1']),
      mecRun(['token', 'create', '--db', db, '--kind', 'device', '--subject', 'd*']),
      mecRun(['token', 'create', '--db', db, '--kind', 'operator', '--subject', 'later-revoked']),
    ]);
    for (const c of created) assert.equal(c.code, 0, c.stderr);
    [tokens.operator, tokens.agent, tokens.device, tokens.revoked] = created.map((c) => c.stdout.trim());
    controller = mec(['controller', '--db', db, '--port', '0', '--algorithm', 'mdo', '--debounce-ms', '50', '--replan-s', '0']);
    base = `http://127.0.0.1:${(await controller.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/, 60_000, 'stdout'))[1]}`;
    agent = mec(['agent', '--controller', base, '--server-id', 'E1', '--token', tokens.agent, '--x', '50', '--y', '50']);
    agentUrl = (await agent.waitFor(/listening on (ws:\/\/127\.0\.0\.1:\d+)/, 60_000, 'stdout'))[1];
    await agent.waitFor(/registered with the controller/, 60_000, 'stderr');
  });
  after(async () => {
    for (const d of devices) d.close();
    await browser?.close();
    for (const p of [agent, controller]) {
      if (!p) continue;
      p.child.kill('SIGTERM');
      await p.exited;
    }
    killAll();
  });

  it('asks for an operator token, refuses another, and lets the operator in', async () => {
    page = await browser.newPage({ width: 1280, height: 800 });
    await page.goto(`${base}/ui`);
    await page.waitForSelector('input[name="token"]');
    assert.deepEqual(await unlabelledControls(page), []);
    await page.setViewportSize({ width: 390, height: 844 });
    const { scrollWidth, innerWidth } = await horizontalOverflow(page);
    assert.ok(scrollWidth <= innerWidth, `sign-in page overflows at a phone width: ${scrollWidth} > ${innerWidth}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-390.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.fill('input[name="token"]', tokens.agent);
    await page.click('button[type="submit"]');
    await page.waitForSelector('[role="alert"]');
    assert.match(await page.locator('[role="alert"]').innerText(), /non-operator|unknown|revoked/i);
    // the refused sign-in answered 401, which the browser logs; that one was on purpose
    scriptErrors(page).length = 0;
    await page.fill('input[name="token"]', tokens.operator);
    await page.click('button[type="submit"]');
    await page.waitForSelector('body[data-ready]');
    assert.equal(new URL(page.url()).pathname, '/ui/');
    // the cookie is HttpOnly: the page's own script cannot read the token
    assert.equal(await page.evaluate(() => (globalThis as any).document.cookie), '');
  });

  it('the Live tab shows a report arriving and the plan made from it, pushed without a reload', async () => {
    await page.click('#tab-live');
    await page.waitForSelector('#live-agents tr[data-agent="E1"][data-connected="true"]');
    const plansBefore = await field(page, '#live-plan-summary', 'plans');
    const device = new DeviceClient({ agentUrl, token: tokens.device, deviceId: 'd1' });
    devices.push(device);
    await device.connect();
    device.report({ x: 40, y: 45, dataMbit: 3, minRateMbps: 1, deadlineS: 1.5, txPowerW: 0.6, cpuGHz: 2, gigacyclesPerMbit: 3 });
    await page.waitForSelector('#live-reports li[data-device="d1"]');
    await page.waitForFunction((n) => Number((globalThis as any).document.querySelector('#live-plan-summary').dataset.plans) > n, plansBefore);
    await page.waitForFunction(() => Number((globalThis as any).document.querySelector('#live-latency-summary').dataset.decisions) > 0);
    assert.equal(await field(page, '#live-devices', 'devices'), 1);
    // what the page says is the controller's state
    const state = await getJson(`${base}/v1/state`, tokens.operator);
    assert.equal(state.status, 200);
    assert.match(await page.locator('#live-plan-summary').innerText(), new RegExp(`plan ${state.body.plan.planId}\\b`));
    await page.waitForSelector('#live-objective svg');
    await page.screenshot({ path: join(SCREENSHOTS, 'live-1280.png'), fullPage: true });
  });

  it('a refused message shows up in the Live tab', async () => {
    // a report with a token the controller does not know
    const refused = await postJson(`${base}/v1/reports`, JSON.stringify({ reports: [{ deviceId: 'd9', seq: 0, x: 1, y: 1, dataMbit: 1, minRateMbps: 1, deadlineS: 1, txPowerW: 0.5, cpuGHz: 2, gigacyclesPerMbit: 3 }] }), `mec_device_000000000000_${'A'.repeat(32)}`);
    assert.equal(refused.status, 401);
    await page.waitForSelector('#live-refused li[data-code="unauthorized"]');
    assert.match(await page.locator('#live-refused-total').innerText(), /^[1-9]\d* refused/);
  });

  it('the plan in force opens in the Plan tab, and the page fits a phone', async () => {
    await page.click('#live-open-plan');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#plans').dataset.solved);
    assert.equal(await page.locator('[data-slot="a"] .map [aria-label^="device "]').count(), 1);
    assert.equal(await page.getAttribute('[data-slot="a"] [data-verdict]', 'data-verdict'), 'ok');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('#tab-live');
    await page.waitForSelector('#live-objective svg');
    const { scrollWidth, innerWidth } = await horizontalOverflow(page);
    assert.ok(scrollWidth <= innerWidth, `page overflows: ${scrollWidth} > ${innerWidth}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'live-390.png'), fullPage: true });
    assert.deepEqual(scriptErrors(page), []);
    assert.deepEqual(externalRequests(page), []);
  });

  it('the API under /ui needs an operator token, and a revoked one stops at once', async () => {
    assert.equal((await getJson(`${base}/ui/api/systems`)).status, 401);
    assert.equal((await getJson(`${base}/ui/api/systems`, tokens.agent)).status, 401);
    assert.equal((await getJson(`${base}/ui/api/systems`, tokens.revoked)).status, 200);
    const id = /^mec_operator_([0-9a-f]{12})_/.exec(tokens.revoked)![1];
    assert.equal((await mecRun(['token', 'revoke', '--db', db, id])).code, 0);
    assert.equal((await getJson(`${base}/ui/api/systems`, tokens.revoked)).status, 401);
    assert.equal((await getJson(`${base}/ui/api/live`, tokens.operator)).status, 200);
    // the page itself without a token is the sign-in form, not the dashboard
    const html = await (await fetch(`${base}/ui/`)).text();
    assert.match(html, /name="token"/);
    assert.doesNotMatch(html, /id="view-plan"/);
  });

  it('the controller stops cleanly while the page holds a live stream open', async () => {
    await page.goto(`${base}/ui/#live`);
    await page.waitForFunction(() => (globalThis as any).document.body.dataset.live === 'open');
    controller.child.kill('SIGTERM');
    assert.equal(await controller.exited, 0);
    await page.waitForFunction(() => /lost/.test((globalThis as any).document.querySelector('#live-status').textContent));
  });
});
