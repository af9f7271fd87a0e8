/**
 * Central-cut ellipsoid method maximising a concave function over {z : z_i ≥ 0 for i not free}
 * (Shor; Bland–Goldfarb–Todd 1981). The ellipsoid {y : (y − z)ᵀP⁻¹(y − z) ≤ 1} is kept through a
 * factor P = E·Eᵀ: the textbook rank-one update of P loses definiteness in long runs once a
 * direction whose optimum sits on the boundary (a slack budget's multiplier) has shrunk by many
 * orders. Each objective cut also proves g* ≤ g(z) + sqrt(sᵀPs), which is the stopping rule.
 */
export interface EllipsoidOptions {
  /** Stop when the proved gap bound falls below this fraction of |g|. */
  relTol: number;
  maxIterations: number;
}

export interface EllipsoidResult {
  z: Float64Array;
  value: number;
  /** Proved upper bound on the maximum, if the initial ball held a maximiser. */
  upper: number;
  iterations: number;
}

/** The oracle returns g(z) and a supergradient (written into `grad`). */
export type ConcaveOracle = (z: Float64Array, grad: Float64Array) => number;

export function ellipsoidMaximise(center: Float64Array, radius: number, free: ReadonlySet<number>, oracle: ConcaveOracle,
  opts: EllipsoidOptions): EllipsoidResult {
  const n = center.length;
  const z = center.slice();
  const E = new Float64Array(n * n);
  for (let i = 0; i < n; i++) E[i * n + i] = radius;
  const a = new Float64Array(n);
  const g = new Float64Array(n);
  const b = new Float64Array(n);
  let best = -Infinity;
  let bestZ = z.slice();
  let upper = Infinity;
  let it = 0;
  // n = 1 has no central-cut ellipsoid formula; callers pass n ≥ 2
  const scale = n / Math.sqrt(n * n - 1);
  const shrink = 1 - Math.sqrt((n - 1) / (n + 1));
  for (; it < opts.maxIterations; it++) {
    let worst = -1;
    for (let i = 0; i < n; i++) if (!free.has(i) && z[i] < 0 && (worst < 0 || z[i] < z[worst])) worst = i;
    let objectiveCut = false;
    let value = 0;
    if (worst >= 0) { a.fill(0); a[worst] = -1; } // feasibility cut towards z_i ≥ 0
    else {
      objectiveCut = true;
      value = oracle(z, a);
      if (value > best) { best = value; bestZ = z.slice(); }
      for (let i = 0; i < n; i++) a[i] = -a[i]; // minimise −g
    }
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const ai = a[i];
      if (ai === 0) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) g[j] += E[row + j] * ai;
    }
    let norm = 0;
    for (let j = 0; j < n; j++) norm += g[j] * g[j];
    norm = Math.sqrt(norm); // = sqrt(aᵀPa)
    if (objectiveCut) {
      if (!(norm > 0)) { upper = value; break; }
      upper = Math.min(upper, value + norm);
      if (upper - best <= opts.relTol * Math.abs(best)) break;
    } else if (!(norm > 0)) break;
    for (let j = 0; j < n; j++) g[j] /= norm;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += E[row + j] * g[j];
      b[i] = s;
      z[i] -= s / (n + 1);
    }
    // E ← scale·(E − shrink·b·gᵀ), so that P ← n²/(n²−1)·(P − 2/(n+1)·b·bᵀ)
    for (let i = 0; i < n; i++) {
      const row = i * n;
      const bi = shrink * b[i];
      for (let j = 0; j < n; j++) E[row + j] = scale * (E[row + j] - bi * g[j]);
    }
  }
  return { z: bestZ, value: best, upper, iterations: it };
}
