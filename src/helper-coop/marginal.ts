import type { HelperPlan } from './result.ts';
import {
  type HelperPoint, type Instance, helperEntryPrice, localBitsAtPrice, localCapBits, localEnergyJ, solveHelperEta,
} from './physics.ts';
import { illinois } from './roots.ts';
import { maxDataBits } from './feasibility.ts';

/**
 * The equal-marginal-cost method of specs §7, exact for P1.1 and its FO/FF restrictions:
 *   ω (user budget price, bisection) → ν (bit price, bisection on Σ bits = L)
 *     → per helper θ_k (its budget price, bisection) → η_k (time price, Newton on m_k(η) = ν).
 * Each level is a monotone one-dimensional equation, so every bisection is exact up to rounding.
 */
export type LocalMode = 'optimal' | 'none' | 'max';

export interface MarginalOptions {
  /** optimal: DVFS over the block (JTPRA, FO's absent user aside); none: FO; max: FF at f_u^max. */
  local: LocalMode;
  /** FF: helpers compute at f_k^max. */
  fixedMaxCpu: boolean;
}

export interface HelperOperation extends HelperPlan {
  /** Multipliers (SI units): λ_k, μ_k, θ_k, η_k. */
  lambda: number;
  mu: number;
  theta: number;
  eta: number;
}

export interface Allocation {
  localBits: number;
  localCpuHz: number;
  helpers: HelperOperation[];
  nu: number;
  omega: number;
  energyJ: number;
}

export type MarginalOutcome = { feasible: true; allocation: Allocation } | { feasible: false; cause: string };

function operate(inst: Instance, k: number, p: HelperPoint | null, bits: number, w1: number, w3: number, theta: number): HelperOperation {
  const h = inst.helpers[k];
  const B = inst.bandwidthHz;
  if (p === null || bits <= 0) {
    // an idle helper: the multipliers that make its dual term zero (ρ* = 0, η = 0)
    return { bits: 0, offloadTimeS: 0, computeTimeS: 0, downloadTimeS: 0, txPowerW: 0, helperTxPowerW: 0, cpuHz: 0,
      lambda: (w1 * h.n1W * Math.LN2) / B, mu: (w3 * h.n3W * Math.LN2) / B, theta, eta: 0 };
  }
  const downloadTimeS = inst.alpha > 0 ? (bits * inst.alpha * Math.LN2) / (B * p.y3) : 0;
  return {
    bits,
    offloadTimeS: (bits * Math.LN2) / (B * p.y1),
    computeTimeS: (bits * h.cyclesPerBit) / p.fHz,
    downloadTimeS,
    txPowerW: h.n1W * Math.expm1(p.y1),
    helperTxPowerW: downloadTimeS > 0 ? h.n3W * Math.expm1(p.y3) : 0,
    cpuHz: p.fHz,
    lambda: (w1 * h.n1W * Math.exp(p.y1) * Math.LN2) / B,
    mu: (w3 * h.n3W * Math.exp(p.y3) * Math.LN2) / B,
    theta,
    eta: p.etaW,
  };
}

export const offloadEnergy = (op: HelperOperation): number => op.txPowerW * op.offloadTimeS;
const downloadEnergy = (op: HelperOperation): number => op.helperTxPowerW * op.downloadTimeS;

/** Helper k's best response to bit price ν and user-energy price ω, its own budget enforced through θ_k. */
export function respond(inst: Instance, k: number, nu: number, omega: number, fixedMaxCpu: boolean): HelperOperation {
  const w1 = 1 + omega;
  const at = (theta: number): HelperOperation => {
    const w3 = 1 + theta;
    if (nu <= helperEntryPrice(inst, k, w1, w3, fixedMaxCpu)) return operate(inst, k, null, 0, w1, w3, theta);
    const p = solveHelperEta(inst, k, nu, w1, w3, fixedMaxCpu);
    return operate(inst, k, p, inst.deadlineS / p.secondsPerBit, w1, w3, theta);
  };
  const free = at(0);
  const budget = inst.helpers[k].budgetJ;
  if (downloadEnergy(free) <= budget) return free;
  // θ_max makes the entry price equal ν, where the helper takes nothing and spends nothing
  const h = inst.helpers[k];
  const base = (nu * inst.bandwidthHz) / Math.LN2 - w1 * h.n1W - (fixedMaxCpu ? (h.kappa * h.cyclesPerBit * h.fmaxHz ** 2 * inst.bandwidthHz) / Math.LN2 : 0);
  const hi = Math.max(base / (inst.alpha * h.n3W) - 1, 0);
  const excess = (theta: number) => downloadEnergy(at(theta)) - budget;
  const theta = illinois(excess, 0, hi, downloadEnergy(free) - budget, excess(hi), 'nonpositive', 1e-13);
  return at(theta);
}

interface PriceResponse { localBits: number; helpers: HelperOperation[]; total: number }

function respondAll(inst: Instance, nu: number, omega: number, opts: MarginalOptions): PriceResponse {
  const localBits = opts.local === 'none' ? 0
    : opts.local === 'max' ? (nu >= inst.user.kappa * inst.user.cyclesPerBit * inst.user.fmaxHz ** 2 ? localCapBits(inst) : 0)
    : localBitsAtPrice(inst, nu);
  const helpers = inst.helpers.map((_, k) => respond(inst, k, nu, omega, opts.fixedMaxCpu));
  return { localBits, helpers, total: localBits + helpers.reduce((a, h) => a + h.bits, 0) };
}

