import type { Result, Scenario } from '../three-tier/model.ts';
import { compile, paramsOf } from '../three-tier/physics.ts';
import { type AdmmOptions, defaultAdmmOptions } from '../three-tier/admm/group.ts';
import { assembleAdmm } from '../three-tier/algorithms/admm.ts';
import { chunkGroups } from '../three-tier/parallel/solve-parallel.ts';
import { digest, encode } from './codec.ts';
import { runDistributed, type DistributedOptions, type RunStats } from './run.ts';

/**
 * The three-tier ADMM with its groups on the workers: the groups share nothing, so contiguous
 * chunks of whole groups are jobs (the chunks and the per-chunk function of the local parallel
 * solver, three-tier/parallel), and the outputs are assembled in group order by the same
 * `assembleAdmm`: the result is identical to `solveParallel` and to the in-thread `admm`.
 * The chunk count depends on the scenario only (not on how many workers are up), so a `resume`
 * finds the same chunks.
 */
export const MAX_CHUNKS = 64;

export type ThreeTierDistributedOptions = Omit<DistributedOptions, 'runId'> & {
  runId?: string;
  options?: Partial<AdmmOptions>;
  /** Jobs to cut the groups into (default: one per group, at most MAX_CHUNKS). */
  chunks?: number;
};

export async function solveThreeTierDistributed(scenario: Scenario, opts: ThreeTierDistributedOptions): Promise<{ result: Result; stats: RunStats }> {
  const options: AdmmOptions = { ...defaultAdmmOptions, ...(opts.options ?? {}) };
  const groups = compile(scenario);
  const P = paramsOf(scenario);
  const chunks = chunkGroups(scenario, Math.max(1, opts.chunks ?? Math.min(scenario.groups.length, MAX_CHUNKS)));
  // A chunk's key carries a digest of its input, so a resumed run never takes a result computed
  // for other groups or other options.
  const items = chunks.map((c, i) => {
    const input = { scenario: c, options };
    return { kind: 'three-tier-chunk' as const, key: `chunk${i}.${digest(encode(input))}`, input };
  });
  const runId = opts.runId ?? `three-tier.${digest(...items.map((it) => it.key))}`;
  const { results, stats } = await runDistributed(items, { ...opts, runId, label: opts.label ?? `three-tier ${chunks.length} chunk(s)` });
  const outputs = items.flatMap((it) => results.get(it.key)!);
  return { result: assembleAdmm(scenario, groups, P, outputs, options), stats };
}
