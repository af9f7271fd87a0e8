import type { SystemDefinition } from '../core/system.ts';
import { parseResult, parseScenario, type Result, type Scenario } from './model.ts';
import { generateFromOptions, generateOptions } from './generate.ts';
import { formatResult } from './format.ts';
import { figures } from './experiments.ts';
import { verifyHelperCoop } from '../verify/helper-coop.ts';
import { jtpra } from './algorithms/jtpra.ts';
import { jtpraDual } from './algorithms/jtpra-dual.ts';
import { jtpraDd } from './algorithms/jtpra-dd.ts';
import { fo } from './algorithms/fo.ts';
import { ff } from './algorithms/ff.ts';
import { lcof, lcff } from './algorithms/local.ts';
import { jorcf } from './algorithms/jorcf.ts';

export const helperCoop: SystemDefinition<Scenario, Result> = {
  name: 'helper-coop',
  summary: 'one user and K idle helpers over OFDMA; task partition, powers, times and CPU frequencies; total energy (Xie et al. 2022, JTPRA)',
  parseScenario,
  parseResult,
  generateOptions,
  generate: generateFromOptions,
  algorithms: [jtpra, jtpraDual, jtpraDd, fo, ff, lcof, lcff, jorcf],
  defaultAlgorithm: 'jtpra',
  verify: verifyHelperCoop,
  // jtpra is exact and proves its optimum with the dual function g(z) of eq. (28); an instance it
  // finds infeasible has no plan, hence no finite bound
  lowerBound: (s) => jtpra.solve(s).lowerBound,
  objective: { name: 'energyJ', of: (r) => r.energyJ },
  formatResult,
  figures,
};
