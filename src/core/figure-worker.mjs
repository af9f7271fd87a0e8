// The pool's worker entry. Node 20 does not apply `--import tsx` given in a worker's execArgv to
// the worker's own entry module ("Unknown file extension .ts"), so the worker starts from this
// plain-JS file, which registers tsx and then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const { default: sampleJob } = await import('./figure-worker.ts');
export default sampleJob;
