import { parentPort } from 'node:worker_threads';
import { runSolveJob, type SolveJob } from './solve.ts';

/** The dashboard's solver thread: one job at a time, in arrival order (solves are synchronous). */
parentPort!.on('message', (job: SolveJob) => {
  parentPort!.postMessage({ id: job.id, outcome: runSolveJob(job) });
});
