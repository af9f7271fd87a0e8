import type { Scenario } from '../model.ts';
import { allSplits, type Precomputed, type Split, splitFactors, totalCycles } from '../physics.ts';
import { optionsOn, splitsOf, type TaskOptions } from '../options.ts';

export { optionsOn, splitsOf };

/**
 * The fleet planner's candidate options: the same TaskOptions as options.ts (local, or a server
 * with any split of `allSplits`, deadline-feasible alone, dominated splits removed, `hopeless`
 * tasks keeping everything with the deadline dropped), but only on each task's `nearest` servers,
 * ranked by the latency of the task's best split with the whole server. options.ts builds every
 * server's options, N·(K+2) objects a task, which at M = 10,000, N = 200 is 14 million; a task
 * that is not among a server's nearest never gains by going there unless every nearer server is
 * crowded, and the proved bound (bound.ts) still prices every server, so a restriction that costs
 * latency shows in the gap rather than hiding.
 */

export const DEFAULT_CANDIDATE_SERVERS = 8;

/** Index of a split in `allSplits` of its profile: 0 raw to the cloud, k = 1..K to the cloud, K + 1 all at the edge. */
export const splitIndex = (split: Split): number => (split.finishAt === 'edge' ? split.layers + 1 : split.layers);


/** Per-server split constants: edge compute and backhaul seconds per Mbit, cloud seconds per Mbit. */
export interface SplitTable {
  /** For server n, split k: (p_k / F_n + r_k / C_n) at index n·S + k. */
  edgeSPerMbit: Float64Array;
  /** Cloud compute seconds per Mbit of split k (0 without a cloud CPU); the same on every server of one profile. */
  cloudSPerMbit: Float64Array;
  splitsPer: number;
}

export function splitTable(s: Scenario, pre: Precomputed): SplitTable {
  const N = s.servers.length;
  const splitsPer = Math.max(...pre.profiles.map((p) => allSplits(p).length));
  const edge = new Float64Array(N * splitsPer).fill(Infinity);
  const cloud = new Float64Array(N * splitsPer).fill(Infinity);
  s.servers.forEach((srv, n) => {
    const p = pre.profiles[n];
    const total = totalCycles(p);
    allSplits(p).forEach((split, k) => {
      const { gigacyclesPerMbit: cycles, reduction } = splitFactors(p, split);
      edge[n * splitsPer + k] = cycles / srv.cpuGHz + reduction / srv.backhaulMbps;
      cloud[n * splitsPer + k] = s.cloud && split.finishAt === 'cloud' ? (total - cycles) / s.cloud.cpuGHz : 0;
    });
  });
  return { edgeSPerMbit: edge, cloudSPerMbit: cloud, splitsPer };
}

/** The `count` servers of least whole-server latency for device m (all servers when N ≤ count). */
export function nearestServers(s: Scenario, pre: Precomputed, table: SplitTable, m: number, count: number): number[] {
  const N = s.servers.length;
  if (N <= count) return Array.from({ length: N }, (_, n) => n);
  const S = s.devices[m].dataMbit;
  const best: number[] = [];
  const score: number[] = [];
  for (let n = 0; n < N; n++) {
    let edge = Infinity;
    for (let k = 0; k < table.splitsPer; k++) edge = Math.min(edge, table.edgeSPerMbit[n * table.splitsPer + k] + table.cloudSPerMbit[n * table.splitsPer + k]);
    const v = S / pre.rateMbps[m][n] + S * edge;
    if (best.length === count && v >= score[count - 1]) continue;
    // Insertion into the short sorted list.
    let i = best.length === count ? count - 1 : best.length;
    while (i > 0 && score[i - 1] > v) { best[i] = best[i - 1]; score[i] = score[i - 1]; i--; }
    best[i] = n;
    score[i] = v;
  }
  return best;
}

/** Candidate options of every device on its `count` nearest servers. */
export function candidateOptions(s: Scenario, pre: Precomputed, count = DEFAULT_CANDIDATE_SERVERS, table = splitTable(s, pre)): TaskOptions[] {
  return s.devices.map((_, m) => optionsOn(s, pre, m, nearestServers(s, pre, table, m, count)));
}
