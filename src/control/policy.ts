import type { Result } from '../cnn-coop/model.ts';
import type { PlanMode } from './planner.ts';

/**
 * What the controller plans with, decided per planning round: which algorithm (by fleet size
 * unless the operator named one), with what time budget and hard deadline, and whether a full
 * solve or an incremental repair of the plan in force (when only a few devices changed).
 *
 * Size rule (`auto`): the paper's PA is the best planner for a few tens of devices but takes
 * over a minute at 1,000 devices on this machine (README, issue 10), so above `smallFleetMax`
 * devices the fleet-scale algorithm plans, or MDO where that algorithm is not installed.
 *
 * Load rule: on an overloaded cell (far more devices per server than the paper's, most
 * deadlines unmeetable) every round is a full solve, never a repair. Measured at 1,000 devices on
 * 8 paper servers (fleet as merged 08:38 UTC, budget 300 ms, load 5-7): a repair with 5 % of the
 * devices moved took as long as a full solve (both use the budget, 240-290 ms) and its plans'
 * total latency was 6,190-6,840 s against 4,780-6,740 s for full solves of the same states.
 * The algorithm stays `fleet` there: at L = 40 / 60 / 125 (resources scaled as `mec generate
 * --load-per-server L`) it planned in 0.3 s with totals of 2,380 / 3,621 / 4,715 s where mdo took
 * 0.9-1.5 s for 3,697 / 4,553 / 5,308 s. (Before the fleet planner's overload work, 08:15 UTC,
 * fleet's totals there were 2-3 times mdo's.)
 */
export interface PolicyOptions {
  /** 'auto' or a cnn-coop algorithm name. */
  algorithm: string;
  /** auto: fleets of at most this many devices are planned with `smallAlgorithm`. */
  smallFleetMax: number;
  smallAlgorithm: string;
  /** auto above smallFleetMax, and the fallback after a missed deadline. */
  largeAlgorithms: string[];
  /**
   * SolveOptions.timeBudgetMs for algorithms that honour it (0: none). 300 ms: a report waits
   * for up to two rounds, so the budget is what keeps report -> decision under 2 s. Measured at
   * 1,000 devices on 8 paper servers (08:40 UTC, load 5): fleet 0.26 s, total 6,502-6,662 s at
   * 300 ms; 0.86 s, 6,385-6,394 s at 1,000 ms (2-4 % better for 3 times the round); on the
   * fleet-scaled cell both finish in 0.1-0.2 s with the same plan.
   */
  budgetMs: number;
  /** A round not finished after this long is abandoned; the plan in force stays (0: never). */
  deadlineMs: number;
  /** Repair instead of a full solve when at most this fraction of the devices changed (0: never). */
  repairMaxFraction: number;
  /** While repairing, a full solve at least this often (s). */
  fullEveryS: number;
  /** A repaired plan whose mean latency per device exceeds the last full plan's by more than this fraction is doubtful. */
  repairSlack: number;
  /** A cell with more devices per paper-sized server than this (cellLoad) is overloaded: no repair there (0: never). */
  overloadedLoad: number;
}

export const DEFAULT_POLICY: PolicyOptions = {
  algorithm: 'auto', smallFleetMax: 30, smallAlgorithm: 'pa', largeAlgorithms: ['fleet', 'mdo'],
  budgetMs: 300, deadlineMs: 10_000, repairMaxFraction: 0.2, fullEveryS: 30, repairSlack: 0.05,
  overloadedLoad: 30,
};

/** The paper's MEC server (Table III): what one unit of capacity is in `cellLoad`. */
const PAPER_SERVER = { bandwidthMHz: 10, cpuGHz: 700, backhaulMbps: 100 };

/**
 * Devices per paper-sized server: the `L` of `mec generate --load-per-server` (docs/fleet.md),
 * read back from the servers' resources. A server counts as min(bandwidth / 10 MHz, CPU / 700
 * GHz) paper servers: every offloaded task needs the uplink and the edge CPU; the backhaul only
 * carries cloud splits, so it is left out (the generator scales all three together anyway).
 */
export function cellLoad(devices: number, servers: Array<{ bandwidthMHz: number; cpuGHz: number }>): number {
  const units = servers.reduce((sum, s) => sum + Math.min(s.bandwidthMHz / PAPER_SERVER.bandwidthMHz, s.cpuGHz / PAPER_SERVER.cpuGHz), 0);
  return units > 0 ? devices / units : Infinity;
}

