import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../control/helpers.ts';

/**
 * Headless Chromium (the Debian package) driven by playwright-core, for the dashboard's tests.
 * Without a chromium binary the browser tests are skipped with the reason, unless
 * MEC_REQUIRE_SERVICES=1 (CI), where that is a failure.
 */
export const CHROMIUM = process.env.MEC_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRED = process.env.MEC_REQUIRE_SERVICES === '1';

/** Why the browser tests cannot run here, or null when they can. */
export function browserSkipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  return `chromium not found at ${CHROMIUM} (apt-get install chromium, or set MEC_CHROMIUM)`;
}

/** For describe(): skip with the reason, or (with MEC_REQUIRE_SERVICES=1) run and fail in `before`. */
export function browserSkip(): string | false {
  return REQUIRED ? false : browserSkipReason();
}

export const SCREENSHOTS = join(ROOT, '.tmp', 'ui-test');

export interface Browser {
  context: BrowserContext;
  newPage(viewport: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const reason = browserSkipReason();
  if (reason) throw new Error(`MEC_REQUIRE_SERVICES=1 but ${reason}`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), 'mec-ui-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const errors: string[] = [];
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      // a script error on the page fails the test that caused it
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
      Object.defineProperty(page, 'scriptErrors', { value: errors });
      // the page must work offline: nothing may be fetched from anywhere but the page's own server
      const elsewhere: string[] = [];
      page.on('request', (r) => {
        const url = r.url();
        if (!/^(data|blob):/.test(url) && !/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) elsewhere.push(url);
      });
      Object.defineProperty(page, 'externalRequests', { value: elsewhere });
      return page;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Errors the pages of this browser logged so far. */
export const scriptErrors = (page: Page): string[] => (page as Page & { scriptErrors: string[] }).scriptErrors;

/** Requests the page made to anywhere but loopback (it must make none: no CDN, works offline). */
export const externalRequests = (page: Page): string[] => (page as Page & { externalRequests: string[] }).externalRequests;

/** The page is wider than the viewport (something overflows horizontally). */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  // page functions run in the browser; the test program has Node's types, not the DOM's
  return page.evaluate(() => {
    const w = globalThis as any;
    return { scrollWidth: w.document.documentElement.scrollWidth as number, innerWidth: w.innerWidth as number };
  });
}

/** Form controls without an accessible name (label, aria-label or aria-labelledby). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(globalThis as any).document.querySelectorAll('input, select, button, textarea')]
    .filter((el: any) => !el.closest('[hidden]'))
    .filter((el: any) => {
      const labels = el.labels;
      const text = el.tagName === 'BUTTON' ? (el.textContent ?? '').trim() : '';
      return !(labels && labels.length > 0) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby') && text === '';
    })
    .map((el: any) => String(el.outerHTML).slice(0, 120)));
}
