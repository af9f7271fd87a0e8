import { type Instance, localBitsAtPrice, localEnergyJ } from './physics.ts';

/**
 * The dual function of P1.1 (specs §6, eqs. 20–29): with (18a)–(18d) and the partition dualised,
 * the Lagrangian splits into one local and K helper subproblems, each solved in closed form.
 * Multipliers are in SI units (λ, μ, ν in J/bit).
 */
export interface DualVector {
  lambda: ArrayLike<number>;
  mu: ArrayLike<number>;
  omega: number;
  nu: number;
  theta: ArrayLike<number>;
}

export interface HelperSubproblem {
  /** ρ*_{k,1}, ρ*_{k,2}: the powers minimising A_k and C_k (eq. 23). */
  rho1W: number;
  rho2W: number;
  /** f*_k (eq. 24). */
  fHz: number;
  /** A*, B*, C*: per-second Lagrangian of phases I, II, III at the minimisers (eq. 25). */
  a: number;
  b: number;
  c: number;
  /** The phase given the whole block by the tie-break of eq. (26): 0, 1, 2, or -1 for none. */
  phase: number;
}

export interface DualEvaluation {
  /** g(z), a lower bound on the optimal energy for any z in Ψ (weak duality). */
  value: number;
  localBits: number;
  helpers: HelperSubproblem[];
  /** A supergradient of g at z (eq. 29), in the same layout as z. */
  gradLambda: Float64Array;
  gradMu: Float64Array;
  gradOmega: number;
  gradNu: number;
  gradTheta: Float64Array;
}

const log2p = (x: number): number => Math.log1p(x) / Math.LN2;

export function helperSubproblem(inst: Instance, k: number, z: DualVector): HelperSubproblem {
  const h = inst.helpers[k];
  const B = inst.bandwidthHz;
  const lambda = z.lambda[k];
  const mu = z.mu[k];
  const w1 = 1 + z.omega;
  const w3 = 1 + z.theta[k];
  const rho1W = Math.max((lambda * B) / (w1 * Math.LN2) - h.n1W, 0);
  const rho2W = Math.max((mu * B) / (w3 * Math.LN2) - h.n3W, 0);
  const a = w1 * rho1W - lambda * B * log2p(rho1W / h.n1W);
  const c = w3 * rho2W - mu * B * log2p(rho2W / h.n3W);
  const d = z.nu - lambda - inst.alpha * mu;
  const fHz = Math.min(Math.sqrt(Math.max(d, 0) / (3 * h.kappa * h.cyclesPerBit)), h.fmaxHz);
  const b = h.kappa * fHz ** 3 - (d * fHz) / h.cyclesPerBit;
  const m = Math.min(a, b, c);
  const phase = m >= 0 ? -1 : m === a ? 0 : m === b ? 1 : 2;
  return { rho1W, rho2W, fHz, a, b, c, phase };
}

export function evaluateDual(inst: Instance, z: DualVector): DualEvaluation {
  const T = inst.deadlineS;
  const K = inst.helpers.length;
  const B = inst.bandwidthHz;
  const localBits = localBitsAtPrice(inst, z.nu);
  let value = z.nu * inst.dataBits - z.omega * inst.user.budgetJ + localEnergyJ(inst, localBits) - z.nu * localBits;
  const gradLambda = new Float64Array(K);
  const gradMu = new Float64Array(K);
  const gradTheta = new Float64Array(K);
  let offloadEnergy = 0;
  let bits = localBits;
  const helpers = inst.helpers.map((h, k) => {
    const s = helperSubproblem(inst, k, z);
    value += T * Math.min(s.a, s.b, s.c, 0) - z.theta[k] * h.budgetJ;
    const tau1 = s.phase === 0 ? T : 0;
    const tau2 = s.phase === 1 ? T : 0;
    const tau3 = s.phase === 2 ? T : 0;
    const lk = (s.fHz * tau2) / h.cyclesPerBit;
    bits += lk;
    gradLambda[k] = lk - tau1 * B * log2p(s.rho1W / h.n1W);
    gradMu[k] = inst.alpha * lk - tau3 * B * log2p(s.rho2W / h.n3W);
    offloadEnergy += s.rho1W * tau1;
    gradTheta[k] = s.rho2W * tau3 - h.budgetJ;
    return s;
  });
  return {
    value, localBits, helpers, gradLambda, gradMu, gradTheta,
    gradOmega: offloadEnergy - inst.user.budgetJ,
    gradNu: inst.dataBits - bits,
  };
}
