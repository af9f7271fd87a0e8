import { createServer, type Server } from 'node:http';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Store, type IncomingReport, type ReportOutcome, type StoredDevice, type StoredPlan } from './store.ts';
import { RateLimiters, type TokenRecord } from './auth.ts';
import type { DeviceDecision, ServerInfo } from './protocol.ts';
import { buildScenario, decisionsOf, planMessageFor, DEFAULT_BASE, type PlanHeader, type ScenarioBase } from './scenario.ts';
import type { Planner } from './planner.ts';
import type { Result } from '../cnn-coop/model.ts';
import { handleHttp, handleUpgrade } from './api.ts';

/**
 * The GTME: keeps the current state (servers from their agents, devices from their reports),
 * re-plans on change and on a timer, and pushes each server's part of the plan to its agent.
 *
 *   agent --hello/reports/admit/leave--> agent-link.ts [validate, authorise, rate-limit] --> group commit (SQLite)
 *     --> ack to agent --> state changed --> debounce --> planner thread --> verify --> store plan
 *     --> push per-server plan messages
 *
 * Nothing reaches the in-memory state before it is committed, so whatever was acknowledged is
 * what a restarted controller reloads.
 */
export interface ControllerOptions {
  host: string;
  port: number;
  dbPath: string;
  planner: Planner;
  /** Changes within this window are planned together. */
  debounceMs: number;
  /** Re-plan at least this often, even without changes (0 = never). */
  replanS: number;
  maxBodyBytes: number;
  /** Messages (a batch counts one per report) per second per token; 0 = unlimited. */
  rateLimitPerS: number;
  /** Devices silent for longer are left out of plans (0 = never). */
  deviceTtlS: number;
  keepPlans: number;
  synchronous?: 'FULL' | 'NORMAL';
  base?: ScenarioBase;
  log?: (line: string) => void;
}

export interface AgentConn {
  ws: WebSocket;
  token: TokenRecord;
  serverId: string | null;
  /** Devices whose tokens this connection's agent presented and the controller accepted. */
  admitted: Set<string>;
  malformed: number;
}

interface ServerState {
  info: ServerInfo;
  updatedAt: number;
  conn: AgentConn | null;
}

interface PendingUnit {
  items: IncomingReport[];
  done: (outcomes: ReportOutcome[] | null, error?: Error) => void;
}

export interface LatestPlan {
  header: PlanHeader & { trigger: string; logSeq: number; solveMs: number };
  stored: StoredPlan;
  decisions: Map<string, DeviceDecision>;
}

/** Events: 'planned' (LatestPlan, after the push), 'plan-failed' (reason). */
export class Controller extends EventEmitter {
  readonly store: Store;
  readonly servers = new Map<string, ServerState>();
  readonly devices: Map<string, StoredDevice>;
  latest: LatestPlan | null = null;
  lastPlanError: string | null = null;
  readonly limiters: RateLimiters;
  readonly wss: WebSocketServer;
  private http: Server | null = null;
  private pending: PendingUnit[] = [];
  private flushScheduled = false;
  private dirtyReason: string | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private replanTimer: NodeJS.Timeout | null = null;
  private planning: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = 1000;
  private stopped = false;
  readonly log: (line: string) => void;

