import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { toInstance, localBitsAtPrice, localCapBits } from '../physics.ts';
import { evaluateDual, type DualVector } from '../dual.ts';
import { respond, offloadEnergy } from '../marginal.ts';
import { maxDataBits } from '../feasibility.ts';
import { ellipsoidMaximise } from '../ellipsoid.ts';
import { infeasibleResult } from '../result.ts';
import { dualMethodResult, initialRadius, recoverPrimal } from './jtpra-dual.ts';

/**
 * JTPRA by dual decomposition: the dual function g(λ, μ, ω, ν, θ) of eq. (28) separates into
 * helper blocks coupled only through ν (the bit price) and ω (the user's budget price). For given
 * (ν, ω) each helper's block (λ_k, μ_k, θ_k) is maximised in closed form (the time-price equation
 * m_k(η) = ν of specs §7, whose solution gives λ_k, μ_k and θ_k), so the ellipsoid method only has
 * to run over the two coupling prices. G(ν, ω) = max over the blocks is concave, with supergradient
 * (L − ℓ_u − Σℓ_k, Σ E_{k,1} − E_u^max) by Danskin's theorem; the primal comes from LP (30) as in
 * jtpra-dual. Same optimum, but O(K) work per ellipsoid step instead of O(K²) and a constant
 * number of steps, so it scales to hundreds of helpers.
 */
const PER_MBIT = 1e-6;

export function solveJtpraDd(s: Scenario): Result {
  const inst = toInstance(s);
  if (inst.dataBits > localCapBits(inst)) {
    const cap = maxDataBits(inst);
    if (inst.dataBits >= cap.maxDataBits) {
      return infeasibleResult('jtpra-dd', [`P2: the largest data size this system supports within ${inst.deadlineS} s is ${cap.maxDataBits.toFixed(0)} bits`], cap.maxDataBits);
    }
  }
  const multipliers = (nu: number, omega: number): { z: DualVector; bits: number; offload: number } => {
    const ops = inst.helpers.map((_, k) => respond(inst, k, nu, omega, false));
    return {
      z: { lambda: ops.map((o) => o.lambda), mu: ops.map((o) => o.mu), omega, nu, theta: ops.map((o) => o.theta) },
      bits: localBitsAtPrice(inst, nu) + ops.reduce((a, o) => a + o.bits, 0),
      offload: ops.reduce((a, o) => a + offloadEnergy(o), 0),
    };
  };
  // z = (ν in J/Mbit, ω); ν is free, ω ≥ 0
  const oracle = (z: Float64Array, grad: Float64Array): number => {
    const m = multipliers(z[0] * PER_MBIT, z[1]);
    grad[0] = (inst.dataBits - m.bits) * PER_MBIT;
    grad[1] = m.offload - inst.user.budgetJ;
    return evaluateDual(inst, m.z).value;
  };
  let out = ellipsoidMaximise(Float64Array.of(0.5, 0.5), initialRadius(inst), new Set([0]), oracle, { relTol: 1e-13, maxIterations: 5000 });
  let iterations = out.iterations;
  // ω* can leave the initial ball near L_max: grow it while the proved gap stays open
  for (let factor = 10; factor <= 1e4 && !(out.upper - out.value <= 1e-9 * Math.abs(out.value)); factor *= 10) {
    const retry = ellipsoidMaximise(Float64Array.of(0.5, 0.5), initialRadius(inst) * factor, new Set([0]), oracle, { relTol: 1e-13, maxIterations: 5000 });
    iterations += retry.iterations;
    if (retry.value > out.value) out = retry;
  }
  const z = multipliers(out.z[0] * PER_MBIT, out.z[1]).z;
  return dualMethodResult(s, inst, 'jtpra-dd', z, recoverPrimal(inst, z), out.value, iterations);
}

export const jtpraDd: Algorithm<Scenario, Result> = {
  name: 'jtpra-dd',
  description: 'JTPRA by dual decomposition: ellipsoid on the coupling prices (ν, ω), helper multipliers in closed form, recovery LP',
  solve: solveJtpraDd,
};
