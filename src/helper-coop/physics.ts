import { shannonRateBps } from '../core/channel.ts';
import type { Scenario } from './model.ts';

/**
 * The closed forms of specs/helper-coop.md in SI units (bit, s, Hz, W, J), on a flattened
 * instance the algorithms share. Links are described by their noise-to-gain ratio N = σ²/h, so
 * a link of spectral efficiency x (bit/s/Hz) needs power N·(2^x − 1).
 */
export interface HelperParams {
  id: string;
  /** N_{k,1} = σ_k²/h_k (offloading link), W. */
  n1W: number;
  /** N_{k,3} = σ_u²/g_k (download link), W. */
  n3W: number;
  fmaxHz: number;
  cyclesPerBit: number;
  kappa: number;
  budgetJ: number;
}

export interface Instance {
  deadlineS: number;
  dataBits: number;
  alpha: number;
  bandwidthHz: number;
  user: { fmaxHz: number; cyclesPerBit: number; kappa: number; budgetJ: number };
  helpers: HelperParams[];
}

export const pathGain = (s: Scenario, distanceM: number): number => s.pathLoss.gainAt1m * distanceM ** -s.pathLoss.exponent;

/** h_k and g_k of every helper: explicit gains win over the distance model; g_k = h_k unless given. */
export function helperGains(s: Scenario): Array<{ uplink: number; downlink: number }> {
  return s.helpers.map((h) => {
    const uplink = h.channelGain ?? pathGain(s, h.distanceM!);
    return { uplink, downlink: h.downlinkGain ?? uplink };
  });
}

export function toInstance(s: Scenario): Instance {
  const gains = helperGains(s);
  const userNoise = s.userNoiseW ?? s.noiseW;
  return {
    deadlineS: s.deadlineS,
    dataBits: s.dataBits,
    alpha: s.resultRatio,
    bandwidthHz: s.bandwidthMHz * 1e6,
    user: { fmaxHz: s.user.maxCpuGHz * 1e9, cyclesPerBit: s.user.cyclesPerBit, kappa: s.user.kappa, budgetJ: s.user.txEnergyBudgetJ },
    helpers: s.helpers.map((h, k) => ({
      id: h.id,
      n1W: s.noiseW / gains[k].uplink,
      n3W: userNoise / gains[k].downlink,
      fmaxHz: h.maxCpuGHz * 1e9,
      cyclesPerBit: h.cyclesPerBit,
      kappa: h.kappa,
      budgetJ: h.txEnergyBudgetJ,
    })),
  };
}

/** The most bits the user can compute itself within the block (eq. 3). */
export const localCapBits = (inst: Instance): number => (inst.user.fmaxHz * inst.deadlineS) / inst.user.cyclesPerBit;

/** Eq. (5): local energy when ℓ_u bits are spread over the whole block. */
export const localEnergyJ = (inst: Instance, bits: number): number =>
  (inst.user.kappa * inst.user.cyclesPerBit ** 3 * bits ** 3) / inst.deadlineS ** 2;

/** Eq. (22): the local bits that minimise local energy − ν·bits. */
export function localBitsAtPrice(inst: Instance, nuJPerBit: number): number {
  const { kappa, cyclesPerBit: c } = inst.user;
  const free = inst.deadlineS * Math.sqrt(Math.max(nuJPerBit, 0) / (3 * kappa * c ** 3));
  return Math.min(free, localCapBits(inst));
}

/** Shannon rate B·log2(1 + P/N), bit/s. */
export const rateBps = (bandwidthHz: number, powerW: number, noiseToGainW: number): number =>
  shannonRateBps(bandwidthHz, powerW / noiseToGainW);

/** Minimum energy to send `bits` in `timeS` over a link with N = σ²/h: τN(2^{b/(Bτ)} − 1). */
export function minTxEnergyJ(bits: number, timeS: number, bandwidthHz: number, noiseToGainW: number): number {
  if (bits <= 0) return 0;
  if (timeS <= 0) return Infinity;
  return timeS * noiseToGainW * Math.expm1((bits / (bandwidthHz * timeS)) * Math.LN2);
}

/** 1 + e^y(y − 1), by its series near 0 where the closed form cancels. */
export function phi(y: number): number {
  if (y < 1e-3) return y * y * (1 / 2 + y * (1 / 3 + y * (1 / 8 + y * (1 / 30 + y / 144))));
  return 1 + Math.exp(y) * (y - 1);
}

