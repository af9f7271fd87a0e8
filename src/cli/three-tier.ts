import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { loadScenario, solveAndReport, withSolveOptions, type SolveFlags } from './commands.ts';

/**
 * `mec three-tier-solve`: kept as an alias of `mec solve --algorithm admm --workers 2` for
 * scripts written before `solve` took --bound and --workers for every system.
 */
export function registerThreeTierCommands(program: Command): void {
  withSolveOptions(program.command('three-tier-solve').description('alias of `mec solve` on a three-tier scenario with --algorithm admm --workers 2 by default')
    .argument('<scenario>', 'scenario file'))
    .action(async (path: string, flags: SolveFlags) => {
      const { system, scenario } = loadScenario(path);
      if (system.name !== 'three-tier') throw new InputError(`three-tier-solve takes a three-tier scenario, this one is ${system.name} (use mec solve)`, `${path} system`);
      await solveAndReport(system, scenario, { ...flags, algorithm: flags.algorithm ?? 'admm', workers: flags.workers ?? '2' });
    });
}
