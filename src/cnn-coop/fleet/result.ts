import type { Result, Scenario, TaskResult } from '../model.ts';
import type { Precomputed } from '../physics.ts';
import { buildResult, resultFromRows, type Placement } from '../plan.ts';
import type { FleetState } from './state.ts';

/**
 * The result document of a fleet plan: the shares are the state's exact allocations, handed to
 * plan.ts's buildResult as given shares (it recomputes every latency, energy and constraint from
 * them), so no server is allocated twice.
 */
export function fleetResult(s: Scenario, pre: Precomputed, state: FleetState, algorithm: string,
  extra: { lowerBound?: number | null; info?: Record<string, unknown> } = {}): Result {
  const M = s.devices.length;
  const alpha = new Array<number>(M).fill(0);
  const beta = new Array<number>(M).fill(0);
  const lambda = new Array<number>(M).fill(0);
  state.members.forEach((list, n) => {
    const a = state.alloc[n];
    if (!a) return;
    list.forEach((m, i) => { alpha[m] = a.alpha[i]; beta[m] = a.beta[i]; lambda[m] = a.lambda[i]; });
  });
  const placement: Placement[] = Array.from({ length: M }, (_, m) => {
    const c = state.choice[m];
    if (c < 0) return { server: -1 };
    const o = state.tasks[m].options[c];
    return { server: o.server, split: o.split };
  });
  return buildResult(s, pre, algorithm, placement, { kind: 'given', alpha, beta, lambda }, extra);
}

/**
 * A repaired plan's result: the rows of devices whose place and shares did not change (`kept`)
 * are the previous result's rows (the same numbers buildResult would compute again); the other
 * rows come from buildResult on the sub-scenario of those devices. Totals and status are summed
 * over all rows, as buildResult does.
 */
export function repairedResult(s: Scenario, pre: Precomputed, state: FleetState, previousRows: Map<string, TaskResult>, kept: (m: number) => boolean,
  algorithm: string, extra: { lowerBound?: number | null; info?: Record<string, unknown> } = {}): Result {
  const redo = s.devices.flatMap((_, m) => (kept(m) ? [] : [m]));
  const sub: Scenario = { ...s, devices: redo.map((m) => s.devices[m]), ...(s.gainsDb ? { gainsDb: redo.map((m) => s.gainsDb![m]) } : {}) };
  const subPre: Precomputed = {
    M: redo.length, N: pre.N, profiles: pre.profiles,
    rateMbps: redo.map((m) => pre.rateMbps[m]), localS: redo.map((m) => pre.localS[m]), localEnergyJ: redo.map((m) => pre.localEnergyJ[m]),
  };
  const alpha = new Array<number>(redo.length).fill(0);
  const beta = new Array<number>(redo.length).fill(0);
  const lambda = new Array<number>(redo.length).fill(0);
  const at = new Map(redo.map((m, i) => [m, i]));
  state.members.forEach((list, n) => {
    const a = state.alloc[n];
    if (!a) return;
    list.forEach((m, i) => { const j = at.get(m); if (j !== undefined) { alpha[j] = a.alpha[i]; beta[j] = a.beta[i]; lambda[j] = a.lambda[i]; } });
  });
  const placement: Placement[] = redo.map((m) => {
    const c = state.choice[m];
    if (c < 0) return { server: -1 };
    const o = state.tasks[m].options[c];
    return { server: o.server, split: o.split };
  });
  const part = buildResult(sub, subPre, algorithm, placement, { kind: 'given', alpha, beta, lambda }, extra);
  const fresh = new Map(part.tasks.map((t) => [t.device, t]));
  const tasks: TaskResult[] = s.devices.map((d) => fresh.get(d.id) ?? previousRows.get(d.id)!);
  return resultFromRows(algorithm, tasks, { lowerBound: extra.lowerBound, info: { ...(part.info ?? {}), rowsRebuilt: redo.length } });
}
