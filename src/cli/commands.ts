import type { Command } from 'commander';
import { systems, getSystem, systemOf } from '../systems.ts';
import { solveOptionFlags, type SolveOptions, type SystemDefinition } from '../core/system.ts';
import { resolveSolver } from '../api/resolve.ts';
import { runSolver, type RunOptions } from '../api/run.ts';
import { InvalidResultError } from '../api/errors.ts';
import { DEFAULT_TIME_LIMIT_MS } from '../api/exec.ts';
import { InputError } from '../core/errors.ts';
import { readDocument, toJson, writeFileAtomic } from '../core/io.ts';
import { parseNumberFlag } from './parse.ts';
import { addRedisOptions, redisOptions, reportingDistributedFailure, type RedisFlags } from './worker.ts';
import { distributedSolver } from '../distributed/solver.ts';

/** Writes a document to a file (atomically) or to stdout. */
export function emit(text: string, outPath?: string): void {
  if (outPath) writeFileAtomic(outPath, text);
  else process.stdout.write(text);
}

export function loadScenario(path: string): { system: SystemDefinition; scenario: unknown } {
  const raw = readDocument(path);
  const system = systemOf(raw, path);
  return { system, scenario: system.parseScenario(raw) };
}

export interface SolveFlags extends RedisFlags {
  algorithm?: string;
  json?: boolean;
  out?: string;
  bound?: boolean;
  workers?: string;
  timeBudgetMs?: string;
  timeLimitMs?: string;
}

/**
 * `mec solve` (and `demo`, and the `three-tier-solve` alias): any solver through the one
 * pipeline of src/api/run.ts. A result the checker rejects is never printed as a plan: its
 * issues go to stderr and the exit code is 1.
 */
export async function solveAndReport(system: SystemDefinition, scenario: unknown, flags: SolveFlags): Promise<void> {
  const options: RunOptions = {
    ...(flags.bound ? { bound: true } : {}),
    ...(flags.workers !== undefined ? { workers: parseNumberFlag('workers', flags.workers, 'int') } : {}),
    ...(flags.timeBudgetMs !== undefined ? { timeBudgetMs: parseNumberFlag('time-budget-ms', flags.timeBudgetMs) } : {}),
  };
  const timeLimitMs = flags.timeLimitMs !== undefined ? parseNumberFlag('time-limit-ms', flags.timeLimitMs) : undefined;
  if (timeLimitMs !== undefined && !(timeLimitMs > 0)) throw new InputError('must be > 0', '--time-limit-ms');
  const solver = distributedSolver(system, await resolveSolver(system, flags.algorithm, { timeLimitMs }), redisOptions(flags));
  const { result, report, notes } = await reportingDistributedFailure(() => runSolver(system, solver, scenario, options));
  for (const note of notes) process.stderr.write(`note: ${note}\n`);
  if (!report.ok) throw new InvalidResultError(solver.name, report);
  if (flags.json) emit(toJson(result), flags.out);
  else {
    emit(system.formatResult(scenario, result) + '\n', flags.out);
    process.stderr.write('verify: every constraint holds (independent recomputation)\n');
  }
}

/** The options `solve` and its aliases share. */
export function withSolveOptions(cmd: Command): Command {
  return addRedisOptions(cmd)
    .option('-a, --algorithm <name>', "algorithm (see `mec algorithms`), exec:<program> (scenario JSON on stdin, result JSON on stdout) or a JS/TS module path; default: the system's main one")
    .option('--bound', "also compute the system's proved lower bound and report it as lowerBound")
    .option('--workers <n>', 'worker threads, for algorithms with a worker-pool path (three-tier admm)')
    .option('--time-budget-ms <n>', 'stop improving after this wall time, for algorithms that honour a budget')
    .option('--time-limit-ms <n>', `hard wall-time limit of an exec: solver, which is then stopped (default ${DEFAULT_TIME_LIMIT_MS})`)
    .option('--json', 'print exactly one JSON result document on stdout')
    .option('-o, --out <file>', 'write the output to a file instead of stdout');
}

