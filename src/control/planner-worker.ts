import { parentPort } from 'node:worker_threads';
import { runPlanJob, type PlanJob } from './planner.ts';

/** The planner thread: one job at a time, in arrival order. */
let chain = Promise.resolve();
parentPort!.on('message', (job: PlanJob) => {
  chain = chain.then(async () => {
    parentPort!.postMessage({ id: job.id, outcome: await runPlanJob(job) });
  });
});