  constructor(readonly opts: ControllerOptions) {
    super();
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.store = new Store(opts.dbPath, { synchronous: opts.synchronous });
    this.devices = this.store.devices();
    for (const s of this.store.servers()) this.servers.set(s.serverId, { info: s.info, updatedAt: s.updatedAt, conn: null });
    const stored = this.store.latestPlan();
    if (stored) this.latest = toLatest(stored);
    this.limiters = new RateLimiters(opts.rateLimitPerS, Math.max(1, 2 * opts.rateLimitPerS));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxBodyBytes });
  }

  async start(): Promise<number> {
    const server = createServer((req, res) => handleHttp(this, req, res));
    server.on('upgrade', (req, socket, head) => handleUpgrade(this, req, socket, head));
    // a client that trickles its headers or body does not hold a connection for long
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    this.http = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const stats = this.store.logStats();
    this.log(`controller: resumed ${this.devices.size} devices, ${this.servers.size} known servers, ${stats.reports} logged reports, plan ${this.latest?.header.planId ?? 'none'}`);
    if (this.opts.replanS > 0) {
      this.replanTimer = setInterval(() => this.requestPlan('timer', 0), this.opts.replanS * 1000);
    }
    return port;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.replanTimer) clearInterval(this.replanTimer);
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const ws of this.wss.clients) ws.close(1001, 'controller stopping');
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
    // a long solve is abandoned rather than waited for; its plan would not be pushed anyway
    await this.opts.planner.close();
    await this.planning;
    this.flush();
    this.store.close();
  }

  // ---- reports: group commit ----

  /** Queues reports for the next commit; `done` runs after the commit (outcomes) or on failure. */
  submitReports(unit: PendingUnit): void {
    this.pending.push(unit);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const units = this.pending;
    this.pending = [];
    if (units.length === 0) return;
    const items = units.flatMap((u) => u.items);
    let committed: ReturnType<Store['commitReports']>;
    try {
      committed = this.store.commitReports(items);
    } catch (err) {
      this.log(`controller: commit failed: ${(err as Error).message}`);
      for (const u of units) u.done(null, err as Error);
      return;
    }
    const now = Date.now();
    let changed = false;
    items.forEach((it, i) => {
      if (committed.outcomes[i] !== 'accepted') return;
      this.devices.set(it.report.deviceId, { report: it.report, via: it.via, updatedAt: now, logSeq: committed.logSeqs[i] });
      changed = true;
    });
    let k = 0;
    for (const u of units) {
      u.done(committed.outcomes.slice(k, k + u.items.length));
      k += u.items.length;
    }
    if (changed) this.requestPlan('reports');
  }

  removeDevice(deviceId: string, via: string | null): boolean {
    const known = this.store.removeDevice(deviceId, via);
    if (known) {
      this.devices.delete(deviceId);
      this.requestPlan('device left');
    }
    return known;
  }

  // ---- planning ----

  /** Plans within `delayMs` (default: the debounce window); requests in the window share one plan. */
  requestPlan(reason: string, delayMs = this.opts.debounceMs): void {
    if (this.stopped) return;
    this.dirtyReason ??= reason;
    if (this.planning) return; // picked up when the running plan ends
    if (this.debounceTimer && delayMs > 0) return;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      this.planning = this.planNow().catch((err: Error) => {
        // a bug or a storage failure in one plan must not take the controller down
        this.log(`controller: planning failed: ${err.stack ?? err.message}`);
        this.planFailed(err.message);
      }).finally(() => {
        this.planning = null;
        if (this.dirtyReason) this.requestPlan(this.dirtyReason);
      });
    }, delayMs);
  }

  connectedServers(): Array<{ serverId: string; info: ServerInfo }> {
    return [...this.servers].filter(([, s]) => s.conn !== null).map(([serverId, s]) => ({ serverId, info: s.info }));
  }

  private async planNow(): Promise<void> {
    const trigger = this.dirtyReason ?? 'timer';
    this.dirtyReason = null;
    const servers = this.connectedServers();
    const cutoff = this.opts.deviceTtlS > 0 ? Date.now() - this.opts.deviceTtlS * 1000 : -Infinity;
    const devices = [...this.devices.values()].filter((d) => d.updatedAt >= cutoff);
    if (servers.length === 0 || devices.length === 0) {
      this.log(`controller: nothing to plan (${servers.length} connected servers, ${devices.length} devices)`);
      return;
    }
    const scenario = buildScenario(servers, devices, this.opts.base ?? DEFAULT_BASE);
    const basis: Record<string, number> = {};
    const via: Record<string, string | null> = {};
    let logSeq = 0;
    for (const d of devices) {
      basis[d.report.deviceId] = d.report.seq;
      via[d.report.deviceId] = d.via;
      logSeq = Math.max(logSeq, d.logSeq);
    }
    const outcome = await this.opts.planner.plan(scenario);
    if (this.stopped) return;
    if (!outcome.ok) {
      this.log(`controller: planning failed (${trigger}): ${outcome.error}`);
      this.planFailed(outcome.error);
      return;
    }
    const r = outcome.result;
    if (!outcome.verified) this.log(`controller: plan fails the independent check: ${outcome.issues.map((i) => `${i.task ?? ''} ${i.constraint}: ${i.message}`).join('; ')}`);
    const plan: Omit<StoredPlan, 'id'> = {
      createdAt: Date.now(), algorithm: r.algorithm, trigger, logSeq, status: r.status, verified: outcome.verified,
      totalLatencyS: r.totalLatencyS, solveMs: outcome.solveMs, scenario, result: r, basis, via,
    };
    const id = this.store.savePlan(plan, this.opts.keepPlans);
    if (!outcome.verified) {
      // kept for diagnosis, never pushed: the plan in force stays the last one that checked out
      this.planFailed(`plan ${id} failed the independent check`);
      return;
    }
    this.latest = toLatest({ id, ...plan });
    this.log(`controller: plan ${id} (${trigger}): ${devices.length} devices on ${servers.length} servers, ${r.status}, total latency ${r.totalLatencyS.toFixed(4)} s, solved in ${outcome.solveMs.toFixed(0)} ms, verified`);
    this.lastPlanError = null;
    this.retryMs = 1000;
    this.pushLatest();
    this.emit('planned', this.latest);
  }

  /**
   * A failed plan (a crashed planner thread, a solver error, a failed check) is tried again
   * after a growing pause even if nothing changes, so a transient failure does not leave the
   * devices without decisions until the next report.
   */
  private planFailed(reason: string): void {
    this.lastPlanError = reason;
    this.emit('plan-failed', reason);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.requestPlan('retry after a failed plan', 0); }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(30_000, this.retryMs * 2);
  }

  /** Sends every connected agent its part of the latest plan. */
  pushLatest(): void {
    if (!this.latest) return;
    for (const [serverId, s] of this.servers) if (s.conn) this.pushTo(s.conn, serverId);
  }

  pushTo(conn: AgentConn, serverId: string): void {
    if (!this.latest) return;
    const msg = planMessageFor(serverId, this.latest.header, this.latest.decisions, this.latest.stored.via);
    conn.ws.send(JSON.stringify(msg));
  }
}

function toLatest(stored: StoredPlan): LatestPlan {
  const header = {
    planId: stored.id, createdAt: stored.createdAt, algorithm: stored.algorithm, status: stored.status, verified: stored.verified,
    totalLatencyS: stored.totalLatencyS, trigger: stored.trigger, logSeq: stored.logSeq, solveMs: stored.solveMs,
  };
  return { header, stored, decisions: decisionsOf(stored.result as Pick<Result, 'tasks'>, stored.id, stored.basis) };
}
