import { createServer, type IncomingMessage, type Server } from 'node:http';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Store, type StoredDevice, type StoredPlan } from './store.ts';
import { RateLimiters, type TokenRecord } from './auth.ts';
import type { ServerInfo } from './protocol.ts';
import { buildScenario, planMessageFor, DEFAULT_BASE, type PlanBasis } from './scenario.ts';
import { cellLoad, DEFAULT_POLICY, PlanPolicy } from './policy.ts';
import type { Result, Scenario } from '../cnn-coop/model.ts';
import { handleHttp, handleUpgrade, type Route } from './api.ts';
import { changedDevices, toLatest, type LatestPlan } from './latest.ts';
import { createLogger, type Logger } from './log.ts';
import type { ControllerOptions } from './controller-options.ts';
import { ControllerMetrics } from './metrics.ts';
import { DeviceHoldings } from './holdings.ts';
import { GroupCommit } from './group-commit.ts';
import { commitUnits, type CommitUnit, type LeaveUnit, type PendingUnit } from './ingest.ts';

/**
 * The GTME: keeps the current state (servers from their agents, devices from their reports),
 * re-plans on change and on a timer, and pushes each server's part of the plan to its agent.
 *
 *   agent --hello/reports/admit/leave--> agent-link.ts [validate, authorise, rate-limit] --> group commit (SQLite)
 *     --> ack to agent --> state changed --> debounce --> policy (algorithm by fleet size, full or repair)
 *     --> planner thread (time budget, hard deadline) --> verify --> store plan --> push per-server plan messages
 *
 * Nothing reaches the in-memory state before it is committed, so whatever was acknowledged is
 * what a restarted controller reloads. Every agent connection is pinged; one that stops
 * answering (a stopped process, a dead link) is closed and planned around.
 *
 * Events (for tests and the dashboard): 'planned' (LatestPlan, after the push), 'plan-failed'
 * (reason), 'reports-acked' ({ via, accepted, duplicate, rejected }), 'refused' ({ peer, error,
 * message }), 'agent-connected' (serverId), 'agent-disconnected' (serverId, why).
 */
export type { ControllerOptions, LatestPlan };

export interface AgentConn {
  ws: WebSocket;
  token: TokenRecord;
  serverId: string | null;
  /** Devices this connection's agent admitted: deviceId -> the id of the device token presented. */
  admitted: Map<string, string>;
  malformed: number;
  alive: boolean;
}

interface ServerState {
  info: ServerInfo;
  updatedAt: number;
  conn: AgentConn | null;
}

type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Reports arriving within this window share a transaction (group-commit.ts); this many are committed without waiting. */
const DEFAULT_COMMIT_WINDOW_MS = 10;
const GROUP_COMMIT_MAX = 1000;

/** How often Node checks header and request timeouts (its default, 30 s, would let a trickling client stay that long). */
const CHECK_INTERVAL_MS = 250;

export class Controller extends EventEmitter {
  readonly store: Store;
  readonly servers = new Map<string, ServerState>();
  readonly devices: Map<string, StoredDevice>;
  latest: LatestPlan | null = null;
  lastPlanError: string | null = null;
  readonly limiters: RateLimiters;
  readonly wss: WebSocketServer;
  readonly metrics: ControllerMetrics;
  readonly log: Logger;
  /** Routes added at run time (e.g. a dashboard): matched after the API's own. */
  readonly extraRoutes: Route[] = [];
  /** WebSocket paths added at run time, besides /v1/agent. */
  readonly extraUpgrades = new Map<string, UpgradeHandler>();
  policy: PlanPolicy | null = null;
  private readonly holdings: DeviceHoldings;
  private http: Server | null = null;
  private readonly group: GroupCommit<CommitUnit>;
  /** How many times reports were committed (tests). */
  commits = 0;
  private dirtyReason: string | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private planning: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = 1000;
  private stopped = false;

