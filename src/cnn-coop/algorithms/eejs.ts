import type { Algorithm } from '../../core/system.ts';
import type { Result, Scenario } from '../model.ts';
import { minBandwidthShare, offloadTimes, precompute, type Precomputed, type Split } from '../physics.ts';
import { layerSearch } from '../layer-search.ts';
import { buildResult, type Placement } from '../plan.ts';
import { hungarian } from '../hungarian.ts';

/**
 * EEJS, adapted from the paper's [15] as the spec's table §4 defines it: minimise device energy.
 *
 * Assignment: every server offers Q = ceil(M/N) slots (fewer when the scenario sets a smaller
 * load limit maxTasks, which EEJS then respects); every task also has its own local slot. A task
 * in a slot of server n is costed as if the server were full, i.e. with 1/Q of the bandwidth:
 * energy P·S·Q/r_mn (a per-slot cost must not depend on the other tasks, and with Q·N ≈ M the
 * servers do fill up). The Hungarian method gives the cheapest assignment.
 * Deadlines (the spec is silent): a slot where the task would miss its deadline or minimum rate
 * at those 1/Q shares (or the local slot, when local computing misses) costs a penalty larger
 * than any plan's energy, so the assignment first minimises the number of such misses and then
 * the energy; a task no slot serves in time goes where it spends least. Tasks that still miss
 * with the final shares are reported by buildResult.
 * Layers: PA's stage 1. Shares: CPU and backhaul equal; bandwidth minimises the server's
 * transmit energy Σ P S/(α r) under Σ α ≤ 1 and the minimum rate α ≥ R^min/r, whose KKT
 * solution is α ∝ sqrt(P S / r) (the spec's rule) raised to the rate floor where that binds.
 */

export interface EejsPlan {
  /** Server index or -1 (local) per task. */
  server: number[];
  splits: Split[][];
  slotsPerServer: number[];
  /** Cost matrix handed to the Hungarian method (rows: tasks; columns: server slots, then one local slot per task). */
  cost: number[][];
  /** Hungarian optimum of `cost`. */
  assignmentCost: number;
}

export function eejsPlan(s: Scenario, pre: Precomputed): EejsPlan {
  const M = s.devices.length;
  const N = s.servers.length;
  const splits = layerSearch(s, pre);
  const Q = Math.ceil(M / N);
  const slotsPerServer = s.servers.map((srv) => Math.min(Q, srv.maxTasks ?? Q));
  const miss = (m: number, n: number): boolean => {
    const q = Math.max(slotsPerServer[n], 1);
    const t = offloadTimes(s, pre, m, n, splits[m][n]);
    const latency = q * (t.txS + t.computeS + t.backhaulS) + t.cloudS;
    return latency > s.devices[m].deadlineS || minBandwidthShare(s, pre, m, n) > 1 / q;
  };
  const energy = (m: number, n: number) => (s.devices[m].txPowerW * s.devices[m].dataMbit * Math.max(slotsPerServer[n], 1)) / pre.rateMbps[m][n];
  const localMiss = (m: number) => pre.localS[m] > s.devices[m].deadlineS;
  // Larger than the energy of any plan, so one miss fewer always outweighs any energy saving.
  let penalty = 1;
  for (let m = 0; m < M; m++) penalty += Math.max(pre.localEnergyJ[m], ...s.servers.map((_, n) => energy(m, n)));

  const columns: Array<{ server: number; local?: number }> = [];
  s.servers.forEach((_, n) => { for (let q = 0; q < slotsPerServer[n]; q++) columns.push({ server: n }); });
  for (let m = 0; m < M; m++) columns.push({ server: -1, local: m });
  const cost = s.devices.map((_, m) => columns.map((c) => {
    if (c.server >= 0) return energy(m, c.server) + (miss(m, c.server) ? penalty : 0);
    return c.local === m ? pre.localEnergyJ[m] + (localMiss(m) ? penalty : 0) : Infinity;
  }));
  const a = hungarian(cost);
  return { server: a.column.map((j) => columns[j].server), splits, slotsPerServer, cost, assignmentCost: a.total };
}

/**
 * Bandwidth shares minimising Σ w_i²/α_i subject to Σ α_i ≤ 1 and lo_i ≤ α_i: α_i = max(lo_i, t·w_i)
 * with t set so the shares sum to 1 (bisection on t; the sum is increasing in t). When the floors
 * alone exceed the band, the floors are returned and the caller's checks report the shortfall.
 */
export function energyShares(w: readonly number[], lo: readonly number[]): number[] {
  if (w.length === 0) return [];
  const floorSum = lo.reduce((a, b) => a + b, 0);
  if (floorSum >= 1) return [...lo];
  const sum = (t: number) => w.reduce((acc, wi, i) => acc + Math.max(lo[i], t * wi), 0);
  let a = 0;
  let b = 1 / w.reduce((x, y) => x + y, 0);
  while (sum(b) < 1) b *= 2;
  for (let it = 0; it < 200 && b - a > 1e-15 * b; it++) {
    const mid = (a + b) / 2;
    if (sum(mid) < 1) a = mid; else b = mid;
  }
  const shares = w.map((wi, i) => Math.max(lo[i], a * wi));
  // Give the bisection's last sliver of band back proportionally to the unclamped tasks.
  const free = shares.map((x, i) => x > lo[i]);
  const rest = 1 - shares.reduce((x, y) => x + y, 0);
  const freeSum = shares.reduce((x, y, i) => x + (free[i] ? y : 0), 0);
  return freeSum > 0 && rest > 0 ? shares.map((x, i) => (free[i] ? x * (1 + rest / freeSum) : x)) : shares;
}

export function solveEejs(s: Scenario): Result {
  const pre = precompute(s);
  const plan = eejsPlan(s, pre);
  const placement: Placement[] = plan.server.map((n, m) => (n < 0 ? { server: -1 } : { server: n, split: plan.splits[m][n] }));
  const weights = new Array<number>(s.devices.length).fill(0);
  s.servers.forEach((_, n) => {
    const members = plan.server.flatMap((k, m) => (k === n ? [m] : []));
    const w = members.map((m) => Math.sqrt((s.devices[m].txPowerW * s.devices[m].dataMbit) / pre.rateMbps[m][n]));
    const lo = members.map((m) => minBandwidthShare(s, pre, m, n));
    energyShares(w, lo).forEach((alpha, i) => { weights[members[i]] = alpha; });
  });
  const limited = s.servers.some((srv) => srv.maxTasks !== undefined);
  return buildResult(s, pre, 'eejs', placement, { kind: 'bandwidth-weights', weights }, {
    info: { assignmentCost: plan.assignmentCost, slotsPerServer: plan.slotsPerServer, ...(limited ? { respectsLoadLimits: true } : {}) },
  });
}

export const eejs: Algorithm<Scenario, Result> = {
  name: 'eejs',
  description: 'EEJS (adapted): Hungarian assignment to server slots minimising device energy, stage-1 layers, energy-optimal bandwidth',
  solve: solveEejs,
};