/** Bisection on ν for a fixed ω; the answer is taken on the side where Σ bits ≥ L and trimmed to L. */
function solveForOmega(inst: Instance, omega: number, opts: MarginalOptions): MarginalOutcome {
  const L = inst.dataBits;
  let lo = 0;
  let hi = 1e-12;
  let top = respondAll(inst, hi, omega, opts);
  let below = opts.local === 'none' && inst.helpers.length === 0 ? 0 : -L;
  for (let i = 0; top.total < L; i++) {
    // saturated: doubling the price no longer buys bits (CPU caps, or budgets through θ)
    const stalled = i > 60 && top.total <= (below + L) * (1 + 1e-12);
    // ν = 2^30 pJ/bit is far above any sensible price: let P2 settle feasibility once, cheaply
    const beyond = i === 30 && L >= maxDataBits(inst, opts.local !== 'none').maxDataBits;
    if (stalled || beyond || i > 300) return { feasible: false, cause: `the helpers${opts.local === 'none' ? '' : ' and the user'} cannot process ${L} bits within ${inst.deadlineS} s` };
    below = top.total - L;
    lo = hi;
    hi *= 2;
    top = respondAll(inst, hi, omega, opts);
  }
  const flo = lo === 0 ? -L : below;
  const nu = illinois((x) => respondAll(inst, x, omega, opts).total - L, lo, hi, flo, top.total - L, 'nonnegative', 1e-15);
  if (nu !== hi) top = respondAll(inst, nu, omega, opts);
  hi = nu;
  const helperBits = top.helpers.reduce((a, h) => a + h.bits, 0);
  const cap = opts.local === 'none' ? 0 : opts.local === 'max' ? localCapBits(inst) : top.localBits;
  let localBits = Math.min(Math.max(L - helperBits, 0), cap);
  let helpers = top.helpers;
  if (helperBits > L - localBits && helperBits > 0) {
    // trimming bits only shortens every phase, so the scaled helpers stay feasible
    const scale = (L - localBits) / helperBits;
    helpers = helpers.map((h) => ({ ...h, bits: h.bits * scale, offloadTimeS: h.offloadTimeS * scale,
      computeTimeS: h.computeTimeS * scale, downloadTimeS: h.downloadTimeS * scale }));
  }
  if (localBits + helpers.reduce((a, h) => a + h.bits, 0) < L * (1 - 1e-12)) localBits = L - helpers.reduce((a, h) => a + h.bits, 0);
  const localCpuHz = opts.local === 'max' ? (localBits > 0 ? inst.user.fmaxHz : 0) : (inst.user.cyclesPerBit * localBits) / inst.deadlineS;
  const localJ = opts.local === 'max' ? inst.user.kappa * inst.user.cyclesPerBit * localBits * inst.user.fmaxHz ** 2 : localEnergyJ(inst, localBits);
  const energyJ = localJ + helpers.reduce((a, h, k) =>
    a + offloadEnergy(h) + inst.helpers[k].kappa * inst.helpers[k].cyclesPerBit * h.bits * h.cpuHz ** 2 + downloadEnergy(h), 0);
  return { feasible: true, allocation: { localBits, localCpuHz, helpers, nu: hi, omega, energyJ } };
}

const userOffloadEnergy = (a: Allocation): number => a.helpers.reduce((s, h) => s + offloadEnergy(h), 0);

/** Solves P1.1 (or its FO/FF restriction) exactly; infeasible when L exceeds what the budgets allow. */
export function solveMarginal(inst: Instance, opts: MarginalOptions): MarginalOutcome {
  const free = solveForOmega(inst, 0, opts);
  if (!free.feasible) return free;
  const budget = inst.user.budgetJ;
  if (userOffloadEnergy(free.allocation) <= budget) return free;
  // the budget binds; past P2's L_max no price ω can make it hold, so settle feasibility first
  const cap = maxDataBits(inst, opts.local !== 'none').maxDataBits;
  if (inst.dataBits >= cap) {
    return { feasible: false, cause: `the user's transmit-energy budget of ${budget} J limits the task to ${cap.toFixed(0)} bits (P2)` };
  }
  // the user's budget binds: Σ E_{k,1} decreases in ω (a supergradient of the concave dual in ω)
  let lo = 0;
  let hi = 1;
  let top: MarginalOutcome = solveForOmega(inst, hi, opts);
  for (let i = 0; !top.feasible || userOffloadEnergy(top.allocation) > budget; i++) {
    if (!top.feasible || i > 80) {
      return { feasible: false, cause: `the user's transmit-energy budget of ${budget} J cannot offload enough of ${inst.dataBits} bits` };
    }
    lo = hi;
    hi *= 2;
    top = solveForOmega(inst, hi, opts);
  }
  const excess = (omega: number) => {
    const r = solveForOmega(inst, omega, opts);
    return r.feasible ? userOffloadEnergy(r.allocation) - budget : Infinity;
  };
  const flo = lo === 0 ? userOffloadEnergy(free.allocation) - budget : excess(lo);
  const omega = illinois(excess, lo, hi, flo, userOffloadEnergy(top.allocation) - budget, 'nonpositive', 1e-13);
  const r = solveForOmega(inst, omega, opts);
  if (r.feasible) top = r;
  return top;
}