export function registerCoreCommands(program: Command): void {
  const generate = program.command('generate').description("write a system's default random scenario (the paper's setting), reproducible from --seed");
  for (const system of systems) {
    const cmd = generate.command(system.name).description(system.summary)
      .option('--seed <n>', 'seed of the one random generator', '1')
      .option('-o, --out <file>', 'write to a file instead of stdout');
    for (const opt of system.generateOptions) cmd.option(`--${opt.flag} <${opt.type === 'string' ? 'value' : 'n'}>`, opt.description, String(opt.default));
    cmd.action((flags: Record<string, string>) => {
      const options: Record<string, number | string> = { seed: parseNumberFlag('seed', flags.seed, 'int') };
      for (const opt of system.generateOptions) {
        const key = opt.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
        options[opt.flag] = opt.type === 'string' ? flags[key] : parseNumberFlag(opt.flag, flags[key], opt.type);
      }
      const scenario = system.generate(options);
      system.parseScenario(JSON.parse(JSON.stringify(scenario))); // a generated scenario must pass its own validation
      emit(toJson(scenario), flags.out);
    });
  }

  withSolveOptions(program.command('solve').description('solve a scenario file (JSON or YAML) and check the result; a table, or with --json one result document')
    .argument('<scenario>', 'scenario file'))
    .action(async (path: string, flags: SolveFlags) => {
      const { system, scenario } = loadScenario(path);
      await solveAndReport(system, scenario, flags);
    });

  program.command('verify').description('recompute every latency, energy and constraint of a result from its scenario; exit 1 if any fails')
    .argument('<scenario>', 'scenario file').argument('<result>', 'result file (from `mec solve --json`)')
    .option('--json', 'print the report as JSON')
    .action((scenarioPath: string, resultPath: string, flags: { json?: boolean }) => {
      const { system, scenario } = loadScenario(scenarioPath);
      const rawResult = readDocument(resultPath);
      const resultSystem = systemOf(rawResult, resultPath);
      if (resultSystem !== system) throw new InputError(`result is for ${resultSystem.name}, scenario for ${system.name}`, `${resultPath} system`);
      const result = system.parseResult(rawResult);
      const report = system.verify(scenario, result);
      if (flags.json) process.stdout.write(toJson(report));
      else {
        for (const i of report.issues) process.stdout.write(`FAIL ${i.task ?? '-'} ${i.constraint}: ${i.message}\n`);
        const objective = Object.entries(report.recomputed).map(([k, v]) => `${k}=${Number(v.toPrecision(8))}`).join(' ');
        process.stdout.write(report.ok ? `OK: every constraint holds; recomputed ${objective}\n` : `${report.issues.length} issue(s); recomputed ${objective}\n`);
      }
      if (!report.ok) process.exitCode = 1;
    });

  program.command('algorithms').description('list algorithms with one line each')
    .argument('[system]', 'only this system')
    .action((name?: string) => {
      for (const system of name ? [getSystem(name)] : systems) {
        process.stdout.write(`${system.name}: ${system.summary}\n`);
        const width = Math.max(...system.algorithms.map((a) => a.name.length));
        for (const a of system.algorithms) {
          const flags = (Object.keys(a.supports ?? {}) as (keyof SolveOptions)[]).map((k) => solveOptionFlags[k]);
          process.stdout.write(`  ${a.name.padEnd(width)}  ${a.description}${a.name === system.defaultAlgorithm ? ' (default)' : ''}${flags.length ? ` [${flags.join(', ')}]` : ''}\n`);
        }
      }
    });

  program.command('demo').description("generate a system's default scenario, solve it with its main algorithm and print the plan")
    .option('--system <name>', 'system', 'cnn-coop')
    .option('--seed <n>', 'seed', '1')
    .option('-a, --algorithm <name>', 'algorithm')
    .action(async (flags: { system: string; seed: string; algorithm?: string }) => {
      const system = getSystem(flags.system);
      const options: Record<string, number | string> = { seed: parseNumberFlag('seed', flags.seed, 'int') };
      for (const opt of system.generateOptions) options[opt.flag] = opt.default;
      const scenario = system.generate(options);
      process.stderr.write(`${system.name}: default scenario, seed ${options.seed} (${system.generateOptions.map((o) => `${o.flag}=${o.default}`).join(', ')})\n`);
      await solveAndReport(system, scenario, { algorithm: flags.algorithm });
    });
}
