import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import WebSocket, { WebSocketServer } from 'ws';
import { bearer, tokenIdOf } from './auth.ts';
import { MAX_REPORTS_PER_BATCH, agentMessageSchema, errorBody, type DeviceDecision, type DeviceReport, type ErrorCode, type PlanMessage, type ServerInfo } from './protocol.ts';
import { splitBatches } from './batches.ts';
import { createLogger, type Logger, type LogLevel } from './log.ts';
import { DeviceEndpoint, type DeviceSession } from './agent-devices.ts';

/**
 * The LTME: one per MEC server. It registers its server with the controller, admits devices
 * (their tokens are checked by the controller), relays their reports up and the plan's
 * decisions down. A report stays in the agent's hands until the controller has acknowledged
 * it (committed); after a lost connection everything unacknowledged is sent again, in messages
 * that fit the controller's limit, and the controller recognises resends by (epoch, seq).
 *
 * What a device sends is validated here before anything is forwarded: a hostile device costs
 * its own connection, never the agent's link (the controller closes a link that keeps sending
 * malformed messages). The device side lives in agent-devices.ts.
 */
export interface AgentOptions {
  /** http(s):// or ws(s):// address of the controller. */
  controllerUrl: string;
  token: string;
  serverId: string;
  server: ServerInfo;
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Messages per second per device (0 = unlimited). */
  deviceRatePerS: number;
  /** Admitted devices at once (default 10,000). */
  maxDevices?: number;
  /** Connections that have not been admitted yet, at once (default 256); more are refused with 503. */
  maxPendingDevices?: number;
  /** A device connection not admitted by then is closed (4408); also the HTTP header timeout. Default 10 s. */
  helloTimeoutMs?: number;
  /** Ping devices and the controller this often; a peer that missed the previous ping is closed (0: never). Default 15 s. */
  heartbeatMs?: number;
  log?: (line: string) => void;
  logLevel?: LogLevel;
}

interface PendingReport {
  deviceId: string;
  report: DeviceReport;
}

/** Until the controller's welcome says otherwise. */
const DEFAULT_CONTROLLER_MAX_BYTES = 1024 * 1024;

/** How often Node checks header and request timeouts (its default, 30 s, would let a trickling client stay that long). */
const CHECK_INTERVAL_MS = 250;

export class Agent extends EventEmitter {
  private http: Server | null = null;
  private readonly wss: WebSocketServer;
  readonly devices: DeviceEndpoint;
  private link: WebSocket | null = null;
  private linkOpen = false;
  private linkAlive = true;
  private stopped = false;
  private backoffMs = 100;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private controllerMaxBytes = DEFAULT_CONTROLLER_MAX_BYTES;
  private readonly admitting = new Map<number, DeviceSession>();
  private readonly pending = new Map<number, PendingReport>();
  /** deviceId -> its report queued but not yet sent up (at most one). */
  private readonly waiting = new Map<string, number>();
  private queue: number[] = [];
  private readonly inflight = new Map<number, number[]>();
  private nextRef = 1;
  private nextBatch = 1;
  private flushScheduled = false;
  lastPlan: PlanMessage | null = null;
  readonly decisions = new Map<string, DeviceDecision>();
  readonly log: Logger;

