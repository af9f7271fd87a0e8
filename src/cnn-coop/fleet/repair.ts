import type { Device, Result, Scenario, TaskResult } from '../model.ts';
import type { Allocation, AllocTask } from '../allocation.ts';
import type { TaskOptions } from '../options.ts';
import { precompute, type Precomputed, type Split } from '../physics.ts';
import { allocTask } from '../plan.ts';
import { candidatesOn, DEFAULT_CANDIDATE_SERVERS, nearestServers, splitTable } from './options.ts';
import { FleetState } from './state.ts';
import { boundAt } from './bound.ts';
import { repairedResult } from './result.ts';
import { precomputeFrom, recall, remember } from './memo.ts';
import { solveFleet } from '../algorithms/fleet.ts';
import { OVERLOAD_SHARE } from './overload.ts';

/**
 * Incremental re-planning (issue 11): the plan of `next` from the plan of a previous scenario,
 * without solving from scratch.
 *
 * Devices are matched by id. A device is kept when its record (and its gains row, if the scenario
 * gives gains) is unchanged and its place still exists unchanged: it keeps its server and split,
 * and a server whose members and data are all unchanged keeps its shares as they were (the
 * allocation (30) of the same tasks is the same optimum), so it is not re-allocated. A device that
 * moved, changed, joined, or whose server went away or changed is placed again: greedily by the
 * closed-form surrogate against the kept plan's loads, then improved by the fleet planner's ranked
 * moves (fleet/state.ts) offered only to those devices and to the members of the servers they
 * touch; only servers whose members changed are re-allocated. A change of the scenario's shared
 * data (profiles, channel, energy, cloud) changes every task, so that case is a full `fleet` solve.
 * The lower bound is fleet/bound.ts's evaluated at the repaired plan (no Frank–Wolfe sweeps): a
 * proved bound, looser than a full solve's.
 */

