import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { LOCAL, MBS } from '../physics.ts';
import { emptyPlan, solveByGroup } from './simple.ts';

/**
 * Baseline: every task sends all its bits to the SBS with the strongest channel (no split);
 * tasks whose deadline that misses move to local or MBS (the shared repair rule). A group
 * without SBSs sends everything to the MBS.
 */
export const nearestSbs: Algorithm<Scenario, Result> = {
  name: 'nearest-sbs',
  description: 'baseline: all bits to the strongest-channel SBS, no splitting (deadline misses repaired)',
  solve: (scenario) => solveByGroup(scenario, 'nearest-sbs', (g) => {
    const plan = emptyPlan(g.n, g.S === 0 ? MBS : LOCAL);
    for (let j = 0; j < g.n && g.S > 0; j++) {
      let best = 0;
      for (let i = 1; i < g.S; i++) if (g.gain[j * g.S + i] > g.gain[j * g.S + best]) best = i;
      plan.place[j] = best;
    }
    return plan;
  }, true),
};
