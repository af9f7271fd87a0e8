import { sampleJob } from '../core/figure-worker.ts';
import type { SampleJob } from '../core/pool.ts';
import solveChunk, { type GroupChunkJob } from '../three-tier/parallel/worker.ts';
import { compareCase, type CompareCaseInput, type CompareCaseRow } from '../api/compare.ts';
import { decode, encode } from './codec.ts';
import { WARM_UP, type EncodedJob } from './settings.ts';

/**
 * The kinds of work a `mec worker` takes. Each is the very function the local runner calls
 * (figure samples: core/figure-worker's sampleJob, as piscina runs it; three-tier: the group-chunk
 * entry of three-tier/parallel; compare: api/compare's compareCase), so a distributed run
 * computes exactly what a local run computes.
 */
export interface JobKinds {
  'figure-sample': { input: SampleJob; output: Record<string, number> };
  'three-tier-chunk': { input: GroupChunkJob; output: ReturnType<typeof solveChunk> };
  'compare-case': { input: CompareCaseInput; output: CompareCaseRow };
}

export type JobKind = keyof JobKinds;

const handlers: { [K in JobKind]: (input: JobKinds[K]['input']) => JobKinds[K]['output'] | Promise<JobKinds[K]['output']> } = {
  'figure-sample': sampleJob,
  'three-tier-chunk': solveChunk,
  'compare-case': compareCase,
};

export function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(handlers, kind);
}

export async function computeEncoded(job: EncodedJob): Promise<string> {
  if (job.kind === WARM_UP) return '';
  if (!isJobKind(job.kind)) throw new Error(`unknown job kind "${job.kind}" (this worker knows: ${Object.keys(handlers).join(', ')}); is the worker older than the client?`);
  const handler = handlers[job.kind] as (input: unknown) => unknown;
  return encode(await handler(decode(job.payload)));
}

export default computeEncoded;
