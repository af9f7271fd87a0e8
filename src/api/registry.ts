import { InputError } from '../core/errors.ts';
import { getSystem } from '../systems.ts';
import { isModuleSpec, isUserAlgorithm, type UserAlgorithm } from './module.ts';

/**
 * Algorithms registered through the library API (`registerAlgorithm`). Kept apart from the
 * systems' own lists, which stay the toolkit's trusted algorithms.
 */
const registered = new Map<string, UserAlgorithm[]>();

export function registerAlgorithm(algorithm: UserAlgorithm): void {
  if (!isUserAlgorithm(algorithm)) throw new InputError('an algorithm needs { system, name, solve }', 'algorithm');
  const system = getSystem(algorithm.system);
  const name = algorithm.name;
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name) || isModuleSpec(name)) {
    throw new InputError(`"${name}" is not a valid algorithm name (letters, digits, . _ -; not a path)`, 'algorithm.name');
  }
  if (system.algorithms.some((a) => a.name === name) || registeredFor(system.name).some((a) => a.name === name)) {
    throw new InputError(`${system.name} already has an algorithm "${name}"`, 'algorithm.name');
  }
  registered.set(system.name, [...registeredFor(system.name), algorithm]);
}

/** Removes a registered algorithm; true when there was one. */
export function unregisterAlgorithm(system: string, name: string): boolean {
  const list = registeredFor(system);
  registered.set(system, list.filter((a) => a.name !== name));
  return list.some((a) => a.name === name);
}

export function registeredFor(system: string): UserAlgorithm[] {
  return registered.get(system) ?? [];
}
