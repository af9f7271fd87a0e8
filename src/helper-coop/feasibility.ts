import { type Instance, localCapBits, minTxEnergyJ } from './physics.ts';

/**
 * P2 (specs §4): the largest data size the system can process within the block. Every CPU runs
 * at its maximum, each helper spends its whole budget E_k^max on the download (that energy buys
 * nothing else), and the user's budget E_u^max is shared among the offloading links by a price
 * ω (bit/J): helper k takes argmax ℓ − ω·E_{k,1}^min(ℓ), and ω is bisected until Σ E_{k,1} = E_u^max.
 */

/** Shortest download time for `resultBits` with energy `budgetJ`: τB·log2(1 + budget/(N·τ)) = bits. */
function minDownloadTimeS(resultBits: number, budgetJ: number, bandwidthHz: number, noiseToGainW: number): number {
  if (resultBits <= 0) return 0;
  const a = budgetJ / noiseToGainW;
  const carried = (tau: number) => tau * bandwidthHz * Math.log2(1 + a / tau);
  if (!(resultBits < (a * bandwidthHz) / Math.LN2)) return Infinity;
  let lo = 0;
  let hi = resultBits / bandwidthHz;
  while (carried(hi) < resultBits) { lo = hi; hi *= 2; }
  for (let i = 0; i < 100 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (carried(mid) >= resultBits) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Time left for offloading ℓ bits to helper k when it computes at f^max and downloads at full budget. */
function offloadWindowS(inst: Instance, k: number, bits: number): number {
  const h = inst.helpers[k];
  return inst.deadlineS - (h.cyclesPerBit * bits) / h.fmaxHz - minDownloadTimeS(inst.alpha * bits, h.budgetJ, inst.bandwidthHz, h.n3W);
}

export function minOffloadEnergyJ(inst: Instance, k: number, bits: number): number {
  if (bits <= 0) return 0;
  const window = offloadWindowS(inst, k, bits);
  return window > 0 ? minTxEnergyJ(bits, window, inst.bandwidthHz, inst.helpers[k].n1W) : Infinity;
}

/** Sup of the bits helper k can take at all (its offloading window closes there). */
function helperCapBits(inst: Instance, k: number): number {
  let lo = 0;
  let hi = (inst.helpers[k].fmaxHz * inst.deadlineS) / inst.helpers[k].cyclesPerBit;
  for (let i = 0; i < 100 && hi - lo > 1e-14 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (offloadWindowS(inst, k, mid) > 0) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** argmax ℓ − ω·E(ℓ) over [0, cap] for convex increasing E: golden section on a concave function. */
function bestBits(inst: Instance, k: number, omegaBitsPerJ: number, cap: number): number {
  const f = (l: number) => l - omegaBitsPerJ * minOffloadEnergyJ(inst, k, l);
  const r = (Math.sqrt(5) - 1) / 2;
  let a = 0;
  let b = cap;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 120 && b - a > 1e-13 * cap; i++) {
    if (fc >= fd) { b = d; d = c; fd = fc; c = b - r * (b - a); fc = f(c); }
    else { a = c; c = d; fc = fd; d = a + r * (b - a); fd = f(d); }
  }
  return 0.5 * (a + b);
}

export interface Capacity {
  maxDataBits: number;
  localBits: number;
  helperBits: number[];
  offloadEnergyJ: number[];
}

/** L_max of P2; `withLocal: false` gives FO's (helpers only). */
export function maxDataBits(inst: Instance, withLocal = true): Capacity {
  const localBits = withLocal ? localCapBits(inst) : 0;
  const K = inst.helpers.length;
  const caps = inst.helpers.map((_, k) => helperCapBits(inst, k));
  const at = (omega: number) => {
    const bits = caps.map((cap, k) => (cap > 0 ? bestBits(inst, k, omega, cap) : 0));
    return { bits, energy: bits.map((l, k) => minOffloadEnergyJ(inst, k, l)) };
  };
  const budget = inst.user.budgetJ;
  const spend = (r: { energy: number[] }) => r.energy.reduce((a, b) => a + b, 0);
  let best = { bits: new Array<number>(K).fill(0), energy: new Array<number>(K).fill(0) };
  if (K > 0 && budget > 0) {
    // Σ E_{k,1} falls as the price ω rises; bisect log ω down to the price that spends exactly E_u^max
    let lo = 1e-3;
    let hi = 1e3;
    best = at(hi);
    while (spend(best) > budget && hi < 1e40) { lo = hi; hi *= 1e3; best = at(hi); }
    if (spend(at(lo)) > budget) {
      for (let i = 0; i < 100 && hi / lo > 1 + 1e-12; i++) {
        const mid = Math.sqrt(lo * hi);
        const r = at(mid);
        if (spend(r) <= budget) { hi = mid; best = r; } else lo = mid;
      }
    } else best = at(lo);
  }
  const helperBits = best.bits;
  return { maxDataBits: localBits + helperBits.reduce((a, b) => a + b, 0), localBits, helperBits, offloadEnergyJ: best.energy };
}