export interface RoundInput {
  devices: number;
  /** Devices whose report changed, that joined or left since the plan in force. */
  changed: number;
  /** A server joined or changed since the plan in force (a server leaving can be repaired). */
  serversAdded: boolean;
  hasPrevious: boolean;
  /** Devices per paper-sized server (cellLoad); absent: not overloaded. */
  loadPerServer?: number;
  now: number;
}

export interface Round {
  algorithm: string;
  mode: PlanMode;
  budgetMs: number;
  deadlineMs: number;
  why: string;
}

interface FullStats { meanLatencyS: number; infeasibleShare: number }

export class PlanPolicy {
  private lastFullAt = -Infinity;
  private lastFull: FullStats | null = null;
  private fullWanted = true;
  /** After a missed deadline: plan with the fallback until this time (ms). */
  private degradedUntil = -Infinity;
  private missedLast = false;

  constructor(readonly opts: PolicyOptions, readonly available: { algorithms: string[]; repair: boolean }) {}

  /** The algorithm a full solve of `devices` devices uses. */
  algorithmFor(devices: number, now: number): string {
    const large = this.opts.largeAlgorithms.find((a) => this.available.algorithms.includes(a)) ?? 'mdo';
    if (now < this.degradedUntil) return large;
    if (this.opts.algorithm !== 'auto') return this.opts.algorithm;
    return devices <= this.opts.smallFleetMax ? this.opts.smallAlgorithm : large;
  }

  next(input: RoundInput): Round {
    // The deadline protects the plan in force from a runaway solve. Without a plan in force, or
    // right after a missed deadline, a late plan beats none or a stale one: no deadline then
    // (measured under load 30 on 2 cores: every 1,000-device round missed 10 s, and the fleet
    // was never planned).
    const deadlineMs = input.hasPrevious && !this.missedLast ? this.opts.deadlineMs : 0;
    const base = { budgetMs: this.opts.budgetMs, deadlineMs };
    const algorithm = this.algorithmFor(input.devices, input.now);
    // an overloaded cell is solved in full: a repair there is no faster and plans worse (above)
    const overloaded = this.opts.overloadedLoad > 0 && (input.loadPerServer ?? 0) > this.opts.overloadedLoad;
    const repairable = this.available.repair && this.opts.repairMaxFraction > 0 && input.hasPrevious && !input.serversAdded && !this.fullWanted && !overloaded;
    if (repairable && input.now - this.lastFullAt < this.opts.fullEveryS * 1000 && input.changed <= this.opts.repairMaxFraction * input.devices) {
      return { ...base, algorithm, mode: 'repair', why: `${input.changed} of ${input.devices} devices changed` };
    }
    const load = overloaded ? `, overloaded cell: ${input.loadPerServer!.toFixed(0)} devices per paper-sized server` : '';
    return { ...base, algorithm, mode: 'full', why: (this.fullWanted ? 'full plan due' : `${input.changed} of ${input.devices} devices changed`) + load };
  }

  /** Records a round's outcome; a doubtful repair asks for a full solve next. */
  done(round: Round, outcome: { ok: true; result: Result } | { ok: false; missedDeadline?: boolean }, now: number): { doubtful: boolean } {
    this.missedLast = !outcome.ok && outcome.missedDeadline === true;
    if (!outcome.ok) {
      if (outcome.missedDeadline && round.mode === 'full') this.degradedUntil = now + this.opts.fullEveryS * 1000;
      // a failed repair falls back to a full solve
      if (round.mode === 'repair') this.fullWanted = true;
      return { doubtful: false };
    }
    const stats = statsOf(outcome.result);
    if (round.mode === 'full') {
      this.lastFull = stats;
      this.lastFullAt = now;
      this.fullWanted = false;
      return { doubtful: false };
    }
    const ref = this.lastFull;
    const doubtful = ref !== null && (stats.meanLatencyS > ref.meanLatencyS * (1 + this.opts.repairSlack) || stats.infeasibleShare > ref.infeasibleShare + 0.01);
    if (doubtful) this.fullWanted = true;
    return { doubtful };
  }

  /** The servers changed in a way repair does not cover, or the operator asked: solve in full next. */
  wantFull(): void {
    this.fullWanted = true;
  }
}

function statsOf(r: Result): FullStats {
  const n = Math.max(1, r.tasks.length);
  return { meanLatencyS: r.totalLatencyS / n, infeasibleShare: r.tasks.filter((t) => !t.meetsDeadline).length / n };
}
