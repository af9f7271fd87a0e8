import type { Result, Scenario, TaskResult } from './model.ts';
import { allocate, type AllocTask } from './allocation.ts';
import { minBandwidthShare, offloadTimes, sharedLatency, type Precomputed, type Split } from './physics.ts';

/** Where each task goes: a server index with its split, or -1 (local). */
export interface Placement {
  server: number;
  split?: Split;
}

/** How a server's resources are divided among its tasks. */
export type SharePolicy =
  | { kind: 'optimal' }
  | { kind: 'equal' }
  /** Shares given per task (e.g. read from a relaxation); renormalised per server to sum to ≤ 1. */
  | { kind: 'given'; alpha: number[]; beta: number[]; lambda: number[] }
  /** Bandwidth by a rule, CPU and backhaul equal (EEJS). */
  | { kind: 'bandwidth-weights'; weights: number[] };

export function allocTask(s: Scenario, pre: Precomputed, m: number, n: number, split: Split): AllocTask {
  const t = offloadTimes(s, pre, m, n, split);
  return { txS: t.txS, computeS: t.computeS, backhaulS: t.backhaulS, fixedS: t.cloudS, minAlpha: minBandwidthShare(s, pre, m, n), deadlineS: s.devices[m].deadlineS };
}

/**
 * Turns a placement into a result document: shares by the chosen policy, then every task's
 * latency, energy and constraints. `lowerBound` and `info` are the algorithm's own.
 */
export function buildResult(s: Scenario, pre: Precomputed, algorithm: string, placement: Placement[], policy: SharePolicy,
  extra: { lowerBound?: number | null; info?: Record<string, unknown>; optimal?: boolean } = {}): Result {
  const M = s.devices.length;
  const alpha = new Array<number>(M).fill(0);
  const beta = new Array<number>(M).fill(0);
  const lambda = new Array<number>(M).fill(0);
  let allocationSweeps = 0;
  const place = placement.map((p) => ({ ...p }));
  const sentLocal: string[] = [];
  s.servers.forEach((_, n) => {
    const members = place.flatMap((p, m) => (p.server === n ? [m] : []));
    if (members.length === 0) return;
    const tasks = members.map((m) => allocTask(s, pre, m, n, place[m].split!));
    const need = (r: 'txS' | 'computeS' | 'backhaulS') => tasks.map((t) => (t[r] > 0 ? 1 : 0));
    const setShares = (a: number[], b: number[], l: number[]) => members.forEach((m, i) => { alpha[m] = a[i]; beta[m] = b[i]; lambda[m] = l[i]; });
    const normalise = (xs: number[], used: number[]) => {
      const v = xs.map((x, i) => (used[i] ? Math.max(x, 0) : 0));
      const total = v.reduce((a, b) => a + b, 0);
      return total > 0 ? v.map((x) => x / Math.max(total, 1)) : v;
    };
    const equal = (used: number[]) => { const k = used.reduce((a, b) => a + b, 0); return used.map((u) => (u ? 1 / k : 0)); };
    switch (policy.kind) {
      case 'optimal': {
        // Algorithm 3 of the paper: a lone task takes the whole server; (30) otherwise.
        // Where (30) must give up a task's deadline, that task can be left a vanishing share of a
        // resource the others need to stay on time; if it would finish sooner on its own device
        // it goes back there (not in the paper). This only lowers the total: the task gets
        // faster and the others keep a feasible point of a smaller problem.
        let kept = members.map((_, i) => i);
        for (;;) {
          const a = allocate(kept.map((i) => tasks[i]));
          allocationSweeps += a.sweeps;
          const back = a.violators.filter((j) => a.latencyS[j] > pre.localS[members[kept[j]]]);
          if (back.length === 0) {
            members.forEach((m) => { alpha[m] = 0; beta[m] = 0; lambda[m] = 0; });
            kept.forEach((i, j) => { alpha[members[i]] = a.alpha[j]; beta[members[i]] = a.beta[j]; lambda[members[i]] = a.lambda[j]; });
            break;
          }
          for (const j of back) {
            place[members[kept[j]]] = { server: -1 };
            sentLocal.push(s.devices[members[kept[j]]].id);
          }
          kept = kept.filter((_, j) => !back.includes(j));
        }
        break;
      }
      case 'equal':
        setShares(equal(need('txS')), equal(need('computeS')), equal(need('backhaulS')));
        break;
      case 'given':
        setShares(normalise(members.map((m) => policy.alpha[m]), need('txS')), normalise(members.map((m) => policy.beta[m]), need('computeS')),
          normalise(members.map((m) => policy.lambda[m]), need('backhaulS')));
        break;
      case 'bandwidth-weights':
        setShares(normalise(members.map((m) => policy.weights[m]).map((w, _, all) => w / all.reduce((x, y) => x + y, 0)), need('txS')),
          equal(need('computeS')), equal(need('backhaulS')));
        break;
    }
  });

  const tasks: TaskResult[] = s.devices.map((d, m) => {
    const p = place[m];
    if (p.server < 0) {
      const latencyS = pre.localS[m];
      const meets = latencyS <= d.deadlineS;
      return { device: d.id, place: 'local', layers: 0, finishAt: 'device', bandwidthShare: 0, cpuShare: 0, backhaulShare: 0,
        latencyS, energyJ: pre.localEnergyJ[m], meetsDeadline: meets, ...(meets ? {} : { violation: 'local computing misses the deadline' }) };
    }
    const t = offloadTimes(s, pre, m, p.server, p.split!);
    const latencyS = sharedLatency(t, alpha[m], beta[m], lambda[m]);
    const rateOk = alpha[m] * pre.rateMbps[m][p.server] >= d.minRateMbps * (1 - 1e-9);
    const meets = latencyS <= d.deadlineS * (1 + 1e-9);
    const violation = !rateOk ? `uplink rate ${(alpha[m] * pre.rateMbps[m][p.server]).toPrecision(4)} Mbit/s below the minimum` : !meets ? 'misses the deadline' : undefined;
    return {
      device: d.id, place: s.servers[p.server].id, layers: p.split!.layers, finishAt: p.split!.finishAt,
      bandwidthShare: alpha[m], cpuShare: beta[m], backhaulShare: lambda[m],
      latencyS, energyJ: d.txPowerW * t.txS / alpha[m], meetsDeadline: meets && rateOk,
      ...(violation ? { violation } : {}),
    };
  });
  return resultFromRows(algorithm, tasks, {
    ...extra,
    info: { ...(extra.info ?? {}), ...(policy.kind === 'optimal' ? { allocationSweeps } : {}), ...(sentLocal.length > 0 ? { sentLocalAfterAllocation: sentLocal } : {}) },
  });
}

/** The result document around a plan's task rows: status, totals and deadline misses all follow from the rows. */
export function resultFromRows(algorithm: string, tasks: TaskResult[],
  extra: { lowerBound?: number | null; info?: Record<string, unknown>; optimal?: boolean } = {}): Result {
  const infeasibleTasks = tasks.filter((t) => !t.meetsDeadline).map((t) => t.device);
  return {
    system: 'cnn-coop',
    algorithm,
    status: infeasibleTasks.length > 0 ? 'infeasible' : extra.optimal ? 'optimal' : 'feasible',
    totalLatencyS: tasks.reduce((a, t) => a + t.latencyS, 0),
    deviceEnergyJ: tasks.reduce((a, t) => a + t.energyJ, 0),
    solveMs: 0,
    lowerBound: extra.lowerBound ?? null,
    tasks,
    ...(infeasibleTasks.length > 0 ? { infeasibleTasks } : {}),
    info: extra.info ?? {},
  };
}
