import type { Scenario } from './model.ts';
import { fullShareLatency, offloadTimes, paSplits, type Precomputed, type Split } from './physics.ts';

/**
 * Stage 1 (21): for every device–server pair, with the whole of each resource, the split of
 * least latency among those that meet the deadline, or the split of least latency when none
 * does. `splitsOf` chooses the candidates (PA: k = 1..K to the cloud).
 */
export function layerSearch(s: Scenario, pre: Precomputed, splitsOf: (n: number) => Split[] = (n) => paSplits(pre.profiles[n])): Split[][] {
  return s.devices.map((d, m) => s.servers.map((_, n) => {
    let best: Split | undefined;
    let bestLatency = Infinity;
    let bestMeets = false;
    for (const split of splitsOf(n)) {
      const latency = fullShareLatency(offloadTimes(s, pre, m, n, split));
      const meets = latency <= d.deadlineS;
      if ((meets && !bestMeets) || (meets === bestMeets && latency < bestLatency)) {
        best = split;
        bestLatency = latency;
        bestMeets = meets;
      }
    }
    return best!;
  }));
}
