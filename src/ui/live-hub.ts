import type { EventEmitter } from 'node:events';
import { getSystem } from '../systems.ts';
import { planView } from './view/index.ts';
import { describeScenario } from './view/describe.ts';
import type { LiveSource } from './live.ts';
import type { AgentRow, DeviceRow, LatencyPoint, LiveEvent, LiveSnapshot, LiveState, PlanPoint, RefusedEvent } from './live-types.ts';

/**
 * Watches an in-process controller for the Live tab. It listens to the controller's events
 * ('planned', 'plan-failed', 'refused', 'reports-acked', 'agent-connected', 'agent-disconnected')
 * and reads its state (servers, devices, the plan in force); it never writes to it.
 *
 * Report -> decision latency is measured at the controller: from the commit of a device's report
 * (its `updatedAt`) to the push of the first plan computed from it. A plan computed from that
 * very report is recognised by its basis (the report's seq, with its epoch where the controller
 * records one), so a report overtaken by a newer one before any plan is not counted.
 */
export interface ControllerLike extends EventEmitter {
  servers: Map<string, { info: { x: number; y: number; cpuGHz: number; bandwidthMHz: number; backhaulMbps: number }; updatedAt: number; conn: unknown }>;
  devices: Map<string, { report: { deviceId: string; seq: number; epoch?: number }; via: string | null; updatedAt: number }>;
  latest: {
    header: { planId: number; createdAt: number; algorithm: string; status: string; verified: boolean; totalLatencyS: number; trigger: string; solveMs: number };
    stored: { scenario: unknown; result: unknown; basis: Record<string, unknown> };
  } | null;
  lastPlanError: string | null;
}

const KEEP_PLANS = 300;
const KEEP_LATENCIES = 1000;
const KEEP_REFUSED = 100;
const RECENT_DEVICES = 50;
/** Reports and agent changes are pushed at most this often (a fleet of 1,000 reports 1,000 times a second). */
export const PUSH_INTERVAL_MS = 500;

export class LiveHub implements LiveSource {
  /** Listener -> what ends its stream. */
  private readonly listeners = new Map<(e: LiveEvent) => void, (() => void) | undefined>();
  private readonly plans: PlanPoint[] = [];
  private readonly latencies: LatencyPoint[] = [];
  private readonly refused: RefusedEvent[] = [];
  private refusedTotal = 0;
  private reportsTotal = 0;
  /** Whether the controller announces its acks; without them reports are counted as device updates seen. */
  private ackEvents = false;
  /** Devices' updatedAt already announced. */
  private seenUpTo = 0;
  private lastAgents = '';
  private readonly timer: NodeJS.Timeout;
  private readonly handlers: Array<[string, (...args: any[]) => void]>;

  constructor(private readonly ctl: ControllerLike) {
    if (ctl.latest) this.plans.push(this.pointOf(ctl.latest));
    this.seenUpTo = Math.max(0, ...[...ctl.devices.values()].map((d) => d.updatedAt));
    this.handlers = [
      ['planned', (latest: NonNullable<ControllerLike['latest']>) => this.onPlanned(latest)],
      ['plan-failed', (reason: string) => this.emit({ type: 'plan-failed', at: Date.now(), reason: String(reason) })],
      ['refused', (e: { peer?: string; error?: string; message?: string }) => this.onRefused(e)],
      ['reports-acked', (e: { accepted?: number }) => {
        this.ackEvents = true;
        this.reportsTotal += Number(e.accepted ?? 0);
      }],
      ['agent-connected', () => this.tick()],
      ['agent-disconnected', () => this.tick()],
    ];
    for (const [event, handler] of this.handlers) ctl.on(event, handler);
    this.timer = setInterval(() => this.tick(), PUSH_INTERVAL_MS);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    for (const [event, handler] of this.handlers) this.ctl.off(event, handler);
    const ends = [...this.listeners.values()];
    this.listeners.clear();
    // open streams end now: the controller's HTTP server waits for them before it can stop
    for (const end of ends) end?.();
  }

  subscribe(listener: (e: LiveEvent) => void, end?: () => void): () => void {
    this.listeners.set(listener, end);
    return () => this.listeners.delete(listener);
  }

  snapshot(): LiveSnapshot {
    return { ...this.state(), plans: [...this.plans], latencies: [...this.latencies], refused: { total: this.refusedTotal, recent: [...this.refused] } };
  }

