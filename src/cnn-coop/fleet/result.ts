import type { Result, Scenario } from '../model.ts';
import type { Precomputed } from '../physics.ts';
import { buildResult, type Placement } from '../plan.ts';
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
