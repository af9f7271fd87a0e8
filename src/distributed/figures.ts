import type { SampleJob } from '../core/pool.ts';
import { runDistributed, type DistributedOptions, type RunStats } from './run.ts';

/**
 * Figure samples on the workers. A sample's key names everything its numbers depend on (system,
 * figure, panel, x, seed), so results from any earlier run of the same sweep (or of a sweep with
 * more runs: seed r of a point does not depend on the run count) are reused by `resume`.
 */
export const DEFAULT_FIGURE_RUN_ID = 'reproduce';

export function sampleKey(job: SampleJob): string {
  return [job.system, job.figure, job.point.panel ?? '', String(job.point.x), String(job.seed)].join('|');
}

export type FigureDistributedOptions = Omit<DistributedOptions, 'runId'> & { runId?: string };

/** Every sample of `jobs`, in their order (one batch on the queue, however many figures). */
export async function runSamplesDistributed(jobs: SampleJob[], opts: FigureDistributedOptions): Promise<{ samples: Record<string, number>[]; stats: RunStats }> {
  const { results, stats } = await runDistributed(jobs.map((input) => ({ kind: 'figure-sample' as const, key: sampleKey(input), input })),
    { ...opts, runId: opts.runId ?? DEFAULT_FIGURE_RUN_ID });
  return { samples: jobs.map((j) => results.get(sampleKey(j))!), stats };
}
