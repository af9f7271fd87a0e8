import type { Page } from 'playwright-core';

/** Steps on the dashboard's Plan tab, as a user does them. */
export async function generateOnPage(page: Page, system: string, seed: number, options: Record<string, string | number>): Promise<number> {
  await page.waitForSelector('body[data-ready]');
  await page.waitForSelector('#system option', { state: 'attached' });
  await page.selectOption('#system', system);
  await page.fill('#seed', String(seed));
  for (const [flag, value] of Object.entries(options)) await page.fill(`input[data-option="${flag}"]`, String(value));
  const before = await page.getAttribute('#scenario-summary', 'data-loaded');
  await page.click('#generate');
  await page.waitForFunction((prev) => {
    const d = (globalThis as any).document;
    return d.querySelector('#scenario-summary').dataset.loaded !== (prev ?? undefined) || !d.querySelector('#plan-error').hidden;
  }, before);
  if (await page.locator('#plan-error').isVisible()) throw new Error(`the page reports: ${await page.locator('#plan-error').textContent()}`);
  return Number(await page.getAttribute('#scenario-summary', 'data-devices'));
}

/** Solves with one algorithm, or two side by side; waits until every chart is drawn. */
export async function solveOnPage(page: Page, a: string, b = ''): Promise<void> {
  await page.selectOption('#algorithm-a', a);
  await page.selectOption('#algorithm-b', b);
  await page.click('#solve');
  const want = [a, b].filter(Boolean).join(',');
  await page.waitForFunction((w) => {
    const d = (globalThis as any).document;
    return d.querySelector('#plans').dataset.solved === w || !d.querySelector('#plan-error').hidden;
  }, want, { timeout: 120_000 });
  const error = await page.locator('#plan-error').textContent();
  if (await page.locator('#plan-error').isVisible()) throw new Error(`the page reports: ${error}`);
}

/** The exact value behind a total on a plan card (data-value). */
export async function totalOnPage(page: Page, slot: 'a' | 'b', key: string): Promise<number> {
  const v = await page.getAttribute(`[data-slot="${slot}"] [data-total="${key}"]`, 'data-value');
  if (v === null || v === '') throw new Error(`no value for ${key} on panel ${slot}`);
  return Number(v);
}

/** Marks on the map whose accessible label starts with `prefix` ("device ", "helper "). */
export async function mapMarks(page: Page, slot: 'a' | 'b', prefix: string): Promise<number> {
  return page.locator(`[data-slot="${slot}"] .map [aria-label^="${prefix}"]`).count();
}
