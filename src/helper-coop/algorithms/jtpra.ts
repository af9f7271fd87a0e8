import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { solveVariant } from '../variant.ts';

/**
 * JTPRA solved directly (specs §7): nested monotone bisections on the prices ω, ν, θ_k, η_k with
 * the closed forms of eqs. (31)–(34). Exact up to rounding; its lower bound is the dual function
 * g(z) of eq. (28) at the multipliers it finds, so the reported gap is a proof of optimality.
 */
export const jtpra: Algorithm<Scenario, Result> = {
  name: 'jtpra',
  description: 'JTPRA optimum by the direct exact method (equal marginal cost, nested bisection); proves its gap with g(z)',
  solve: (s) => solveVariant(s, 'jtpra', { local: 'optimal', fixedMaxCpu: false }),
};
