// The worker process's compute thread (piscina entry). A plain-JS file that registers tsx itself:
// Node 20 does not apply `--import tsx` to a worker thread's entry module (see
// core/figure-worker.mjs). Computing off the main thread keeps BullMQ's lock renewals on time
// however long a job runs, so a short lockDuration (fast recovery from a killed worker) never
// mistakes a busy worker for a dead one.
import { register } from 'tsx/esm/api';

register();
const { computeEncoded } = await import('./jobs.ts');
export default computeEncoded;
