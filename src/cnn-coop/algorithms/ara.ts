import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { solvePaVariant } from './pa.ts';

/** ARA: PA's offloading and layers, every server's resources split equally among its tasks. */
export const ara: Algorithm<Scenario, Result> = {
  name: 'ara',
  description: "PA's offloading with equal shares among a server's tasks",
  solve: (s) => solvePaVariant(s, { name: 'ara', shares: 'equal' }),
};
