import { parentPort } from 'node:worker_threads';
import { runSolveJob, type SolveJob } from './solve.ts';

/** The dashboard's solver thread: one job at a time, in arrival order. */
let chain = Promise.resolve();
parentPort!.on('message', (job: SolveJob) => {
  chain = chain.then(async () => {
    parentPort!.postMessage({ id: job.id, outcome: await runSolveJob(job) });
  });
});
