/**
 * Root of a continuous monotone f on a bracket [lo, hi] with f(lo), f(hi) of opposite signs, by
 * the Illinois variant of regula falsi (Dowell & Jarratt 1971): superlinear, and it never leaves
 * the bracket. Returns the end of the final bracket on the side of `keep` (where f ≤ 0 or f ≥ 0),
 * so callers get a point that satisfies their inequality.
 */
export function illinois(f: (x: number) => number, lo: number, hi: number, flo: number, fhi: number,
  keep: 'nonpositive' | 'nonnegative', relTol: number, maxIterations = 200): number {
  let side = 0;
  for (let i = 0; i < maxIterations && hi - lo > relTol * Math.max(Math.abs(hi), Math.abs(lo)); i++) {
    let x = (lo * fhi - hi * flo) / (fhi - flo);
    if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
    const fx = f(x);
    if (fx === 0) return x;
    if ((fx < 0) === (flo < 0)) {
      lo = x; flo = fx;
      if (side === -1) fhi /= 2;
      side = -1;
    } else {
      hi = x; fhi = fx;
      if (side === 1) flo /= 2;
      side = 1;
    }
  }
  const loOk = keep === 'nonpositive' ? flo <= 0 : flo >= 0;
  return loOk ? lo : hi;
}