  latestPlan(): ReturnType<LiveSource['latestPlan']> {
    const latest = this.ctl.latest;
    if (!latest) return null;
    const system = getSystem('cnn-coop');
    const scenario = system.parseScenario(latest.stored.scenario);
    const result = system.parseResult(latest.stored.result);
    // the controller checked this plan before pushing it; the view shows the checker's own report
    const view = planView(system, scenario, result, system.verify(scenario, result));
    return { system: 'cnn-coop', scenario: latest.stored.scenario, summary: describeScenario('cnn-coop', scenario), result: result as unknown as Record<string, unknown>, view, notes: [`plan ${latest.header.planId} of the controller (${latest.header.trigger})`] };
  }

  private emit(e: LiveEvent): void {
    for (const l of this.listeners.keys()) l(e);
  }

  private state(): LiveState {
    const agents: AgentRow[] = [...this.ctl.servers].map(([serverId, s]) => ({
      serverId, connected: s.conn !== null, updatedAt: s.updatedAt,
      x: s.info.x, y: s.info.y, cpuGHz: s.info.cpuGHz, bandwidthMHz: s.info.bandwidthMHz, backhaulMbps: s.info.backhaulMbps,
    }));
    return { at: Date.now(), agents, devices: { total: this.ctl.devices.size, recent: this.recentDevices(0, RECENT_DEVICES) }, reports: { total: this.reportsTotal }, lastPlanError: this.ctl.lastPlanError };
  }

  private recentDevices(after: number, limit: number): DeviceRow[] {
    const rows: DeviceRow[] = [];
    for (const d of this.ctl.devices.values()) if (d.updatedAt > after) rows.push({ deviceId: d.report.deviceId, seq: d.report.seq, via: d.via, updatedAt: d.updatedAt });
    return rows.sort((a, b) => b.updatedAt - a.updatedAt).slice(0, limit);
  }

  /** Announces reports committed since the last tick, and agent changes. */
  private tick(): void {
    const fresh = this.recentDevices(this.seenUpTo, Infinity);
    if (fresh.length > 0) {
      this.seenUpTo = fresh[0].updatedAt;
      if (!this.ackEvents) this.reportsTotal += fresh.length;
      this.emit({ type: 'reports', at: Date.now(), count: fresh.length, devices: fresh.slice(0, RECENT_DEVICES) });
    }
    const state = this.state();
    const agents = JSON.stringify(state.agents.map((a) => [a.serverId, a.connected]));
    if (fresh.length > 0 || agents !== this.lastAgents) {
      this.lastAgents = agents;
      this.emit({ type: 'state', state });
    }
  }

  private pointOf(latest: NonNullable<ControllerLike['latest']>): PlanPoint {
    const h = latest.header;
    return { planId: h.planId, at: h.createdAt, algorithm: h.algorithm, status: h.status, verified: h.verified, totalLatencyS: h.totalLatencyS, solveMs: h.solveMs, trigger: h.trigger, devices: Object.keys(latest.stored.basis).length };
  }

  private onPlanned(latest: NonNullable<ControllerLike['latest']>): void {
    // reports committed before this push are announced first, so the page sees report then decision
    this.tick();
    const pushedAt = Date.now();
    const previous = this.plans.at(-1);
    const since = previous && previous.planId !== latest.header.planId ? previous.at : -Infinity;
    const fresh: LatencyPoint[] = [];
    for (const [deviceId, basis] of Object.entries(latest.stored.basis)) {
      const d = this.ctl.devices.get(deviceId);
      if (!d || d.updatedAt <= since || !sameReport(basis, d.report)) continue;
      fresh.push({ at: pushedAt, deviceId, ms: pushedAt - d.updatedAt });
    }
    const point = this.pointOf(latest);
    this.plans.push(point);
    if (this.plans.length > KEEP_PLANS) this.plans.splice(0, this.plans.length - KEEP_PLANS);
    this.latencies.push(...fresh);
    if (this.latencies.length > KEEP_LATENCIES) this.latencies.splice(0, this.latencies.length - KEEP_LATENCIES);
    this.emit({ type: 'plan', plan: point, latencies: fresh });
  }

  private onRefused(e: { peer?: string; error?: string; message?: string }): void {
    const event: RefusedEvent = { at: Date.now(), from: String(e.peer ?? 'unknown'), code: String(e.error ?? 'refused'), message: String(e.message ?? '') };
    this.refusedTotal++;
    this.refused.unshift(event);
    if (this.refused.length > KEEP_REFUSED) this.refused.length = KEEP_REFUSED;
    this.emit({ type: 'refused', event, total: this.refusedTotal });
  }
}

/** A plan's basis entry names this report: the seq (older controllers) or [epoch, seq]. */
function sameReport(basis: unknown, report: { seq: number; epoch?: number }): boolean {
  if (typeof basis === 'number') return basis === report.seq;
  if (Array.isArray(basis) && basis.length === 2) return basis[0] === (report.epoch ?? 0) && basis[1] === report.seq;
  return false;
}
