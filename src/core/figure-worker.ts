import { getSystem } from '../systems.ts';
import type { SampleJob } from './pool.ts';

/** One Monte Carlo sample of a figure; the default export is piscina's worker entry. */
export function sampleJob(job: SampleJob): Record<string, number> {
  const figure = getSystem(job.system).figures.find((f) => f.id === job.figure);
  if (!figure) throw new Error(`unknown figure ${job.system} ${job.figure}`);
  return figure.sample(job.point, job.seed);
}

export default sampleJob;
