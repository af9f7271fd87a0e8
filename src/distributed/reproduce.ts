import type { FigureDefinition, SystemDefinition } from '../core/system.ts';
import { figurePlan, type ReproduceOptions, type SampleRunner } from '../core/reproduce.ts';
import { runSamplesDistributed, sampleKey, type FigureDistributedOptions } from './figures.ts';

/**
 * `mec reproduce ... --redis`: runs the samples of all chosen figures on the workers as one batch
 * (no idle workers between figures), then hands reproduceFigure a runner that returns them.
 */
export async function distributedSampleRunner(chosen: Array<[SystemDefinition, FigureDefinition]>, plan: Pick<ReproduceOptions, 'quick' | 'runs' | 'seed'>,
  opts: FigureDistributedOptions): Promise<SampleRunner> {
  const jobs = chosen.flatMap(([system, fig]) => figurePlan(system.name, fig, plan).jobs);
  const label = chosen.length === 1 ? `${chosen[0][0].name} ${chosen[0][1].id}` : `${chosen.length} figures`;
  const { samples, stats } = await runSamplesDistributed(jobs, { label, ...opts });
  if (stats.reused > 0) process.stderr.write(`resume: ${stats.reused} of ${stats.total} sample(s) taken from the stored results\n`);
  const byKey = new Map(jobs.map((j, i) => [sampleKey(j), samples[i]]));
  return async (js, onDone) => js.map((j) => {
    onDone();
    return byKey.get(sampleKey(j))!;
  });
}
