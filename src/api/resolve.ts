import type { ResultEnvelope, SystemDefinition } from '../core/system.ts';
import { InputError } from '../core/errors.ts';
import { algorithmSolver, type Solver } from './solver.ts';
import { execSolver, type ExecOptions } from './exec.ts';
import { isModuleSpec, moduleSolver, userAlgorithmSolver } from './module.ts';
import { registeredFor } from './registry.ts';

/**
 * The solver an `--algorithm` value names: `exec:<program>` (another process), a module path
 * (`./my-algo.ts`), a registered algorithm, or one of the system's own. Unknown names and
 * unusable paths are bad input naming --algorithm.
 */
export async function resolveSolver<S, R extends ResultEnvelope>(system: SystemDefinition<S, R>, spec: string | undefined, options: ExecOptions = {}): Promise<Solver<S, R>> {
  const name = spec ?? system.defaultAlgorithm;
  if (name.startsWith('exec:')) return execSolver(system, name, options);
  if (options.timeLimitMs !== undefined) throw new InputError('applies to exec: algorithms only (a process can be stopped, a function in this one cannot)', '--time-limit-ms');
  if (isModuleSpec(name)) return moduleSolver(system, name);
  const own = system.algorithms.find((a) => a.name === name);
  if (own) return algorithmSolver(own, true);
  const user = registeredFor(system.name).find((a) => a.name === name);
  if (user) return userAlgorithmSolver(system, user);
  const known = [...system.algorithms.map((a) => a.name), ...registeredFor(system.name).map((a) => a.name)];
  throw new InputError(`unknown algorithm "${name}" for ${system.name} (known: ${known.join(', ')}; or exec:<program>, or a module path)`, '--algorithm');
}