  constructor(readonly opts: ControllerOptions) {
    super();
    this.log = createLogger(opts.log, opts.logLevel ?? 'info');
    this.store = new Store(opts.dbPath, { synchronous: opts.synchronous });
    this.devices = this.store.devices();
    this.holdings = new DeviceHoldings(opts.maxDevicesPerToken ?? 0);
    for (const [deviceId, d] of this.devices) if (d.tokenId) this.holdings.restore(d.tokenId, deviceId);
    for (const s of this.store.servers()) this.servers.set(s.serverId, { info: s.info, updatedAt: s.updatedAt, conn: null });
    const stored = this.store.latestPlan();
    if (stored) this.latest = toLatest(stored);
    this.group = new GroupCommit(opts.commitWindowMs ?? DEFAULT_COMMIT_WINDOW_MS, GROUP_COMMIT_MAX, (units) => this.commitUnits(units));
    this.limiters = new RateLimiters(opts.rateLimitPerS, Math.max(1, 2 * opts.rateLimitPerS));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxBodyBytes });
    this.metrics = new ControllerMetrics({
      agents: () => this.connectedServers().length, devices: () => this.devices.size, planId: () => this.latest?.header.planId ?? null,
    });
  }

  addRoute(route: Route): void {
    this.extraRoutes.push(route);
  }

  async start(): Promise<number> {
    const algorithms = (await import('./planner.ts')).availableAlgorithms('cnn-coop');
    const repair = this.opts.repairAvailable ?? (await (await import('./planner.ts')).loadRepair()) !== null;
    this.policy = new PlanPolicy({ ...DEFAULT_POLICY, algorithm: this.opts.planner.algorithm, ...this.opts.policy }, { algorithms: (await algorithms).names, repair });
    const server = createServer({ connectionsCheckingInterval: CHECK_INTERVAL_MS }, (req, res) => handleHttp(this, req, res));
    server.on('upgrade', (req, socket, head) => handleUpgrade(this, req, socket, head));
    // a client that trickles its headers or body does not hold a connection for long
    server.headersTimeout = Math.min(10_000, this.opts.helloTimeoutMs ?? 10_000);
    server.requestTimeout = 30_000;
    this.http = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    // the planner thread loads its modules while the agents connect, not during the first plan
    await this.opts.planner.warmUp?.();
    this.prune();
    const stats = this.store.logStats();
    this.log.info(`controller: resumed ${this.devices.size} devices, ${this.servers.size} known servers, ${stats.reports} logged reports, plan ${this.latest?.header.planId ?? 'none'}; planner ${this.policy.opts.algorithm}${repair ? ' (repair available)' : ''}`);
    const every = (ms: number, fn: () => void) => { const t = setInterval(fn, ms); t.unref(); this.timers.push(t); };
    if (this.opts.replanS > 0) every(this.opts.replanS * 1000, () => this.requestPlan('timer', 0));
    if ((this.opts.heartbeatMs ?? 0) > 0) every(this.opts.heartbeatMs!, () => this.heartbeat());
    if ((this.opts.logRetentionS ?? 0) > 0) every(Math.min(60_000, this.opts.logRetentionS! * 1000), () => this.prune());
    return port;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const ws of this.wss.clients) ws.close(1001, 'controller stopping');
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
    // a long solve is abandoned rather than waited for; its plan would not be pushed anyway
    await this.opts.planner.close();
    await this.planning;
    this.group.flush();
    this.store.close();
  }

  /** Something refused (a message, a connection): counted, logged at debug, announced. */
  refused(peer: string, error: string, message: string): void {
    this.metrics.refused.inc({ error });
    this.log.debug(`controller: refused ${peer}: ${error}: ${message}`);
    this.emit('refused', { peer, error, message });
  }

  // ---- liveness ----

  private lastBeatAt = 0;

  private heartbeat(): void {
    const now = performance.now();
    // after this loop was itself blocked past a period, the pongs may be queued behind this timer:
    // ping again instead of judging anybody
    const judge = now - this.lastBeatAt < 1.5 * this.opts.heartbeatMs!;
    this.lastBeatAt = now;
    for (const ws of this.wss.clients) {
      const conn = (ws as WebSocket & { conn?: AgentConn }).conn;
      if (!conn) continue;
      if (!conn.alive && judge) {
        // no pong since the last ping: a stopped or cut-off agent; its servers are planned around
        this.metrics.heartbeatTimeouts.inc();
        this.log.warn(`controller: agent ${conn.serverId ?? '(no hello)'} did not answer a ping within ${this.opts.heartbeatMs} ms, closing`);
        ws.terminate();
        continue;
      }
      conn.alive = false;
      ws.ping();
    }
  }

  private prune(): void {
    const retentionS = this.opts.logRetentionS ?? 0;
    if (retentionS <= 0) return;
    const n = this.store.pruneLog(Date.now() - retentionS * 1000);
    if (n > 0) this.log.info(`controller: pruned ${n} report-log entries older than ${retentionS} s`);
  }

  // ---- device ids per token ----

  /** Lets `tokenId` hold `deviceId`; an error message when the token already holds its maximum. */
  claimDevice(tokenId: string, deviceId: string): string | null {
    return this.holdings.claim(tokenId, deviceId);
  }

  releaseDevice(deviceId: string): void {
    this.holdings.release(deviceId);
  }

  upgradeHandler(path: string): UpgradeHandler | undefined {
    return this.extraUpgrades.get(path);
  }

  // ---- reports: group commit ----

  /** Queues reports for the next commit (group-commit.ts); `done` runs after the commit (outcomes) or on failure. */
  submitReports(unit: PendingUnit): void {
    this.group.add(unit);
  }

  /**
   * A device leaves (`done(known)` after the commit). Leaves share the group commit with reports:
   * 1,000 devices leaving at once, one transaction each, held the main thread (and the plan in
   * progress, and every acknowledgement) for 1-3 s in the bench.
   */
  removeDevice(deviceId: string, via: string | null): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const unit: LeaveUnit = { leave: true, items: [{ deviceId, via }], done: (known, err) => (known ? resolve(known[0]) : reject(err)) };
      this.group.add(unit);
    });
  }

  private commitUnits(units: CommitUnit[]): void {
    if (commitUnits(this, units)) this.commits++;
  }

  // ---- planning ----

  /** Plans within `delayMs` (default: the debounce window); requests in the window share one plan. */
  requestPlan(reason: string, delayMs = this.opts.debounceMs): void {
    if (this.stopped) return;
    if (reason === 'operator') this.policy?.wantFull();
    this.dirtyReason ??= reason;
    if (this.planning) return; // picked up when the running plan ends
    if (this.debounceTimer && delayMs > 0) return;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      this.planning = this.planNow().catch((err: Error) => {
        // a bug or a storage failure in one plan must not take the controller down
        this.log.error(`controller: planning failed: ${err.stack ?? err.message}`);
        this.planFailed(err.message);
        return false;
      }).then((chain) => {
        this.planning = null;
        // Changes that came in during a round are planned at once: the round itself was their
        // debounce window, and waiting more only adds to every waiting report's latency (a report
        // waits for the round in progress, then for its own). After a failure the debounce (and
        // the retry back-off) applies instead, so a failing planner is not hammered. Back to back,
        // the planner thread is busy all the time: --round-gap-ms trades latency for its CPU.
        if (this.dirtyReason) this.requestPlan(this.dirtyReason, chain ? this.opts.roundGapMs ?? 0 : this.opts.debounceMs);
      });
    }, delayMs);
  }

  connectedServers(): Array<{ serverId: string; info: ServerInfo }> {
    return [...this.servers].filter(([, s]) => s.conn !== null).map(([serverId, s]) => ({ serverId, info: s.info }));
  }

  /** A new or changed server cannot be repaired into the plan in force: the next plan is full. */
  serverChanged(): void {
    this.policy?.wantFull();
  }

  /** One planning round; resolves whether changes that came in meanwhile may be planned at once. */
  private async planNow(): Promise<boolean> {
    const trigger = this.dirtyReason ?? 'timer';
    this.dirtyReason = null;
    const t0 = performance.now();
    const servers = this.connectedServers();
    const cutoff = this.opts.deviceTtlS > 0 ? Date.now() - this.opts.deviceTtlS * 1000 : -Infinity;
    const devices = [...this.devices.values()].filter((d) => d.updatedAt >= cutoff);
    if (servers.length === 0 || devices.length === 0) {
      this.log.info(`controller: nothing to plan (${servers.length} connected servers, ${devices.length} devices)`);
      this.metrics.plans.inc({ outcome: 'empty', mode: 'full' });
      return false;
    }
    const scenario = buildScenario(servers, devices, this.opts.base ?? DEFAULT_BASE);
    const basis: PlanBasis = {};
    const via: Record<string, string | null> = {};
    let logSeq = 0;
    for (const d of devices) {
      basis[d.report.deviceId] = [d.report.epoch ?? 0, d.report.seq];
      via[d.report.deviceId] = d.via;
      logSeq = Math.max(logSeq, d.logSeq);
    }
    const prev = this.latest;
    const prevScenario = prev?.stored.scenario as Scenario | undefined;
    const round = this.policy!.next({
      devices: devices.length,
      changed: prev ? changedDevices(prev.stored.basis, basis) : devices.length,
      serversAdded: !prevScenario || servers.some((s) => !prevScenario.servers.some((p) => p.id === s.serverId)),
      hasPrevious: prev !== null,
      loadPerServer: cellLoad(devices.length, servers.map((s) => s.info)),
      now: Date.now(),
    });
    const t1 = performance.now();
    const outcome = await this.opts.planner.plan({
      scenario, algorithm: round.algorithm, timeBudgetMs: round.budgetMs || undefined, deadlineMs: round.deadlineMs || undefined,
      ...(round.mode === 'repair' ? { previous: { scenario: prevScenario!, result: prev!.stored.result as Result, ...(prev!.plannerRef ? { ref: prev!.plannerRef } : {}) } } : {}),
    });
    if (this.stopped) return false;
    const t2 = performance.now();
    const { doubtful } = this.policy!.done(round, outcome, Date.now());
    if (!outcome.ok) {
      this.metrics.plans.inc({ outcome: outcome.missedDeadline ? 'deadline' : 'error', mode: round.mode });
      const inForce = this.latest ? `plan ${this.latest.header.planId} stays in force` : 'no plan in force yet';
      this.log.warn(`controller: planning (${round.mode}, ${round.algorithm}) failed (${trigger}): ${outcome.error}; ${inForce}`);
      if (round.mode === 'repair') {
        this.dirtyReason ??= 'full plan after a failed repair';
        return true;
      }
      this.planFailed(outcome.error);
      return false;
    }
    const r = outcome.result;
    this.metrics.planSeconds.observe({ mode: round.mode }, outcome.solveMs / 1000);
    if (!outcome.verified) this.log.error(`controller: plan fails the independent check: ${outcome.issues.map((i) => `${i.task ?? ''} ${i.constraint}: ${i.message}`).join('; ')}`);
    const plan: Omit<StoredPlan, 'id'> = {
      createdAt: Date.now(), algorithm: round.mode === 'repair' ? `${r.algorithm} (repair)` : r.algorithm, trigger, logSeq, status: r.status, verified: outcome.verified,
      totalLatencyS: r.totalLatencyS, solveMs: outcome.solveMs, scenario, result: r, basis, via,
    };
    const id = this.store.savePlan(plan, this.opts.keepPlans);
    const t3 = performance.now();
    if (!outcome.verified) {
      // kept for diagnosis, never pushed: the plan in force stays the last one that checked out
      this.metrics.plans.inc({ outcome: 'failed_check', mode: round.mode });
      this.policy!.wantFull();
      this.planFailed(`plan ${id} failed the independent check`);
      return false;
    }
    this.latest = { ...toLatest({ id, ...plan }, round.mode), plannerRef: outcome.ref };
    if (doubtful) this.dirtyReason ??= 'full plan after a doubtful repair';
    this.lastPlanError = null;
    this.retryMs = 1000;
    this.metrics.plans.inc({ outcome: 'pushed', mode: round.mode });
    this.pushLatest();
    const t4 = performance.now();
    // where the round's time went: the bench reads "solved in" and "round"
    const w = outcome.timings;
    const ms = (x: number) => x.toFixed(0);
    this.log.info(`controller: plan ${id} (${trigger}; ${round.mode} ${round.algorithm}, ${round.why}): ${devices.length} devices on ${servers.length} servers, ${r.status}, total latency ${r.totalLatencyS.toFixed(4)} s, solved in ${ms(outcome.solveMs)} ms, verified; round ${ms(t4 - t0)} ms = build ${ms(t1 - t0)} + planner ${ms(t2 - t1)} (parse ${ms(w.parseMs)}, solve ${ms(w.solveMs)}, check ${ms(w.verifyMs)}) + store ${ms(t3 - t2)} + push ${ms(t4 - t3)}`);
    if (doubtful) this.log.info(`controller: plan ${id} (repair) is doubtful against the last full plan; a full plan follows`);
    this.emit('planned', this.latest);
    return true;
  }

  /**
   * A failed plan (a crashed planner thread, a solver error, a failed check, a missed deadline)
   * is tried again after a growing pause even if nothing changes, so a transient failure does
   * not leave the devices without decisions until the next report.
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
