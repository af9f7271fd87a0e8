import type { TaskOptions } from './options.ts';
import { pricedValue } from './priced.ts';

/**
 * The capacity Lagrangian: a second proved lower bound on the optimum of the generalised problem
 * (19), kept for comparison (bench/cnn-coop-gaps.bench.ts); bounds.ts's assignment bound is the
 * one reported, being tighter on every instance measured and 5-50x faster.
 *
 * Lagrangian relaxation of the 3N capacity constraints C6–C8 with prices ν_nr ≥ 0:
 *   L(ν) = Σ_m min( local_m, min_{n, split} φ_m,n,split(ν_n) ) - Σ_nr ν_nr,
 * where φ is the per-task priced problem of priced.ts (deadline and rate floor kept per task, so
 * the relaxation is tighter than dropping them). L is concave and every ν ≥ 0 gives a valid bound.
 * The hard min makes L non-smooth, and plain coordinate ascent stalls on its kinks (a task
 * indifferent between two servers needs a joint move of both prices), so the ascent runs on the
 * soft-min at temperature τ (smooth and concave; τ shrinks towards the hard dual), one coordinate
 * at a time, each by bisection on its derivative (demand - 1, non-increasing in ν_nr). The bound
 * reported is the hard L at the best prices met. Its weakness is structural: L equals the
 * relaxation in which a task may be split across servers and each part keeps the full speed of a
 * whole task, which costs little congestion, so it is loose when N is large.
 */

export interface DualResult {
  bound: number;
  /** ν[n] = [ν_α, ν_β, ν_λ]. */
  prices: [number, number, number][];
  sweeps: number;
}

export interface DualOptions {
  /** Starting prices (e.g. a plan's per-server allocation prices). */
  start?: [number, number, number][];
  maxSweeps?: number;
  /** Stop when a sweep raises the bound by less than this fraction. */
  relTol?: number;
  /** Bisection steps per coordinate. */
  steps?: number;
}

