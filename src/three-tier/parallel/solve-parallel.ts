import { Piscina } from 'piscina';
import type { Result, Scenario } from '../model.ts';
import { compile, paramsOf } from '../physics.ts';
import { type AdmmOptions, type GroupAdmmOutput, defaultAdmmOptions } from '../admm/group.ts';
import { assembleAdmm } from '../algorithms/admm.ts';
import solveChunk, { type GroupChunkJob } from './worker.ts';

/**
 * The ADMM on a piscina worker pool: groups share nothing, so whole groups go to the workers
 * (contiguous chunks of about equal task count, two per worker for balance) and the results are
 * assembled in group order. Inside a group the blocks are Jacobi updates, so any order gives the
 * same numbers as the in-thread `admm`: the two results are identical (a test checks it).
 * One worker runs in this thread. Workers load TypeScript through tsx.
 */
const warmPools = new Map<number, Piscina>();

// From the sources (run by tsx) the worker is worker.ts; from the library bundle (dist/, made by
// scripts/build-lib.mjs) this code is in dist/index.js and the bundled worker sits beside it.
const fromSource = import.meta.url.endsWith('.ts');

function newPool(workers: number): Piscina {
  return new Piscina({
    filename: new URL(fromSource ? './worker.ts' : './three-tier-worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    // tsx as resolved from here: a bare `--import tsx` resolves from the working directory,
    // which fails when mec runs elsewhere (or is a dependency of another package)
    execArgv: fromSource ? ['--import', import.meta.resolve('tsx')] : [],
  });
}

/** Ends the pools kept by `keepPool: true` calls (a process with live workers does not exit). */
export async function closeWarmPools(): Promise<void> {
  const pools = [...warmPools.values()];
  warmPools.clear();
  await Promise.all(pools.map((p) => p.destroy()));
}

/**
 * `keepPool: true` keeps the workers (and their compiled, JIT-warmed code) for the next call
 * with the same worker count; each worker otherwise loads the TypeScript sources through tsx and
 * starts with cold code, which costs seconds of CPU (see the bench).
 */
export async function solveParallel(scenario: Scenario, opts: { workers: number; options?: Partial<AdmmOptions>; keepPool?: boolean }): Promise<Result> {
  const options = { ...defaultAdmmOptions, ...(opts.options ?? {}) };
  const groups = compile(scenario);
  const P = paramsOf(scenario);
  const chunks = chunkGroups(scenario, Math.max(1, opts.workers) * 2);
  let outputs: GroupAdmmOutput[];
  if (opts.workers <= 1 || chunks.length < 2) {
    outputs = chunks.flatMap((c) => solveChunk({ scenario: c, options }));
  } else {
    const pool = opts.keepPool ? warmPools.get(opts.workers) ?? newPool(opts.workers) : newPool(opts.workers);
    if (opts.keepPool) warmPools.set(opts.workers, pool);
    try {
      const parts = await Promise.all(chunks.map((c) => pool.run({ scenario: c, options } satisfies GroupChunkJob) as Promise<GroupAdmmOutput[]>));
      outputs = parts.flat();
    } finally {
      if (!opts.keepPool) await pool.destroy();
    }
  }
  return assembleAdmm(scenario, groups, P, outputs, options);
}

/** Splits the groups into at most `count` contiguous chunks of about equal task count. */
export function chunkGroups(scenario: Scenario, count: number): Scenario[] {
  const tasksOf = new Map<string, Scenario['tasks']>(scenario.groups.map((g) => [g.id, []]));
  for (const t of scenario.tasks) tasksOf.get(t.group)!.push(t);
  const total = Math.max(1, scenario.tasks.length);
  const target = total / Math.max(1, count);
  const chunks: Scenario[] = [];
  let current: Scenario['groups'] = [], size = 0;
  const flush = () => {
    if (current.length === 0) return;
    chunks.push({ ...scenario, groups: current, tasks: current.flatMap((g) => tasksOf.get(g.id)!) });
    current = []; size = 0;
  };
  for (const g of scenario.groups) {
    current.push(g);
    size += tasksOf.get(g.id)!.length;
    if (size >= target && chunks.length < count - 1) flush();
  }
  flush();
  return chunks;
}
