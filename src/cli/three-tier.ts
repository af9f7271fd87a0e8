import type { Command } from 'commander';
import { readDocument, toJson, writeFileAtomic } from '../core/io.ts';
import { InputError } from '../core/errors.ts';
import { parseScenario } from '../three-tier/model.ts';
import { threeTier } from '../three-tier/system.ts';
import { solveParallel } from '../three-tier/parallel/solve-parallel.ts';
import { lowerBound } from '../three-tier/algorithms/lower-bound.ts';
import { parseNumberFlag } from './parse.ts';
import { addRedisOptions, redisOptions, reportingDistributedFailure, type RedisFlags } from './worker.ts';

/** `mec three-tier-solve`: the three-tier ADMM on a worker pool (the registered `admm` runs in one thread). */
export function registerThreeTierCommands(program: Command): void {
  addRedisOptions(program.command('three-tier-solve')).description('solve a three-tier scenario with the parallel ADMM on a worker pool (same result as --algorithm admm)')
    .argument('<scenario>', 'scenario file')
    .option('--workers <n>', 'worker threads', '2')
    .option('--bound', 'also compute the certified lower bound (convex relaxation, Frank-Wolfe) and report it as lowerBound')
    .option('--json', 'print exactly one JSON result document on stdout')
    .option('-o, --out <file>', 'write the output to a file instead of stdout')
    .action(async (path: string, flags: { workers: string; bound?: boolean; json?: boolean; out?: string } & RedisFlags) => {
      const workers = parseNumberFlag('workers', flags.workers, 'int');
      if (workers < 1) throw new InputError('must be at least 1', '--workers');
      const scenario = parseScenario(readDocument(path));
      const t0 = performance.now();
      const distributed = redisOptions(flags);
      const result = distributed
        ? await reportingDistributedFailure(async () => (await (await import('../distributed/three-tier.ts')).solveThreeTierDistributed(scenario, distributed)).result)
        : await solveParallel(scenario, { workers });
      result.solveMs = performance.now() - t0;
      if (flags.bound) result.lowerBound = lowerBound(scenario);
      const report = threeTier.verify(scenario, result);
      const text = flags.json ? toJson(result) : threeTier.formatResult(scenario, result) + '\n';
      if (flags.out) writeFileAtomic(flags.out, text); else process.stdout.write(text);
      process.stderr.write(report.ok ? 'verify: every constraint holds (independent recomputation)\n' : `verify: ${report.issues.length} issue(s)\n`);
    });
}
