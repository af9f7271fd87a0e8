/** Summary statistics for Monte Carlo points. */

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

/** Two-sided 97.5 % Student-t quantile; exact table to 30 degrees of freedom, then 1.96 + 2.4/df. */
const T975 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
export const tQuantile975 = (df: number): number => (df <= 30 ? T975[df] : 1.96 + 2.4 / df);

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

/** Mean with its 95 % confidence interval (Student t); NaN samples are left out. */
export function meanCi95(samples: readonly number[]): Interval {
  const xs = samples.filter((x) => Number.isFinite(x));
  const n = xs.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n };
  const m = mean(xs);
  const half = n > 1 ? (tQuantile975(n - 1) * sampleStd(xs)) / Math.sqrt(n) : 0;
  return { mean: m, lo: m - half, hi: m + half, n };
}