export interface RepairOptions {
  /** The whole repair's budget: moves stop at 80 % of it, later allocations get closed-form shares, the bound is skipped past 90 %. */
  timeBudgetMs?: number;
  /** Milliseconds, monotone (default performance.now); tests inject one. */
  clock?: () => number;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Devices are flat records (the schema is strict): field by field is much cheaper than JSON. */
function sameDevice(a: Device, b: Device): boolean {
  return a.id === b.id && a.x === b.x && a.y === b.y && a.dataMbit === b.dataMbit && a.minRateMbps === b.minRateMbps && a.deadlineS === b.deadlineS
    && a.txPowerW === b.txPowerW && a.cpuGHz === b.cpuGHz && a.gigacyclesPerMbit === b.gigacyclesPerMbit;
}

function sharedChanged(a: Scenario, b: Scenario): boolean {
  return !sameJson(a.cnnProfiles, b.cnnProfiles) || !sameJson(a.channel, b.channel) || !sameJson(a.energy, b.energy)
    || !sameJson(a.cloud, b.cloud) || (a.gainsDb === undefined) !== (b.gainsDb === undefined);
}

/** An Allocation standing for a kept server's previous shares; prices and multipliers are estimated from them (warm start and ranking only). */
function carriedAllocation(rows: TaskResult[], times: AllocTask[]): Allocation {
  const alpha = rows.map((r) => r.bandwidthShare);
  const beta = rows.map((r) => r.cpuShare);
  const lambda = rows.map((r) => r.backhaulShare);
  // A task strictly inside its box with a slack deadline has t/share² = ν; the others have ≤ ν
  // (binding deadline) or sit on a clamp, so the largest t/share² among unclamped shares is ν.
  const prices: [number, number, number] = [0, 0, 0];
  rows.forEach((_, i) => {
    const t = times[i];
    const sh = [alpha[i], beta[i], lambda[i]];
    [t.txS, t.computeS, t.backhaulS].forEach((time, r) => {
      if (time > 0 && sh[r] > 0 && sh[r] < 1 && (r > 0 || sh[r] > t.minAlpha * (1 + 1e-9))) prices[r] = Math.max(prices[r], time / (sh[r] * sh[r]));
    });
  });
  const deadlineMultipliers = rows.map((_, i) => {
    const t = times[i];
    const r = t.computeS > 0 && beta[i] < 1 ? 1 : 0;
    const time = r === 1 ? t.computeS : t.txS;
    const sh = r === 1 ? beta[i] : alpha[i];
    return time > 0 && prices[r] > 0 ? Math.max(0, (prices[r] * sh * sh) / time - 1) : 0;
  });
  const latencyS = rows.map((r) => r.latencyS);
  const objective = latencyS.reduce((a, b) => a + b, 0);
  const violators = rows.flatMap((r, i) => (r.meetsDeadline ? [] : [i]));
  return { alpha, beta, lambda, latencyS, objective, dualBound: -Infinity, prices, deadlineMultipliers, feasible: violators.length === 0, violators, sweeps: 0 };
}

/** Places each listed task on its option of least surrogate marginal cost against the loads U (w = 1), in turn. */
function insertGreedy(tasks: TaskOptions[], N: number, choice: Int32Array, order: number[]): void {
  const U = new Float64Array(3 * N);
  const placing = new Set(order);
  choice.forEach((c, m) => {
    if (c < 0 || placing.has(m)) return;
    const t = tasks[m].options[c].task;
    const n = tasks[m].options[c].server;
    U[3 * n] += Math.sqrt(t.txS); U[3 * n + 1] += Math.sqrt(t.computeS); U[3 * n + 2] += Math.sqrt(t.backhaulS);
  });
  for (const m of order) {
    const t = tasks[m];
    let best = Number.isFinite(t.localS) ? t.localS + (t.hopeless ? 1e30 : 0) : Infinity;
    let bestC = -1;
    t.options.forEach((o, c) => {
      const v = [Math.sqrt(o.task.txS), Math.sqrt(o.task.computeS), Math.sqrt(o.task.backhaulS)];
      let d = o.task.fixedS;
      for (let r = 0; r < 3; r++) d += v[r] * (2 * U[3 * o.server + r] + v[r]);
      if (d < best || bestC < 0 && !Number.isFinite(best)) { best = d; bestC = c; }
    });
    choice[m] = bestC;
    if (bestC >= 0) {
      const o = t.options[bestC];
      U[3 * o.server] += Math.sqrt(o.task.txS); U[3 * o.server + 1] += Math.sqrt(o.task.computeS); U[3 * o.server + 2] += Math.sqrt(o.task.backhaulS);
    }
  }
}

export function repairPlan(previous: { scenario: Scenario; result: Result }, next: Scenario, options: RepairOptions = {}): Result {
  const now = options.clock ?? (() => performance.now());
  const t0 = now();
  const budget = options.timeBudgetMs;
  const at = (fraction: number) => (budget !== undefined ? t0 + fraction * budget : Infinity);
  if (sharedChanged(previous.scenario, next)) {
    const r = solveFleet(next, { ...options, ...(budget !== undefined ? { timeBudgetMs: Math.max(0, budget - (now() - t0)) } : {}) });
    return { ...r, info: { ...r.info, repair: 'full solve: the scenario\'s shared data (profiles, channel, energy or cloud) changed' } };
  }
  const N = next.servers.length;
  const M = next.devices.length;
  const prevServerIndex = new Map(previous.scenario.servers.map((srv, n) => [srv.id, n]));
  const serverIndex = new Map(next.servers.map((srv, n) => [srv.id, n]));
  // A server is unchanged when it existed with the same record.
  const serverFrom = Int32Array.from(next.servers, (srv) => {
    const p = prevServerIndex.get(srv.id);
    return p !== undefined && sameJson(previous.scenario.servers[p], srv) ? p : -1;
  });
  const serverSame = Array.from(serverFrom, (p) => p >= 0);
  const prevDevice = new Map(previous.scenario.devices.map((d, m) => [d.id, m]));
  const gainsSame = (m: number, pm: number) => !next.gainsDb || next.servers.every((srv, n) => {
    const p = prevServerIndex.get(srv.id);
    return p === undefined || previous.scenario.gainsDb![pm][p] === next.gainsDb![m][n];
  });
  // Unchanged devices: same record and gains; their links to unchanged servers are as before.
  const deviceFrom = Int32Array.from(next.devices, (d, m) => {
    const pm = prevDevice.get(d.id);
    return pm !== undefined && sameDevice(previous.scenario.devices[pm], d) && gainsSame(m, pm) ? pm : -1;
  });
  const prevMemo = recall(previous.scenario);
  const pre: Precomputed = prevMemo ? precomputeFrom(prevMemo.pre, next, deviceFrom, serverFrom) : precompute(next);
  const prevRow = new Map(previous.result.tasks.map((t) => [t.device, t]));
  // An overloaded fleet (many tasks late in the previous plan, fleet/overload.ts): its late tasks
  // stay where they are unless something of theirs changed (placing them all again is a full
  // solve), and the repair judges in the latency mode (least total latency, late tasks included).
  const prevLate = previous.result.tasks.reduce((a, t) => a + (t.meetsDeadline ? 0 : 1), 0);
  const overloaded = prevLate > OVERLOAD_SHARE * previous.result.tasks.length;
  const table = splitTable(next, pre);
  const count = DEFAULT_CANDIDATE_SERVERS;
  const tasks: TaskOptions[] = new Array(M);
  const choice = new Int32Array(M).fill(-1);
  const dirty: number[] = [];
  const dirtyServers = new Set<number>();
  const keptOn: (number | undefined)[] = new Array(M);
  next.devices.forEach((d, m) => {
    const row = prevRow.get(d.id);
    // A task that missed its deadline is placed again too (it may fit elsewhere now).
    if (deviceFrom[m] < 0 || !row || (!row.meetsDeadline && !overloaded)) { dirty.push(m); return; }
    const localS = pre.localS[m] <= d.deadlineS ? pre.localS[m] : Infinity;
    if (row.place === 'local') {
      tasks[m] = { options: [], localS, hopeless: false, deadlineS: d.deadlineS };
      choice[m] = -1;
      return;
    }
    const n = serverIndex.get(row.place);
    if (n === undefined || !serverSame[n]) { dirty.push(m); if (n !== undefined) dirtyServers.add(n); return; }
    // Only its current option until it is offered moves: the same times as before, as nothing it
    // depends on changed.
    const split: Split = { layers: row.layers, finishAt: row.finishAt === 'edge' ? 'edge' : 'cloud' };
    const was = prevMemo?.plan && prevMemo.plan.choice[deviceFrom[m]] >= 0 ? prevMemo.plan.tasks[deviceFrom[m]].options[prevMemo.plan.choice[deviceFrom[m]]] : undefined;
    const same = was && was.server === serverFrom[n] && was.split!.layers === split.layers && was.split!.finishAt === split.finishAt;
    const task = same ? was.task : allocTask(next, pre, m, n, split);
    tasks[m] = { options: [{ server: n, split, task, aloneS: task.txS + task.computeS + task.backhaulS + task.fixedS }], localS, hopeless: false, deadlineS: d.deadlineS };
    choice[m] = 0;
    keptOn[m] = n;
  });
  // Servers that lost a member: a previous device now gone or placed again.
  const nextIndex = new Map(next.devices.map((d, m) => [d.id, m]));
  for (const row of previous.result.tasks) {
    const n = serverIndex.get(row.place);
    if (n === undefined) continue;
    const m = nextIndex.get(row.device);
    if (m === undefined || keptOn[m] !== n) dirtyServers.add(n);
  }
  for (const m of dirty) tasks[m] = candidatesOn(next, pre, table, m, nearestServers(next, pre, table, m, count));
  insertGreedy(tasks, N, choice, dirty);
  for (const m of dirty) if (choice[m] >= 0) dirtyServers.add(tasks[m].options[choice[m]].server);
  // Kept servers: their previous shares, in increasing task order (FleetState's member order).
  const preset = new Map<number, Allocation>();
  const membersOf: number[][] = Array.from({ length: N }, () => []);
  choice.forEach((c, m) => { if (c >= 0) membersOf[tasks[m].options[c].server].push(m); });
  membersOf.forEach((list, n) => {
    if (dirtyServers.has(n) || list.length === 0) return;
    preset.set(n, carriedAllocation(list.map((m) => prevRow.get(next.devices[m].id)!), list.map((m) => tasks[m].options[choice[m]].task)));
  });
  // The tasks offered moves: the placed-again ones and the members of every touched server; they
  // see their nearest servers.
  const dirtySet = new Set(dirty);
  const scope = new Set(dirty);
  for (const n of dirtyServers) for (const m of membersOf[n]) scope.add(m);
  for (const m of scope) {
    if (dirtySet.has(m)) continue;
    const c = choice[m];
    const own = c >= 0 ? tasks[m].options[c] : undefined;
    const wide = candidatesOn(next, pre, table, m, [...new Set([...(own ? [own.server] : []), ...nearestServers(next, pre, table, m, count)])]);
    const same = own ? wide.options.findIndex((o) => o.server === own.server && o.split?.layers === own.split?.layers && o.split?.finishAt === own.split?.finishAt) : -1;
    if (own && same < 0) continue; // keep the narrow list: its current option must stay representable
    tasks[m] = wide;
    choice[m] = own ? same : -1;
  }
  const state = new FleetState(tasks, N, choice, { preset, clock: now, cheapAfter: at(0.8), rawLocalS: pre.localS, latencyMode: overloaded });
  remember(next, pre, { tasks, choice: state.choice });
  state.improve({ scope, maxRounds: 4, deadline: at(0.8) });
  const hopeless = tasks.some((t) => t.hopeless);
  // A plan that misses deadlines: the send-back rule of the latency mode (fleet/overload.ts) for the servers concerned.
  if (state.totals().violators > 0 || hopeless) state.useLatencyMode();
  const totals = state.totals();
  // The plan's own loads (Σ sqrt(w t) per server, weighted by its deadline multipliers) as Y;
  // only next to a plan meeting every deadline (where it is printed), and only within the budget.
  const boundWanted = !hopeless && totals.violators === 0 && now() < at(0.9);
  const bound = { bound: boundWanted ? boundAt(next, pre, tasks.map((t) => t.hopeless), state.U) : NaN };
  const boundHolds = boundWanted && Number.isFinite(bound.bound);
  // A row can be copied when its device is unchanged and its server still holds the carried
  // shares (or it stays local).
  const kept = (m: number) => {
    if (deviceFrom[m] < 0 || dirtySet.has(m)) return false;
    const n = state.serverOf(m);
    const row = prevRow.get(next.devices[m].id);
    if (!row) return false;
    if (n < 0) return row.place === 'local';
    return row.place === next.servers[n].id && preset.has(n) && state.alloc[n] === preset.get(n);
  };
  return repairedResult(next, pre, state, prevRow, kept, 'fleet', {
    lowerBound: boundHolds ? bound.bound : null,
    info: {
      repair: 'incremental', repairedFrom: previous.result.algorithm, physicsMemo: prevMemo?.hit ?? 'miss',
      placedAgain: dirty.length, reallocatedServers: state.evaluations, movesOffered: scope.size, moves: state.moves,
      lowerBoundFrom: 'assignment relaxation dual with per-task deadline prices at the repaired plan (fleet/bound.ts)',
      ...(boundHolds || !boundWanted ? {} : { relaxationBoundS: bound.bound }),
      ...(overloaded ? { mode: 'latency (overloaded: least total latency, late tasks included)' }
        : state.latencyMode ? { mode: 'deadlines first; late tasks sent back to their devices where faster' } : {}),
      ...(budget !== undefined ? {
        timeBudgetMs: budget,
        budget: { exhausted: now() >= at(0.8), cheapAllocations: state.cheapAllocations, boundSkipped: !boundWanted && !hopeless && totals.violators === 0 },
      } : {}),
    },
  });
}
