import type { Scenario } from '../model.ts';
import { type Precomputed, type Split, splitFactors, totalCycles } from '../physics.ts';
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
  /** Split k of server n's profile (splitsOf's objects), its edge gigacycles per Mbit and data fraction (physics' splitFactors), at n·S + k. */
  splits: Split[][];
  cycles: Float64Array;
  reduction: Float64Array;
  /** Whole-network gigacycles per Mbit of server n's profile. */
  totalCycles: Float64Array;
}

export function splitTable(s: Scenario, pre: Precomputed): SplitTable {
  const N = s.servers.length;
  const splitsPer = Math.max(...pre.profiles.map((p) => splitsOf(p).length));
  const edge = new Float64Array(N * splitsPer).fill(Infinity);
  const cloud = new Float64Array(N * splitsPer).fill(Infinity);
  const cyc = new Float64Array(N * splitsPer);
  const red = new Float64Array(N * splitsPer);
  const totals = new Float64Array(N);
  const splits: Split[][] = [];
  s.servers.forEach((srv, n) => {
    const p = pre.profiles[n];
    const total = totalCycles(p);
    totals[n] = total;
    splits.push(splitsOf(p));
    splitsOf(p).forEach((split, k) => {
      const { gigacyclesPerMbit: cycles, reduction } = splitFactors(p, split);
      cyc[n * splitsPer + k] = cycles;
      red[n * splitsPer + k] = reduction;
      edge[n * splitsPer + k] = cycles / srv.cpuGHz + reduction / srv.backhaulMbps;
      cloud[n * splitsPer + k] = s.cloud && split.finishAt === 'cloud' ? (total - cycles) / s.cloud.cpuGHz : 0;
    });
  });
  return { edgeSPerMbit: edge, cloudSPerMbit: cloud, splitsPer, splits, cycles: cyc, reduction: red, totalCycles: totals };
}

const TOL = 1e-12;
// Scratch for candidatesOn: the times of one task's options before any object is made.
let scratch = new Float64Array(0);

/**
 * options.ts's `optionsOn` (same options, same order, same numbers: the times are the same
 * expressions as physics' offloadTimes), without its three objects per (server, split) before
 * filtering: the times go into a scratch array, the deadline filter and the dominance test run on
 * it, and objects are made for the options kept only. optionsOn was 22 % of fleet's CPU at
 * M = 1,000, N = 50 plus most of its garbage. A task no option serves on time (hopeless) goes to
 * optionsOn itself (rare). test/cnn-coop/fleet-options.test.ts checks the two agree.
 */
export function candidatesOn(s: Scenario, pre: Precomputed, table: SplitTable, m: number, servers: number[]): TaskOptions {
  const d = s.devices[m];
  const S = d.dataMbit;
  const D = d.deadlineS;
  const SP = table.splitsPer;
  if (scratch.length < 5 * servers.length * SP) scratch = new Float64Array(5 * servers.length * SP * 2);
  const x = scratch;
  const cloudGHz = s.cloud?.cpuGHz;
  let any = false;
  // Pass 1: times and the deadline test (x[5i + 4] = 1 when the option meets it).
  for (let g = 0; g < servers.length; g++) {
    const n = servers[g];
    const srv = s.servers[n];
    const rate = pre.rateMbps[m][n];
    const txS = S / rate;
    const minAlpha = d.minRateMbps / rate;
    const list = table.splits[n];
    for (let k = 0; k < list.length; k++) {
      const i = 5 * (g * SP + k);
      const cycles = table.cycles[n * SP + k];
      const computeS = (S * cycles) / srv.cpuGHz;
      const backhaulS = (S * table.reduction[n * SP + k]) / srv.backhaulMbps;
      const fixedS = cloudGHz !== undefined && list[k].finishAt === 'cloud' ? (S * (table.totalCycles[n] - cycles)) / cloudGHz : 0;
      const aloneS = txS + computeS + backhaulS + fixedS;
      x[i] = computeS; x[i + 1] = backhaulS; x[i + 2] = fixedS; x[i + 3] = aloneS;
      x[i + 4] = aloneS <= D * (1 + TOL) && minAlpha <= 1 ? 1 : 0;
      if (x[i + 4] === 1) any = true;
    }
  }
  const localS = pre.localS[m] <= D ? pre.localS[m] : Infinity;
  if (!any && localS === Infinity) return optionsOn(s, pre, m, servers);
  // Pass 2: within a server (same upload time and floor) an option is dominated when another kept
  // one is no slower in compute, backhaul and share-free time (ties: the first kept stays).
  const options: TaskOptions['options'] = [];
  for (let g = 0; g < servers.length; g++) {
    const n = servers[g];
    const list = table.splits[n];
    const rate = pre.rateMbps[m][n];
    for (let k = 0; k < list.length; k++) {
      const i = 5 * (g * SP + k);
      if (x[i + 4] !== 1) continue;
      let dominated = false;
      for (let j = 0; j < list.length && !dominated; j++) {
        const h = 5 * (g * SP + j);
        if (j === k || x[h + 4] !== 1) continue;
        const jOverI = x[h] <= x[i] && x[h + 1] <= x[i + 1] && x[h + 2] <= x[i + 2];
        const iOverJ = x[i] <= x[h] && x[i + 1] <= x[h + 1] && x[i + 2] <= x[h + 2];
        dominated = jOverI && (!iOverJ || j < k);
      }
      if (dominated) continue;
      const task = { txS: S / rate, computeS: x[i], backhaulS: x[i + 1], fixedS: x[i + 2], minAlpha: d.minRateMbps / rate, deadlineS: D };
      options.push({ server: n, split: list[k], task, aloneS: x[i + 3] });
    }
  }
  return { options, localS, hopeless: false, deadlineS: D };
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
  return s.devices.map((_, m) => candidatesOn(s, pre, table, m, nearestServers(s, pre, table, m, count)));
}
