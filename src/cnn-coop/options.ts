import type { CnnProfile, Scenario } from './model.ts';
import { allSplits, type Precomputed, type Split } from './physics.ts';
import { allocTask } from './plan.ts';
import type { AllocTask } from './allocation.ts';

/**
 * The places a task may go in the generalised problem (19): local, or server n with any split of
 * `allSplits` (k = 0 raw to the cloud, k = 1..K to the cloud, all at the edge). The paper's PA
 * searches k = 1..K only, so the optimum over these options is ≤ the paper's optimum and a lower
 * bound of it bounds every algorithm.
 *
 * Two reductions keep the search small, both exact:
 *  - an option that misses the deadline even with the whole of every resource (or whose rate floor
 *    needs more than the band) can never be part of a feasible plan;
 *  - an option whose upload, compute, backhaul and share-free times are all ≥ those of another
 *    option on the same server is dominated: swapping it for the other keeps every share, meets
 *    every deadline it met and lowers no latency of anyone (e.g. k = K to the cloud is dominated by
 *    "all at the edge" when the output layer costs nothing).
 * A task with no option left that meets its deadline keeps all options with its deadline dropped
 * (`hopeless`): no plan can serve it, and relaxing its deadline keeps bounds valid for the rest.
 */
export interface TaskOption {
  /** -1 for local. */
  server: number;
  split?: Split;
  /** The allocation data of the option (unused for local). */
  task: AllocTask;
  /** Latency with the whole of each resource (the local latency for local). */
  aloneS: number;
}

export interface TaskOptions {
  options: TaskOption[];
  /** Local latency if local computing meets the deadline, else Infinity. */
  localS: number;
  /** No option meets the deadline: the deadline is dropped in `options`. */
  hopeless: boolean;
  deadlineS: number;
}

const TOL = 1e-12;

function dominates(x: AllocTask, y: AllocTask): boolean {
  return x.txS <= y.txS && x.computeS <= y.computeS && x.backhaulS <= y.backhaulS && x.fixedS <= y.fixedS && x.minAlpha <= y.minAlpha;
}

export function taskOptions(s: Scenario, pre: Precomputed): TaskOptions[] {
  const every = s.servers.map((_, n) => n);
  return s.devices.map((_, m) => optionsOn(s, pre, m, every));
}

const splitCache = new WeakMap<CnnProfile, Split[]>();
/** `allSplits(p)`, made once per profile (option building calls it per task and server). */
export function splitsOf(p: CnnProfile): Split[] {
  let v = splitCache.get(p);
  if (!v) { v = allSplits(p); splitCache.set(p, v); }
  return v;
}

/** Options of device m on the given servers (the rules above). */
export function optionsOn(s: Scenario, pre: Precomputed, m: number, servers: number[]): TaskOptions {
  const d = s.devices[m];
  const all: TaskOption[] = [];
  for (const n of servers) {
    for (const split of splitsOf(pre.profiles[n])) {
      const task = allocTask(s, pre, m, n, split);
      all.push({ server: n, split, task, aloneS: task.txS + task.computeS + task.backhaulS + task.fixedS });
    }
  }
  const meets = (o: TaskOption) => o.aloneS <= d.deadlineS * (1 + TOL) && o.task.minAlpha <= 1;
  const localS = pre.localS[m] <= d.deadlineS ? pre.localS[m] : Infinity;
  let kept = all.filter(meets);
  const hopeless = kept.length === 0 && localS === Infinity;
  if (hopeless) kept = all.map((o) => ({ ...o, task: { ...o.task, deadlineS: Infinity, minAlpha: Math.min(o.task.minAlpha, 1) } }));
  // Dominance is within a server, and kept is grouped by server: compare inside each group only.
  const options: TaskOption[] = [];
  for (let g = 0; g < kept.length;) {
    let e = g;
    while (e < kept.length && kept[e].server === kept[g].server) e++;
    for (let i = g; i < e; i++) {
      let dominated = false;
      for (let j = g; j < e && !dominated; j++) dominated = j !== i && dominates(kept[j].task, kept[i].task) && (!dominates(kept[i].task, kept[j].task) || j < i);
      if (!dominated) options.push(kept[i]);
    }
    g = e;
  }
  return { options, localS: hopeless ? pre.localS[m] : localS, hopeless, deadlineS: d.deadlineS };
}

