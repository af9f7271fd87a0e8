import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { solvePaVariant } from './pa.ts';

/** RLT-0: PA's offloading and layers, shares read off the RLT solution (α = 1/ι - ε, renormalised per server). */
export const rlt0: Algorithm<Scenario, Result> = {
  name: 'rlt-0',
  description: "PA's offloading with the shares read from the RLT relaxation (no stage 3)",
  solve: (s) => solvePaVariant(s, { name: 'rlt-0', shares: 'rlt' }),
};
