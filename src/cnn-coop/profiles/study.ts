import type { CnnProfile, Result, Scenario, TaskResult } from '../model.ts';
import { parseScenario } from '../model.ts';
import { generateScenario } from '../generate.ts';
import { pa } from '../algorithms/pa.ts';
import { withProfile } from './experiments.ts';

/**
 * "Where should I split this network for my devices?": run PA with the profile on every server
 * and count where its plans cut the network. On the user's own scenario the devices' local costs
 * are theirs; on the paper's Table III scenarios they are scaled to the network (withProfile).
 */
export interface SplitStudy {
  scenarios: number;
  tasks: number;
  deadlinesMet: number;
  meanTotalLatencyS: number;
  /** Where tasks end up, in network order: local, raw input to the cloud, each split point, all at the edge. */
  choices: Array<{ where: string; tasks: number }>;
}

export function whereLabel(t: TaskResult, profile: CnnProfile): string {
  if (t.place === 'local' || t.finishAt === 'device') return 'local (device)';
  if (t.finishAt === 'edge') return 'all at the edge';
  if (t.layers === 0) return 'raw input to the cloud';
  return `after ${profile.layerNames?.[t.layers - 1] ?? `split ${t.layers}`} (k=${t.layers})`;
}

function summarise(profile: CnnProfile, runs: Array<{ scenario: Scenario; result: Result }>): SplitStudy {
  const order = ['local (device)', 'raw input to the cloud',
    ...profile.reduction.map((_, k) => `after ${profile.layerNames?.[k] ?? `split ${k + 1}`} (k=${k + 1})`), 'all at the edge'];
  const counts = new Map(order.map((w) => [w, 0]));
  let tasks = 0, met = 0, latency = 0;
  for (const { result } of runs) {
    latency += result.totalLatencyS;
    for (const t of result.tasks) {
      const w = whereLabel(t, profile);
      counts.set(w, (counts.get(w) ?? 0) + 1);
      tasks++;
      if (t.meetsDeadline) met++;
    }
  }
  return {
    scenarios: runs.length, tasks, deadlinesMet: met, meanTotalLatencyS: latency / Math.max(1, runs.length),
    choices: [...counts].map(([where, n]) => ({ where, tasks: n })),
  };
}

/** PA on `runs` seeded Table III scenarios (seeds 1..runs, N = 2) with the profile on both servers. */
export function studyDefaultScenarios(name: string, profile: CnnProfile, runs: number, devices: number): SplitStudy {
  const all = Array.from({ length: runs }, (_, i) => {
    const scenario = withProfile(generateScenario({ seed: i + 1, devices, servers: 2 }), name, profile);
    return { scenario, result: pa.solve(scenario) };
  });
  return summarise(profile, all);
}

/** PA on the user's scenario with every server running this profile (devices unchanged). */
export function studyScenario(raw: unknown, name: string, profile: CnnProfile): SplitStudy {
  const s = parseScenario(raw);
  const scenario = parseScenario({ ...s, cnnProfiles: { [name]: profile }, servers: s.servers.map((x) => ({ ...x, cnnProfile: name })) });
  return summarise(profile, [{ scenario, result: pa.solve(scenario) }]);
}
