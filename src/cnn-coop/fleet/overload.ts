import type { Scenario } from '../model.ts';
import { distanceM } from '../../core/channel.ts';
import { fullShareLatency, offloadTimes, paSplits, type Precomputed, type Split } from '../physics.ts';
import { allocTask } from '../plan.ts';
import type { TaskOptions } from '../options.ts';

/**
 * Overloaded instances (more work than the servers can finish by the deadlines, e.g. the paper's
 * per-server resources with 125 devices a server): what fleet does there, and why.
 *
 * The fleet planner's exact cost puts feasibility first (a penalty per missed deadline), which is
 * right when every deadline can be met and wrong when most cannot: measured at M = 200, N = 4 it
 * took moves that met 8 more deadlines for 33 % more total latency (1,008 s vs mdo's 759 s), and at
 * M = 1,000, N = 8 its plan summed to 24,000 s against mdo's 5,259 s, because the allocation (30)
 * keeps every deadline it can and leaves the tasks it gave up the crumbs (latencies of minutes),
 * while mdo sends such a task back to its device when that is faster. Once a plan with every
 * deadline met is out of reach the objective is the one the result reports, the total latency,
 * late tasks included; so fleet then (when more than OVERLOAD_SHARE of the tasks are late; with
 * fewer, the plan stays deadlines-first and only the send-back rule below is applied)
 *  - judges in the latency mode (fleet/state.ts): penalty 0, local allowed to every task, and a
 *    given-up task that is faster on its own device sent back there (mdo's rule);
 *  - starts from the better of its own start and mdo's placement (`mdoChoice`), judged the same
 *    way, and only takes moves that lower the total: so its total is never above that seed's.
 * The per-server allocation still keeps every deadline it can (the same rule as mdo's), so late
 * counts stay comparable; a pure total-latency judge (closed form, every deadline ignored) would
 * be lower still and miss more deadlines: not chosen.
 */

/** Share of the fleet's tasks that must miss their deadline in the greedy start for the instance to count as overloaded. */
export const OVERLOAD_SHARE = 0.05;

/**
 * mdo's placement (algorithms/mdo.ts): each task on its nearest server (highest gain when the
 * scenario gives gains), with the stage-1 split (layer-search.ts: the fastest of k = 1..K to the
 * cloud that meets the deadline with the whole server, else the fastest). Returns each task's
 * option index; where the option is missing from the task's candidates (it may be dominated or
 * miss the deadline alone, which they drop), `tasks[m]` is replaced by a copy with it appended.
 */
export function mdoChoice(s: Scenario, pre: Precomputed, tasks: TaskOptions[]): Int32Array {
  const choice = new Int32Array(tasks.length);
  s.devices.forEach((d, m) => {
    let n = 0;
    for (let j = 1; j < s.servers.length; j++) {
      const closer = s.gainsDb ? s.gainsDb[m][j] > s.gainsDb[m][n]
        : distanceM(d.x, d.y, s.servers[j].x, s.servers[j].y) < distanceM(d.x, d.y, s.servers[n].x, s.servers[n].y);
      if (closer) n = j;
    }
    let split: Split | undefined;
    let bestLatency = Infinity;
    let bestMeets = false;
    for (const sp of paSplits(pre.profiles[n])) {
      const latency = fullShareLatency(offloadTimes(s, pre, m, n, sp));
      const meets = latency <= d.deadlineS;
      if ((meets && !bestMeets) || (meets === bestMeets && latency < bestLatency)) { split = sp; bestLatency = latency; bestMeets = meets; }
    }
    const opts = tasks[m].options;
    let c = opts.findIndex((o) => o.server === n && o.split!.layers === split!.layers && o.split!.finishAt === split!.finishAt);
    if (c < 0) {
      // A new TaskOptions (not pushed into the old one: a state built on it keeps its numbering).
      const task = allocTask(s, pre, m, n, split!);
      tasks[m] = { ...tasks[m], options: [...opts, { server: n, split, task, aloneS: task.txS + task.computeS + task.backhaulS + task.fixedS }] };
      c = opts.length;
    }
    choice[m] = c;
  });
  return choice;
}
