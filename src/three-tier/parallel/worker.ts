import type { Scenario } from '../model.ts';
import { compile, paramsOf } from '../physics.ts';
import type { AdmmOptions, GroupAdmmOutput } from '../admm/group.ts';
import { solveAndRoundGroup } from '../algorithms/admm.ts';

export interface GroupChunkJob {
  /** The scenario restricted to a few whole groups and their tasks (in the original order). */
  scenario: Scenario;
  options: AdmmOptions;
}

/** piscina entry: the ADMM of each group of a chunk, exactly as the in-thread solver runs it. */
export default function solveChunk(job: GroupChunkJob): GroupAdmmOutput[] {
  const P = paramsOf(job.scenario);
  return compile(job.scenario).map((g) => solveAndRoundGroup(g, P, job.options));
}
