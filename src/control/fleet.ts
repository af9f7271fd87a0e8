import { createRng, type Rng } from '../core/rng.ts';
import { median, quantile } from '../core/stats.ts';
import { DeviceClient, type DeviceState } from './device.ts';
import type { DeviceDecision } from './protocol.ts';

/**
 * `mec devices --count N`: a fleet of simulated devices, each a DeviceClient. They walk the
 * area by random waypoints and report their position and task every period; tasks are drawn as
 * in the paper's Table III (the same ranges as `mec generate cnn-coop`). The fleet measures the
 * two numbers a user of the control plane cares about: reports acknowledged per second, and the
 * time from a report to the first decision computed from it.
 */
export interface FleetOptions {
  agentUrls: string[];
  token: string;
  count: number;
  idPrefix: string;
  seed: number;
  areaM: number;
  speedMps: number;
  periodS: number;
  log?: (line: string) => void;
}

interface SimDevice {
  client: DeviceClient;
  state: DeviceState & { x: number; y: number };
  target: { x: number; y: number };
  rng: Rng;
  /** seq -> time it was sent (ms), until a decision based on it arrives. */
  sentAt: Map<number, number>;
}

export interface FleetStats {
  devices: number;
  admitted: number;
  reportsSent: number;
  reportsAcked: number;
  /** Acknowledged as duplicates: the controller already held this report or a newer one (not stored). */
  duplicates: number;
  decisions: number;
  /** Report -> first decision based on it (or on a later report), ms. */
  latencyMs: number[];
  ackMs: number[];
}

export class Fleet {
  readonly devices: SimDevice[] = [];
  readonly stats: FleetStats = { devices: 0, admitted: 0, reportsSent: 0, reportsAcked: 0, duplicates: 0, decisions: 0, latencyMs: [], ackMs: [] };
  private timer: NodeJS.Timeout | null = null;
  /**
   * Only reports sent before this time (performance.now() ms) count in latencyMs. A measurement
   * window sets it at its end and waits for those reports' decisions: cutting the samples at the
   * window's end instead would drop the slowest answers of its last seconds, not a fair sample.
   */
  countSentBefore = Infinity;

  constructor(readonly opts: FleetOptions) {
    const rng = createRng(opts.seed);
    for (let i = 0; i < opts.count; i++) {
      const r = rng.fork(`device ${i}`);
      const deviceId = `${opts.idPrefix}${i + 1}`;
      const client = new DeviceClient({ agentUrl: opts.agentUrls[i % opts.agentUrls.length], token: opts.token, deviceId });
      const state = {
        x: r.uniform(0, opts.areaM), y: r.uniform(0, opts.areaM),
        dataMbit: r.uniform(1, 10), minRateMbps: 1, deadlineS: r.uniform(1, 2), txPowerW: 0.6,
        cpuGHz: r.pick([2, 4]), gigacyclesPerMbit: r.uniform(2, 4),
      };
      const dev: SimDevice = { client, state, target: { x: r.uniform(0, opts.areaM), y: r.uniform(0, opts.areaM) }, rng: r, sentAt: new Map() };
      client.on('ack', (seq: number, duplicate: boolean) => {
        this.stats.reportsAcked++;
        if (duplicate) this.stats.duplicates++;
        const t = dev.sentAt.get(seq);
        if (t !== undefined) this.stats.ackMs.push(performance.now() - t);
      });
      client.on('decision', (d: DeviceDecision) => this.onDecision(dev, d));
      this.devices.push(dev);
    }
    this.stats.devices = opts.count;
  }

  private onDecision(dev: SimDevice, d: DeviceDecision): void {
    this.stats.decisions++;
    const now = performance.now();
    // every report up to the one the plan used is now answered (a decision based on an earlier
    // run of this device, a smaller epoch, answers none of this run's)
    if (d.basedOnEpoch !== undefined && d.basedOnEpoch !== dev.client.epoch) return;
    for (const [seq, t] of dev.sentAt) {
      if (seq <= d.basedOnSeq) {
        if (t < this.countSentBefore) this.stats.latencyMs.push(now - t);
        dev.sentAt.delete(seq);
      }
    }
  }

  /**
   * Connects every device (a few at a time, so an agent is not flooded by handshakes). The first
   * refusal (a token that does not cover an id, ...) stops the lot and rejects with it.
   */
  async connect(concurrency = 50): Promise<void> {
    let next = 0;
    let failed: Error | null = null;
    const worker = async () => {
      while (next < this.devices.length && !failed) {
        const dev = this.devices[next++];
        try {
          await dev.client.connect();
          this.stats.admitted++;
        } catch (err) {
          failed ??= new Error(`device ${dev.client.opts.deviceId} was refused: ${(err as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.devices.length) }, worker));
    if (failed) {
      for (const dev of this.devices) dev.client.close();
      throw failed;
    }
  }

  private move(dev: SimDevice, dtS: number): void {
    const dx = dev.target.x - dev.state.x;
    const dy = dev.target.y - dev.state.y;
    const dist = Math.hypot(dx, dy);
    const stepM = this.opts.speedMps * dtS;
    if (dist <= stepM) {
      dev.state.x = dev.target.x;
      dev.state.y = dev.target.y;
      dev.target = { x: dev.rng.uniform(0, this.opts.areaM), y: dev.rng.uniform(0, this.opts.areaM) };
    } else {
      dev.state.x += (dx / dist) * stepM;
      dev.state.y += (dy / dist) * stepM;
    }
  }

  private reportOne(dev: SimDevice): void {
    const seq = dev.client.report({ ...dev.state });
    dev.sentAt.set(seq, performance.now());
    this.stats.reportsSent++;
  }

  /**
   * Reports every period until stop(); each device once a period, staggered evenly. The number of
   * reports due is computed from the elapsed time, so a late timer catches up instead of
   * silently lowering the offered rate.
   */
  run(): void {
    const periodMs = this.opts.periodS * 1000;
    const t0 = performance.now();
    let sent = 0;
    this.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - t0) / periodMs) * this.devices.length);
      for (; sent < due; sent++) {
        const dev = this.devices[sent % this.devices.length];
        this.move(dev, this.opts.periodS);
        this.reportOne(dev);
      }
    }, 10);
  }

  /** Reports sent before `t` that no decision has answered yet. */
  unansweredBefore(t: number): number {
    let n = 0;
    for (const dev of this.devices) for (const sent of dev.sentAt.values()) if (sent < t) n++;
    return n;
  }

  stop(opts: { leave?: boolean } = {}): void {
    if (this.timer) clearInterval(this.timer);
    for (const dev of this.devices) dev.client.close(opts);
  }

  summary(): Record<string, number> {
    const l = this.stats.latencyMs;
    const a = this.stats.ackMs;
    return {
      devices: this.stats.devices, admitted: this.stats.admitted, reportsSent: this.stats.reportsSent, reportsAcked: this.stats.reportsAcked,
      duplicates: this.stats.duplicates, decisions: this.stats.decisions,
      ackMedianMs: a.length ? median(a) : NaN, ackP99Ms: a.length ? quantile(a, 0.99) : NaN,
      decisionMedianMs: l.length ? median(l) : NaN, decisionP99Ms: l.length ? quantile(l, 0.99) : NaN,
    };
  }
}
