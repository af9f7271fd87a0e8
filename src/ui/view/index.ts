import type { SystemDefinition, VerifyReport } from '../../core/system.ts';
import { InputError } from '../../core/errors.ts';
import type { PlanView } from './types.ts';
import { cnnCoopView } from './cnn-coop.ts';
import { helperCoopView } from './helper-coop.ts';
import { threeTierView } from './three-tier.ts';

/** One view builder per system, keyed by the system's name. */
const builders: Record<string, (scenario: any, result: any, report: VerifyReport) => PlanView> = {
  'cnn-coop': cnnCoopView,
  'helper-coop': helperCoopView,
  'three-tier': threeTierView,
};

export function planView(system: SystemDefinition, scenario: unknown, result: unknown, report: VerifyReport): PlanView {
  const build = builders[system.name];
  if (!build) throw new InputError(`the dashboard has no view for "${system.name}"`, 'system');
  return build(scenario, result, report);
}

export const viewSystems = (): string[] => Object.keys(builders);
