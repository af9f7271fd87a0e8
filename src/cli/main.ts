import { Command, CommanderError } from 'commander';
import { InputError } from '../core/errors.ts';
import { InvalidResultError, SolverFailure, describeIssue } from '../api/errors.ts';
import { registerCoreCommands } from './commands.ts';
import { registerReproduceCommand } from './reproduce.ts';
import { registerControlCommands } from './control.ts';
import { registerProfilesCommand } from './profiles.ts';

/**
 * `mec`: the command line. Exit codes: 0 success, 1 a failed check (e.g. `verify` found a
 * violation) or an internal error, 2 bad input (the message names the field).
 */
const program = new Command('mec')
  .description('mec-offload: plan where mobile-edge-computing work runs, and how resources are shared.')
  .showHelpAfterError()
  .exitOverride();

registerCoreCommands(program);
registerReproduceCommand(program);
registerControlCommands(program);
registerProfilesCommand(program);
(await import('./three-tier.ts')).registerThreeTierCommands(program);
(await import('./compare.ts')).registerCompareCommand(program);
(await import('./worker.ts')).registerWorkerCommand(program);
(await import('./ui.ts')).registerUiCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help and version end with exit code 0; usage errors are bad input
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  if (err instanceof InputError) {
    process.stderr.write(`mec: error: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof SolverFailure) {
    process.stderr.write(`mec: error: ${err.message}\n`);
    process.exit(1);
  }
  if (err instanceof InvalidResultError) {
    // a rejected result is a failed check: exit 1, every issue listed, no plan written
    process.stderr.write(`mec: error: ${err.solver}: invalid result, rejected by the independent checker (${err.report.issues.length} issue(s)):\n`);
    for (const issue of err.report.issues.slice(0, 20)) process.stderr.write(`  ${describeIssue(issue)}\n`);
    if (err.report.issues.length > 20) process.stderr.write(`  ... ${err.report.issues.length - 20} more\n`);
    process.exit(1);
  }
  process.stderr.write(`mec: internal error: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
}

