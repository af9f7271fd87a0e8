import type { Command } from 'commander';
import { systems, getSystem, systemOf } from '../systems.ts';
import type { SystemDefinition } from '../core/system.ts';
import { InputError } from '../core/errors.ts';
import { readDocument, toJson, writeFileAtomic } from '../core/io.ts';
import { Progress } from '../core/progress.ts';
import { compare } from '../api/compare.ts';
import { casesCsv, compareSpec, formatCases, formatLeaderboard } from '../api/compare-format.ts';
import { parseNumberFlag } from './parse.ts';
import { addRedisOptions, redisOptions, reportingDistributedFailure, type RedisFlags } from './worker.ts';

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

interface CompareFlags {
  algorithms?: string;
  generate?: string;
  seeds?: string;
  timeBudgetMs?: string;
  timeLimitMs?: string;
  bound: boolean;
  format: string;
  cases?: boolean;
  out?: string;
  plot?: string;
  [generateFlag: string]: unknown;
}

/** The scenarios: files, or `--generate <system> --seeds N` with that system's generate flags. */
function scenariosOf(paths: string[], flags: CompareFlags): { label: string; scenario: unknown }[] {
  const given = generateFlags().filter((f) => flags[camel(f)] !== undefined);
  if (!flags.generate) {
    if (given.length) throw new InputError('only with --generate <system>', `--${given[0]}`);
    if (flags.seeds !== undefined) throw new InputError('only with --generate <system>', '--seeds');
    if (paths.length === 0) throw new InputError('give scenario files, or --generate <system> --seeds N', 'scenarios');
    return paths.map((path) => ({ label: path, scenario: readDocument(path) }));
  }
  if (paths.length) throw new InputError('give scenario files or --generate, not both', '--generate');
  const system = getSystem(flags.generate);
  const own = new Set(system.generateOptions.map((o) => o.flag));
  const foreign = given.find((f) => !own.has(f));
  if (foreign) throw new InputError(`not a ${system.name} option (its options: ${[...own].map((f) => `--${f}`).join(', ')})`, `--${foreign}`);
  const seeds = parseNumberFlag('seeds', flags.seeds ?? '5', 'int');
  if (seeds < 1) throw new InputError('must be at least 1', '--seeds');
  const options: Record<string, number | string> = {};
  for (const o of system.generateOptions) {
    const v = flags[camel(o.flag)] as string | undefined;
    options[o.flag] = v === undefined ? o.default : o.type === 'string' ? v : parseNumberFlag(o.flag, v, o.type);
  }
  return Array.from({ length: seeds }, (_, i) => ({ label: `seed ${i + 1}`, scenario: JSON.parse(JSON.stringify(system.generate({ ...options, seed: i + 1 }))) }));
}

/** Every generate flag of every system (a flag is refused later if it is not the chosen system's). */
function generateFlags(): string[] {
  return [...new Set(systems.flatMap((s) => s.generateOptions.map((o) => o.flag)))];
}

/** Default: the system's own algorithms, without the small-only ones the scenarios are too large for. */
function defaultAlgorithms(system: SystemDefinition, scenarios: unknown[]): string[] {
  const parsed = scenarios.map((s) => system.parseScenario(s));
  return system.algorithms.filter((a) => !a.smallOnly || parsed.every((s) => a.smallOnly!.sizeOf(s) <= a.smallOnly!.maxSize)).map((a) => a.name);
}

export function registerCompareCommand(program: Command): void {
  const cmd = program.command('compare').description('leaderboard of algorithms (built-in, exec:, modules) on the same scenarios: objective, gap to the proved bound, feasibility, time, checker verdict')
    .argument('[scenarios...]', 'scenario files (one system)')
    .option('-a, --algorithms <list>', "comma-separated: names, exec:<program>, module paths (default: the system's own algorithms)")
    .option('--generate <system>', 'generate the scenarios: seeds 1..N of the paper\'s default (with that system\'s generate flags)')
    .option('--seeds <n>', 'how many seeds with --generate (default 5)')
    .option('--time-budget-ms <n>', 'time budget for the algorithms that honour one')
    .option('--time-limit-ms <n>', 'hard limit of each exec: solver run (default 60000)')
    .option('--no-bound', 'skip the proved lower bound (no gap column)')
    .option('--format <format>', 'table, csv (one row per case) or json (cases and leaderboard)', 'table')
    .option('--cases', 'table: also one row per case')
    .option('-o, --out <file>', 'write the output to a file instead of stdout')
    .option('--plot <file>', 'also draw gap against time (.svg or .png; vega-lite)');
  for (const flag of generateFlags()) cmd.option(`--${flag} <value>`, `generate option (see \`mec generate <system> --help\`)`);
  addRedisOptions(cmd);
  cmd.action(async (paths: string[], flags: CompareFlags & RedisFlags) => {
    if (!['table', 'csv', 'json'].includes(flags.format)) throw new InputError(`expected table, csv or json, got "${flags.format}"`, '--format');
    if (flags.plot && !/\.(svg|png)$/i.test(flags.plot)) throw new InputError('must end in .svg or .png', '--plot');
    const scenarios = scenariosOf(paths, flags);
    const system = systemOf(scenarios[0].scenario, scenarios[0].label);
    const algorithms = flags.algorithms ? flags.algorithms.split(',').map((a) => a.trim()).filter(Boolean) : defaultAlgorithms(system, scenarios.map((s) => s.scenario));
    const timeBudgetMs = flags.timeBudgetMs !== undefined ? parseNumberFlag('time-budget-ms', flags.timeBudgetMs) : undefined;
    const timeLimitMs = flags.timeLimitMs !== undefined ? parseNumberFlag('time-limit-ms', flags.timeLimitMs) : undefined;
    if (timeBudgetMs !== undefined && !(timeBudgetMs > 0)) throw new InputError('must be > 0', '--time-budget-ms');
    if (timeLimitMs !== undefined && !(timeLimitMs > 0)) throw new InputError('must be > 0', '--time-limit-ms');
    const progress = new Progress(scenarios.length * algorithms.length, 'compare');
    const distributed = redisOptions(flags);
    const run = distributed
      ? await reportingDistributedFailure(async () => (await import('../distributed/compare.ts')).compareDistributed(scenarios, algorithms, { timeBudgetMs, timeLimitMs, bound: flags.bound }, distributed))
      : await compare(scenarios, algorithms, { timeBudgetMs, timeLimitMs, bound: flags.bound, onCase: () => progress.tick() });
    const text = flags.format === 'json' ? toJson(run) : flags.format === 'csv' ? casesCsv(run.cases)
      : `${formatLeaderboard(run, system.objective?.name ?? 'objective')}\n${flags.cases ? `\n${formatCases(run.cases)}\n` : ''}`;
    if (flags.plot) {
      const { renderSvg, svgToPng } = await import('../core/plot.ts');
      const svg = await renderSvg(compareSpec(run));
      writeFileAtomic(flags.plot, /\.png$/i.test(flags.plot) ? svgToPng(svg) : svg);
    }
    if (flags.out) writeFileAtomic(flags.out, text); else process.stdout.write(text);
  });
}
