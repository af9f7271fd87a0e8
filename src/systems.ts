import type { SystemDefinition } from './core/system.ts';
import { InputError } from './core/errors.ts';
import { cnnCoop } from './cnn-coop/system.ts';
import { threeTier } from './three-tier/system.ts';
import { helperCoop } from './helper-coop/system.ts';

/** Every system family the toolkit knows; the CLI, tests and benchmarks iterate over this list. */
export const systems: SystemDefinition[] = [cnnCoop, threeTier, helperCoop];

export function getSystem(name: string): SystemDefinition {
  const system = systems.find((s) => s.name === name);
  if (!system) throw new InputError(`unknown system "${name}" (known: ${systems.map((s) => s.name).join(', ')})`, 'system');
  return system;
}

/** The system a scenario or result document declares in its `system` field. */
export function systemOf(doc: unknown, where: string): SystemDefinition {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InputError('expected a JSON object', where);
  const name = (doc as Record<string, unknown>).system;
  if (typeof name !== 'string') throw new InputError('missing field "system" (one of ' + systems.map((s) => s.name).join(', ') + ')', `${where} system`);
  return getSystem(name);
}