  constructor(readonly opts: AgentOptions) {
    super();
    this.log = createLogger(opts.log, opts.logLevel ?? 'info');
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxBodyBytes });
    this.devices = new DeviceEndpoint(this, this.wss);
  }

  async start(): Promise<number> {
    const server = createServer({ connectionsCheckingInterval: CHECK_INTERVAL_MS }, (_req, res) => {
      const body = JSON.stringify({ serverId: this.opts.serverId, connected: this.linkOpen, devices: this.devices.admittedCount, planId: this.lastPlan?.planId ?? null });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    // a client that trickles its request line or headers does not hold a connection for long
    const handshakeMs = this.opts.helloTimeoutMs ?? 10_000;
    server.headersTimeout = handshakeMs;
    server.requestTimeout = handshakeMs;
    this.http = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const beat = this.opts.heartbeatMs ?? 15_000;
    if (beat > 0) {
      this.heartbeatTimer = setInterval(() => this.heartbeat(), beat);
      this.heartbeatTimer.unref();
    }
    this.connect();
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.link?.close(1001, 'agent stopping');
    for (const ws of this.wss.clients) ws.close(1001, 'agent stopping');
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
  }

  get connected(): boolean {
    return this.linkOpen;
  }

  private onUpgrade(req: import('node:http').IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const token = bearer(req.headers.authorization);
    const refuse = (status: number, code: ErrorCode, message: string) => {
      const body = JSON.stringify(errorBody(code, message));
      socket.end(`HTTP/1.1 ${status} ${code}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      this.emit('refused', { error: code, message });
    };
    if (path !== '/v1/device') return refuse(404, 'not_found', `no WebSocket at ${path}`);
    if (!token) return refuse(401, 'unauthorized', 'missing "Authorization: Bearer <device token>"');
    // only something shaped like a token is ever forwarded: a made-up 300-character string
    // would be refused by the controller as a malformed message counted against this agent
    if (tokenIdOf(token) === null) return refuse(401, 'unauthorized', 'not a device token (create one with `mec token create --kind device`)');
    const capacity = this.devices.capacityError();
    if (capacity) return refuse(503, 'unavailable', capacity);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.devices.accept(ws, token));
  }

  private lastBeatAt = 0;

  private heartbeat(): void {
    const now = performance.now();
    // after this loop was itself blocked past a period, pongs may be queued behind this timer
    const judge = now - this.lastBeatAt < 1.5 * (this.opts.heartbeatMs ?? 15_000);
    this.lastBeatAt = now;
    this.devices.heartbeat(judge);
    const link = this.link;
    if (!link || link.readyState !== WebSocket.OPEN) return;
    if (!this.linkAlive && judge) {
      // a controller that stopped answering: drop the link and reconnect (its unacked reports are resent)
      this.log.warn(`agent ${this.opts.serverId}: controller did not answer a ping, reconnecting`);
      link.terminate();
      return;
    }
    this.linkAlive = false;
    link.ping();
  }

  // ---- the controller link ----

  private connect(): void {
    if (this.stopped) return;
    const url = new URL('/v1/agent', this.opts.controllerUrl.replace(/^http/, 'ws'));
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${this.opts.token}` }, maxPayload: 64 * 1024 * 1024 });
    this.link = ws;
    this.linkAlive = true;
    ws.on('open', () => this.sendHello(ws));
    ws.on('pong', () => { this.linkAlive = true; });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        this.log.error(`agent ${this.opts.serverId}: controller refused the connection: HTTP ${status} ${body}`);
        // a refused token will not start working by retrying
        if (status === 401 || status === 403) this.emit('fatal', new Error(`controller refused the agent token (HTTP ${status}): ${body}`));
      });
    });
    ws.on('message', (data) => this.onControllerMessage(data.toString()));
    ws.on('close', (code) => {
      if (this.link !== ws) return;
      const wasOpen = this.linkOpen;
      this.linkOpen = false;
      this.link = null;
      // everything in flight goes back into the queue; acks for it can no longer arrive
      for (const refs of this.inflight.values()) this.queue.push(...refs);
      this.inflight.clear();
      this.admitting.clear();
      if (wasOpen) {
        this.log.warn(`agent ${this.opts.serverId}: lost the controller (${code}), reconnecting`);
        this.emit('disconnected', code);
      }
      if (!this.stopped) {
        this.reconnectTimer = setTimeout(() => this.connect(), this.backoffMs);
        this.backoffMs = Math.min(2000, this.backoffMs * 2);
      }
    });
    ws.on('error', () => {});
  }

  private sendHello(ws: WebSocket): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'hello', serverId: this.opts.serverId, server: this.opts.server }));
  }

  /** Sends a message up; false when there is no open, registered link. */
  sendUp(msg: unknown): boolean {
    if (!this.link || !this.linkOpen) return false;
    this.link.send(JSON.stringify(msg));
    return true;
  }

  private onControllerMessage(text: string): void {
    let msg: Record<string, any>;
    try {
      msg = JSON.parse(text);
    } catch {
      return this.log.error(`agent ${this.opts.serverId}: controller sent a non-JSON message`);
    }
    switch (msg.type) {
      case 'welcome':
        this.linkOpen = true;
        this.backoffMs = 100;
        if (typeof msg.maxMessageBytes === 'number' && msg.maxMessageBytes > 0) this.controllerMaxBytes = msg.maxMessageBytes;
        this.log.info(`agent ${this.opts.serverId}: registered with the controller`);
        // a new connection knows no devices yet: admit ours again before resending their reports
        for (const s of this.devices.all()) this.admit(s);
        // nothing is in flight on a new link: every unacknowledged report goes (again), oldest first
        this.queue = [...this.pending.keys()].sort((a, b) => a - b);
        this.scheduleFlush();
        this.emit('connected');
        return;
      case 'admitted': return this.onAdmitted(msg);
      case 'ack': return this.onAck(msg);
      case 'plan': return this.onPlan(msg as PlanMessage);
      case 'left': return;
      case 'error': return this.onControllerError(msg);
    }
  }

  private onControllerError(msg: Record<string, any>): void {
    const later = (ms: number, fn: () => void) => { const t = setTimeout(fn, ms); t.unref(); };
    if ((msg.error === 'rate_limited' || msg.error === 'unavailable') && typeof msg.batch === 'number') {
      const refs = this.inflight.get(msg.batch) ?? [];
      this.inflight.delete(msg.batch);
      later(msg.error === 'rate_limited' ? msg.retryAfterMs ?? 100 : 500, () => { this.queue.push(...refs); this.scheduleFlush(); });
      return;
    }
    if (msg.error === 'rate_limited' && typeof msg.ref === 'number' && this.admitting.has(msg.ref)) {
      // an admit refused for the rate: asked again later, with a growing pause per device
      const s = this.admitting.get(msg.ref)!;
      this.admitting.delete(msg.ref);
      s.admitBackoffMs = Math.min(5000, Math.max(msg.retryAfterMs ?? 100, s.admitBackoffMs * 2));
      later(s.admitBackoffMs, () => { if (s.ws.readyState === WebSocket.OPEN && !s.admitted) this.admit(s); });
      return;
    }
    if (msg.hello === true && msg.error === 'rate_limited') {
      const link = this.link;
      later(msg.retryAfterMs ?? 100, () => { if (link && this.link === link) this.sendHello(link); });
      return;
    }
    this.log.error(`agent ${this.opts.serverId}: controller error ${msg.error}: ${msg.message}`);
    // a server the controller will never accept (wrong id for the token, bad profile): stop
    if ((msg.error === 'forbidden' && msg.field === 'message serverId') || (msg.hello === true && msg.error === 'malformed')) this.emit('fatal', new Error(msg.message));
  }

  /** Asks the controller to admit a device (after its token passed the format check). */
  admit(s: DeviceSession): void {
    if (!s.deviceId || !this.linkOpen) return;
    const ref = this.nextRef++;
    const msg = { type: 'admit', ref, deviceId: s.deviceId, token: s.token };
    // the same schema the controller applies: what fails it is refused here, to the device
    if (!agentMessageSchema.safeParse(msg).success) return this.devices.refuse(s, 'unauthorized', 'malformed device token');
    this.admitting.set(ref, s);
    this.sendUp(msg);
  }

  private onAdmitted(msg: Record<string, any>): void {
    const s = this.admitting.get(msg.ref);
    this.admitting.delete(msg.ref);
    if (!s || s.ws.readyState !== WebSocket.OPEN) return;
    if (msg.ok) this.devices.admitted(s, this.decisions.get(s.deviceId!));
    else this.devices.refuse(s, 'unauthorized', msg.message);
  }

  /** A device's report: it supersedes the one of that device still waiting here, if any. */
  enqueue(deviceId: string, report: DeviceReport): void {
    // a report is the device's whole state, so a newer one supersedes one still waiting here;
    // the device has no ack for the older one and keeps only the newer itself. This bounds what
    // an agent holds while the controller is away to one waiting report per device.
    const older = this.waiting.get(deviceId);
    if (older !== undefined) this.pending.delete(older);
    const ref = this.nextRef++;
    this.waiting.set(deviceId, ref);
    this.pending.set(ref, { deviceId, report });
    this.queue.push(ref);
    this.scheduleFlush();
  }

  leave(deviceId: string): void {
    this.sendUp({ type: 'leave', ref: this.nextRef++, deviceId });
    this.decisions.delete(deviceId);
  }

  private onAck(msg: Record<string, any>): void {
    this.inflight.delete(msg.batch);
    const answer = (ref: number, body: Record<string, unknown>) => {
      const p = this.pending.get(ref);
      if (!p) return;
      this.pending.delete(ref);
      this.devices.send(p.deviceId, { ...body, seq: p.report.seq });
    };
    for (const ref of msg.accepted ?? []) answer(ref, { type: 'ack', duplicate: false });
    for (const ref of msg.duplicate ?? []) answer(ref, { type: 'ack', duplicate: true });
    for (const r of msg.rejected ?? []) {
      const p = this.pending.get(r.ref);
      answer(r.ref, { type: 'error', error: r.error, message: r.message });
      // a revoked device token ends that device's connection
      if (p && r.error === 'unauthorized') this.devices.revoke(p.deviceId, r.message);
    }
  }

  private onPlan(msg: PlanMessage): void {
    this.lastPlan = msg;
    for (const d of msg.devices) {
      this.decisions.set(d.deviceId, d);
      this.devices.send(d.deviceId, { type: 'decision', decision: d });
    }
    this.log.info(`agent ${this.opts.serverId}: plan ${msg.planId} (${msg.status}): ${msg.tasks.length} tasks run here, ${msg.devices.length} relayed devices`);
    this.emit('plan', msg);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.linkOpen) return;
      const refs = this.queue.filter((ref) => this.pending.has(ref));
      this.queue = [];
      for (const ref of refs) {
        const { deviceId } = this.pending.get(ref)!;
        if (this.waiting.get(deviceId) === ref) this.waiting.delete(deviceId);
      }
      const items = refs.map((ref) => ({ ref, report: this.pending.get(ref)!.report }));
      const { batches, tooLarge } = splitBatches(items, (it) => Buffer.byteLength(JSON.stringify(it)), this.controllerMaxBytes, MAX_REPORTS_PER_BATCH);
      for (const it of tooLarge) {
        const p = this.pending.get(it.ref)!;
        this.pending.delete(it.ref);
        this.devices.send(p.deviceId, { type: 'error', error: 'too_large', message: `report over the controller's ${this.controllerMaxBytes}-byte message limit`, seq: p.report.seq });
      }
      for (const reports of batches) {
        const batch = this.nextBatch++;
        this.inflight.set(batch, reports.map((r) => r.ref));
        this.sendUp({ type: 'reports', batch, reports });
      }
    });
  }
}
