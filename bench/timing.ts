import { textTable } from '../src/core/table.ts';
import { median, quantile } from '../src/core/stats.ts';

/** Times `fn` `runs` times after `warmup` calls; milliseconds. */
export function timeMs(fn: () => unknown, runs: number, warmup = 1): { medianMs: number; p90Ms: number; runs: number } {
  for (let i = 0; i < warmup; i++) fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return { medianMs: median(ms), p90Ms: quantile(ms, 0.9), runs };
}

/** Prints rows as an aligned text table. */
export function printTable(rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const fmt = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v);
  console.log(textTable(cols, rows.map((r) => cols.map((c) => fmt(r[c] ?? ''))), { rule: true }));
}
