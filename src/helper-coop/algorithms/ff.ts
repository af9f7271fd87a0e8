import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { solveVariant } from '../variant.ts';

/**
 * FF (specs §8, [20]-style): every CPU at its maximum frequency, finishing early; partition, times
 * and powers optimised. The literal "(3) with equality" could force ℓ_u > L, so the sound reading
 * (the spec's) is f = f^max with ℓ_u ≤ f_u^max·T/c_u.
 */
export const ff: Algorithm<Scenario, Result> = {
  name: 'ff',
  description: 'benchmark FF: user and helpers compute at maximum frequency; partition, times and powers optimised',
  solve: (s) => solveVariant(s, 'ff', { local: 'max', fixedMaxCpu: true }),
};
