import { parentPort, workerData } from 'node:worker_threads';
import { runPlanJob, warmPlanner, type PlanJob } from './planner.ts';

/** The planner thread: loads the planner first, then one job at a time, in arrival order. */
let chain = warmPlanner((workerData as { system: string }).system).catch(() => {
  // a module that fails to load fails the first job with its own message instead
});
parentPort!.on('message', (job: PlanJob) => {
  chain = chain.then(async () => {
    parentPort!.postMessage({ id: job.id, outcome: await runPlanJob(job) });
  });
});