/**
 * Solves phi(y) = r for y ≥ 0: y = x·ln2 is the link's optimal spectral efficiency (in nats) when
 * time costs r·(w·N) per second (eq. 31 is this equation's Lambert-W form). phi is convex and
 * increasing, so Newton from an upper bound descends monotonically; sqrt(2r) is one (phi ≥ y²/2)
 * and so is 1 + ln r for r ≥ 1.5.
 */
export function solvePhi(r: number): number {
  if (!(r > 0)) return 0;
  let y = Math.sqrt(2 * r);
  if (r >= 1.5) y = Math.min(y, 1 + Math.log(r));
  for (let i = 0; i < 200; i++) {
    const step = (phi(y) - r) / (y * Math.exp(y));
    y -= step;
    if (!(Math.abs(step) > 1e-16 * y)) break;
  }
  return y;
}

/** Helper k's operating point at time price η (specs §7, eqs. 31–34), for weights w1 = 1+ω, w3 = 1+θ_k. */
export interface HelperPoint {
  etaW: number;
  /** Spectral efficiencies in nats (x·ln2) of the offloading and download links. */
  y1: number;
  y3: number;
  fHz: number;
  /** s_k: seconds of the block used per input bit. */
  secondsPerBit: number;
  /** m_k = e_k + η s_k: the weighted marginal cost of one more bit, J/bit. */
  marginalJPerBit: number;
}

export function helperPoint(inst: Instance, k: number, etaW: number, w1: number, w3: number, fixedMaxCpu: boolean): HelperPoint {
  const h = inst.helpers[k];
  const B = inst.bandwidthHz;
  const a = inst.alpha;
  const y1 = solvePhi(etaW / (w1 * h.n1W));
  const y3 = solvePhi(etaW / (w3 * h.n3W));
  const fHz = fixedMaxCpu ? h.fmaxHz : Math.min(Math.cbrt(etaW / (2 * h.kappa)), h.fmaxHz);
  // seconds per input bit on each link: 1/(B·x) = ln2/(B·y); energy per bit = power × that
  const t1 = Math.LN2 / (B * y1);
  const t3 = a > 0 ? (a * Math.LN2) / (B * y3) : 0;
  const secondsPerBit = t1 + (h.cyclesPerBit / fHz) + t3;
  const energyPerBit = w1 * h.n1W * Math.expm1(y1) * t1 + h.kappa * h.cyclesPerBit * fHz * fHz + (a > 0 ? w3 * h.n3W * Math.expm1(y3) * t3 : 0);
  return { etaW, y1, y3, fHz, secondsPerBit, marginalJPerBit: energyPerBit + etaW * secondsPerBit };
}

/** m_k(0+): below this bit price helper k takes nothing. */
export function helperEntryPrice(inst: Instance, k: number, w1: number, w3: number, fixedMaxCpu: boolean): number {
  const h = inst.helpers[k];
  const base = (Math.LN2 / inst.bandwidthHz) * (w1 * h.n1W + inst.alpha * w3 * h.n3W);
  return base + (fixedMaxCpu ? h.kappa * h.cyclesPerBit * h.fmaxHz ** 2 : 0);
}

/**
 * Solves m_k(η) = ν for η. m_k is concave and increasing with slope s_k (envelope theorem), and
 * m_k(η) ≥ η·c_k/f_k^max bounds the root; safeguarded Newton inside a shrinking bracket.
 */
export function solveHelperEta(inst: Instance, k: number, nuJPerBit: number, w1: number, w3: number, fixedMaxCpu: boolean): HelperPoint {
  const h = inst.helpers[k];
  let lo = 0;
  let hi = (nuJPerBit * h.fmaxHz) / h.cyclesPerBit;
  let eta = hi / 2;
  let best = helperPoint(inst, k, eta, w1, w3, fixedMaxCpu);
  for (let i = 0; i < 300; i++) {
    const F = best.marginalJPerBit - nuJPerBit;
    if (F > 0) hi = eta;
    else lo = eta;
    if (Math.abs(F) <= 2e-15 * nuJPerBit || hi - lo <= 1e-16 * hi) break;
    let next = eta - F / best.secondsPerBit;
    if (!(next > lo && next < hi)) next = lo > 0 ? Math.sqrt(lo * hi) : hi / 8;
    else if (Math.abs(next - eta) <= 1e-15 * eta) break;
    eta = next;
    best = helperPoint(inst, k, eta, w1, w3, fixedMaxCpu);
  }
  return best;
}
