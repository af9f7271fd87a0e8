import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { solveVariant } from '../variant.ts';

/** FO (specs §8): full offloading, ℓ_u = 0; partition, times, powers and frequencies optimised. */
export const fo: Algorithm<Scenario, Result> = {
  name: 'fo',
  description: 'benchmark FO: every bit offloaded to the helpers, everything else optimised',
  solve: (s) => solveVariant(s, 'fo', { local: 'none', fixedMaxCpu: false }),
};
