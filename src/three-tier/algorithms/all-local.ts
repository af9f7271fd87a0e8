import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { LOCAL } from '../physics.ts';
import { emptyPlan, solveByGroup } from './simple.ts';

/** Baseline: every task on its own device (no repair: a deadline it cannot meet is reported). */
export const allLocal: Algorithm<Scenario, Result> = {
  name: 'all-local',
  description: 'baseline: every task computes on its own device',
  solve: (scenario) => solveByGroup(scenario, 'all-local', (g) => emptyPlan(g.n, LOCAL), false),
};
