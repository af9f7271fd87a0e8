import { Piscina } from 'piscina';
import type { FigurePoint } from './system.ts';
import { sampleJob } from './figure-worker.ts';

export interface SampleJob {
  system: string;
  figure: string;
  point: FigurePoint;
  seed: number;
}

/**
 * Runs figure samples on a piscina worker pool (workers load the TypeScript sources through tsx),
 * or in this thread when one worker is asked for. Results keep the order of `jobs`.
 */
export async function runPool(jobs: SampleJob[], workers: number, onDone: () => void): Promise<Record<string, number>[]> {
  if (workers <= 1 || jobs.length < 2) {
    return jobs.map((job) => {
      const r = sampleJob(job);
      onDone();
      return r;
    });
  }
  const pool = new Piscina({
    // A JS entry that registers tsx itself: see figure-worker.mjs.
    filename: new URL('./figure-worker.mjs', import.meta.url).href,
    maxThreads: workers,
    minThreads: workers,
  });
  try {
    return await Promise.all(jobs.map(async (job) => {
      const r = (await pool.run(job)) as Record<string, number>;
      onDone();
      return r;
    }));
  } finally {
    await pool.destroy();
  }
}
