import type { Result } from '../cnn-coop/model.ts';
import type { DeviceDecision } from './protocol.ts';
import { decisionsOf, type PlanBasis, type PlanHeader } from './scenario.ts';
import type { StoredPlan } from './store.ts';

/** The plan in force as the controller keeps it: header, stored row, each device's decision. */
export interface LatestPlan {
  header: PlanHeader & { trigger: string; logSeq: number; solveMs: number; mode: string };
  stored: StoredPlan;
  decisions: Map<string, DeviceDecision>;
  /** The planner thread's handle on the objects it planned (a repair starts from them); absent after a restart. */
  plannerRef?: string;
}

/** Devices that joined, left or sent a newer report between two plans' bases. */
export function changedDevices(before: PlanBasis, now: PlanBasis): number {
  let n = 0;
  const key = (b: [number, number] | number | undefined) => (b === undefined ? '' : typeof b === 'number' ? `0:${b}` : `${b[0]}:${b[1]}`);
  for (const id in now) if (key(before[id]) !== key(now[id])) n++;
  for (const id in before) if (!(id in now)) n++;
  return n;
}

export function toLatest(stored: StoredPlan, mode = 'full'): LatestPlan {
  const header = {
    planId: stored.id, createdAt: stored.createdAt, algorithm: stored.algorithm, status: stored.status, verified: stored.verified,
    totalLatencyS: stored.totalLatencyS, trigger: stored.trigger, logSeq: stored.logSeq, solveMs: stored.solveMs, mode,
  };
  return { header, stored, decisions: decisionsOf(stored.result as Pick<Result, 'tasks'>, stored.id, stored.basis) };
}
