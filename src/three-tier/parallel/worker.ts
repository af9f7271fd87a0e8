import type { Scenario } from '../model.ts';
import { compile, paramsOf } from '../physics.ts';
import { type AdmmOptions, type GroupAdmmOutput, solveGroupAdmm } from '../admm/group.ts';

export interface GroupChunkJob {
  /** The scenario restricted to a few whole groups and their tasks (in the original order). */
  scenario: Scenario;
  options: AdmmOptions;
}

/** piscina entry: the ADMM of each group of a chunk, exactly as the in-thread solver runs it. */
export default function solveChunk(job: GroupChunkJob): GroupAdmmOutput[] {
  const P = paramsOf(job.scenario);
  return compile(job.scenario).map((g) => solveGroupAdmm(g, P, job.options));
}
