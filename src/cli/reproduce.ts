import type { Command } from 'commander';
import { systems, getSystem } from '../systems.ts';
import { InputError } from '../core/errors.ts';
import { parseNumberFlag } from './parse.ts';
import type { FigureDefinition, SystemDefinition } from '../core/system.ts';
import { addRedisOptions, redisOptions, reportingDistributedFailure, type RedisFlags } from './worker.ts';

export function registerReproduceCommand(program: Command): void {
  const cmd = program.command('reproduce')
    .description("regenerate a paper figure as data (CSV) and plots (SVG, PNG): `reproduce cnn-coop fig4`, `reproduce cnn-coop all`, `reproduce all`")
    .argument('<system|all>', 'system name, or all for every figure of every system')
    .argument('[figures...]', 'figure ids (e.g. fig4), or all (default)')
    .option('--quick', 'few runs on fewer points (a smoke run)')
    .option('--runs <n>', 'Monte Carlo runs a point (default: the figure\'s own)')
    .option('--seed <n>', 'base seed', '1')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--out <dir>', 'output folder', 'figures');
  addRedisOptions(cmd)
    .action(async (systemArg: string, figureArgs: string[], flags: { quick?: boolean; runs?: string; seed: string; workers?: string; out: string } & RedisFlags) => {
      const chosen: Array<[SystemDefinition, FigureDefinition]> = [];
      const targets = systemArg === 'all' ? systems : [getSystem(systemArg)];
      for (const system of targets) {
        const wanted = figureArgs.length === 0 || figureArgs.includes('all') ? system.figures.map((f) => f.id) : figureArgs;
        for (const id of wanted) {
          const fig = system.figures.find((f) => f.id === id);
          if (!fig) throw new InputError(`unknown figure "${id}" for ${system.name} (known: ${system.figures.map((f) => f.id).join(', ')})`, 'figure');
          chosen.push([system, fig]);
        }
      }
      const runs = flags.runs === undefined ? undefined : parseNumberFlag('runs', flags.runs, 'int');
      if (runs !== undefined && runs < 1) throw new InputError('must be at least 1', '--runs');
      const workers = flags.workers === undefined ? undefined : parseNumberFlag('workers', flags.workers, 'int');
      // Loaded here: the plotting stack (vega, resvg) is heavy and only this command needs it.
      const { reproduceFigure } = await import('../core/reproduce.ts');
      const seed = parseNumberFlag('seed', flags.seed, 'int');
      const distributed = redisOptions(flags);
      // With --redis every sample of every chosen figure goes to the workers as one batch, then
      // each figure is assembled from the returned samples exactly as a local run assembles it.
      const runnerFor = distributed && await reportingDistributedFailure(async () =>
        (await import('../distributed/reproduce.ts')).distributedSampleRunner(chosen, { quick: flags.quick, runs, seed }, distributed));
      for (const [system, fig] of chosen) {
        const out = await reproduceFigure(system.name, fig, { quick: flags.quick, runs, seed, workers, outDir: flags.out,
          ...(runnerFor ? { runSamples: runnerFor, progress: false } : {}) });
        process.stdout.write(`\n${system.name} ${fig.id}: ${fig.title} (${out.runs} runs a point)\n`);
        for (const c of out.claims) process.stdout.write(`  [${c.holds ? 'holds' : 'FAILS'}] ${c.claim}: ${c.detail}\n`);
        process.stdout.write(`  wrote ${out.files.join(', ')}\n`);
      }
    });
}
