import type { Command } from 'commander';
import { systems, getSystem, systemOf } from '../systems.ts';
import { findAlgorithm, runAlgorithm, type SystemDefinition } from '../core/system.ts';
import { InputError } from '../core/errors.ts';
import { readDocument, toJson, writeFileAtomic } from '../core/io.ts';
import { parseNumberFlag } from './parse.ts';

/** Writes a document to a file (atomically) or to stdout. */
function emit(text: string, outPath?: string): void {
  if (outPath) writeFileAtomic(outPath, text);
  else process.stdout.write(text);
}

function loadScenario(path: string): { system: SystemDefinition; scenario: unknown } {
  const raw = readDocument(path);
  const system = systemOf(raw, path);
  return { system, scenario: system.parseScenario(raw) };
}

function solveAndReport(system: SystemDefinition, scenario: unknown, algorithmName: string | undefined, json: boolean, out?: string): number {
  const name = algorithmName ?? system.defaultAlgorithm;
  const algorithm = findAlgorithm(system, name);
  if (!algorithm) {
    throw new InputError(`unknown algorithm "${name}" for ${system.name} (known: ${system.algorithms.map((a) => a.name).join(', ')})`, '--algorithm');
  }
  if (algorithm.smallOnly && algorithm.smallOnly.sizeOf(scenario) > algorithm.smallOnly.maxSize) {
    throw new InputError(`"${name}" is for small instances (size ${algorithm.smallOnly.sizeOf(scenario)} > ${algorithm.smallOnly.maxSize})`, '--algorithm');
  }
  const result = runAlgorithm(algorithm, scenario);
  const report = system.verify(scenario, result);
  if (json) emit(toJson(result), out);
  else {
    emit(system.formatResult(scenario, result) + '\n', out);
    process.stderr.write(report.ok ? 'verify: every constraint holds (independent recomputation)\n'
      : `verify: ${report.issues.length} issue(s):\n${report.issues.map((i) => `  ${i.task ?? ''} ${i.constraint}: ${i.message}`).join('\n')}\n`);
  }
  return 0;
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

  program.command('solve').description('solve a scenario file (JSON or YAML); a table, or with --json one result document')
    .argument('<scenario>', 'scenario file')
    .option('-a, --algorithm <name>', "algorithm (see `mec algorithms`); default: the system's main one")
    .option('--json', 'print exactly one JSON result document on stdout')
    .option('-o, --out <file>', 'write the output to a file instead of stdout')
    .action((path: string, flags: { algorithm?: string; json?: boolean; out?: string }) => {
      const { system, scenario } = loadScenario(path);
      solveAndReport(system, scenario, flags.algorithm, !!flags.json, flags.out);
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
          process.stdout.write(`  ${a.name.padEnd(width)}  ${a.description}${a.name === system.defaultAlgorithm ? ' (default)' : ''}\n`);
        }
      }
    });

  program.command('demo').description("generate a system's default scenario, solve it with its main algorithm and print the plan")
    .option('--system <name>', 'system', 'cnn-coop')
    .option('--seed <n>', 'seed', '1')
    .option('-a, --algorithm <name>', 'algorithm')
    .action((flags: { system: string; seed: string; algorithm?: string }) => {
      const system = getSystem(flags.system);
      const options: Record<string, number | string> = { seed: parseNumberFlag('seed', flags.seed, 'int') };
      for (const opt of system.generateOptions) options[opt.flag] = opt.default;
      const scenario = system.generate(options);
      process.stderr.write(`${system.name}: default scenario, seed ${options.seed} (${system.generateOptions.map((o) => `${o.flag}=${o.default}`).join(', ')})\n`);
      solveAndReport(system, scenario, flags.algorithm, false);
    });
}