export function maximiseDual(tasks: TaskOptions[], N: number, opts: DualOptions = {}): DualResult {
  const M = tasks.length;
  const relTol = opts.relTol ?? 1e-6;
  const steps = opts.steps ?? 24;
  const maxSweeps = opts.maxSweeps ?? 6;
  const nu = new Float64Array(3 * N);
  if (opts.start) opts.start.forEach((p, n) => { for (let r = 0; r < 3; r++) nu[3 * n + r] = Math.max(0, p[r]); });
  // Options flattened: task m owns [first[m], first[m + 1]).
  const first = new Int32Array(M + 1);
  tasks.forEach((t, m) => { first[m + 1] = first[m] + t.options.length; });
  const opt = tasks.flatMap((t) => t.options.map((o) => o.task));
  const server = Int32Array.from(tasks.flatMap((t) => t.options.map((o) => o.server)));
  const local = Float64Array.from(tasks.map((t) => t.localS));
  const value = new Float64Array(opt.length);
  const share = new Float64Array(3 * opt.length);
  const out = new Float64Array(3);
  const evalOption = (j: number) => {
    const n = server[j];
    value[j] = pricedValue(opt[j], nu[3 * n], nu[3 * n + 1], nu[3 * n + 2], out);
    share[3 * j] = out[0]; share[3 * j + 1] = out[1]; share[3 * j + 2] = out[2];
  };
  for (let j = 0; j < opt.length; j++) evalOption(j);
  /** The hard Lagrangian L(ν): the proved bound. */
  const hard = () => {
    let L = 0;
    for (let m = 0; m < M; m++) {
      let v = local[m];
      for (let j = first[m]; j < first[m + 1]; j++) if (value[j] < v) v = value[j];
      L += v;
    }
    for (let i = 0; i < 3 * N; i++) L -= nu[i];
    return L;
  };
  let best = hard();
  let bestNu = Float64Array.from(nu);
  // The soft-min of the options at temperature τ (≤ the min, ≥ min - τ·log(#options)) makes the
  // dual smooth, so coordinate ascent cannot stall on a kink; τ shrinks towards the hard dual.
  let scale = 0;
  for (let m = 0; m < M; m++) {
    let v = local[m];
    for (let j = first[m]; j < first[m + 1]; j++) v = Math.min(v, tasks[m].options[j - first[m]].aloneS);
    scale += Number.isFinite(v) ? v : 0;
  }
  scale = Math.max(scale / Math.max(M, 1), 1e-12);
  const otherMin = new Float64Array(M);
  const otherZ = new Float64Array(M);
  let sweeps = 0;
  const temperatures = opts.start ? [1e-2, 3e-3, 1e-3, 3e-4, 1e-4] : [3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4];
  for (const relTau of temperatures) {
    const tau = relTau * scale;
    for (let sweep = 0; sweep < maxSweeps; sweep++, sweeps++) {
      const before = hard();
      for (let n = 0; n < N; n++) {
        for (let m = 0; m < M; m++) {
          let lo = local[m];
          for (let j = first[m]; j < first[m + 1]; j++) if (server[j] !== n && value[j] < lo) lo = value[j];
          let z = Number.isFinite(local[m]) ? Math.exp(-(local[m] - lo) / tau) : 0;
          for (let j = first[m]; j < first[m + 1]; j++) if (server[j] !== n && Number.isFinite(value[j])) z += Math.exp(-(value[j] - lo) / tau);
          otherMin[m] = lo;
          otherZ[m] = z;
        }
        for (let r = 0; r < 3; r++) {
          const i = 3 * n + r;
          const excess = (x: number) => {
            nu[i] = x;
            let demand = 0;
            for (let m = 0; m < M; m++) {
              let ref = otherMin[m];
              for (let j = first[m]; j < first[m + 1]; j++) if (server[j] === n) { evalOption(j); if (value[j] < ref) ref = value[j]; }
              if (!Number.isFinite(ref)) continue;
              let z = otherZ[m] * (Number.isFinite(otherMin[m]) ? Math.exp(-(otherMin[m] - ref) / tau) : 0);
              let d = 0;
              for (let j = first[m]; j < first[m + 1]; j++) {
                if (server[j] !== n || !Number.isFinite(value[j])) continue;
                const w = Math.exp(-(value[j] - ref) / tau);
                z += w;
                d += w * share[3 * j + r];
              }
              demand += d / z;
            }
            return demand - 1;
          };
          if (excess(0) <= 0) continue;
          let hi = Math.max(nu[i], 1e-12 * scale);
          let lo = hi;
          if (excess(hi) > 0) {
            do { lo = hi; hi *= 4; } while (excess(hi) > 0 && hi < 1e12 * scale);
          } else {
            do { hi = lo; lo /= 4; } while (excess(lo) <= 0 && lo > 1e-15 * scale);
          }
          for (let it = 0; it < steps && hi / lo > 1 + 1e-9; it++) {
            const mid = Math.sqrt(lo * hi);
            if (excess(mid) > 0) lo = mid; else hi = mid;
          }
          excess(Math.sqrt(lo * hi));
        }
      }
      const L = hard();
      if (L > best) { best = L; bestNu = Float64Array.from(nu); }
      if (Math.abs(L - before) <= relTol * Math.abs(L)) break;
    }
  }
  return { bound: best, prices: Array.from({ length: N }, (_, n) => [bestNu[3 * n], bestNu[3 * n + 1], bestNu[3 * n + 2]]), sweeps };
}

/**
 * Kept as the second relaxation the benchmark compares with: it is dominated by the assignment
 * bound of bounds.ts on every instance measured (it lets a task split across servers at no cost
 * of congestion, which makes it weak when N is large) and is much slower.
 */
export const capacityBound = (tasks: TaskOptions[], N: number, opts: DualOptions = {}): DualResult =>
  (tasks.length === 0 ? { bound: 0, prices: Array.from({ length: N }, () => [0, 0, 0] as [number, number, number]), sweeps: 0 } : maximiseDual(tasks, N, opts));
