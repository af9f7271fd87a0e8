import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { MBS } from '../physics.ts';
import { emptyPlan, solveByGroup } from './simple.ts';

/** Baseline: every task uploads all its bits to its group's MBS (no repair). */
export const allMbs: Algorithm<Scenario, Result> = {
  name: 'all-mbs',
  description: 'baseline: every task uploads everything to the MBS',
  solve: (scenario) => solveByGroup(scenario, 'all-mbs', (g) => emptyPlan(g.n, MBS), false),
};
