import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import WebSocket, { WebSocketServer } from 'ws';
import { RateLimiter, bearer } from './auth.ts';
import { MAX_REPORTS_PER_BATCH, deviceMessageSchema, errorBody, parseMessage, type DeviceDecision, type DeviceReport, type ErrorCode, type PlanMessage, type ServerInfo } from './protocol.ts';

/**
 * The LTME: one per MEC server. It registers its server with the controller, admits devices
 * (their tokens are checked by the controller), relays their reports up and the plan's
 * decisions down. A report stays in the agent's hands until the controller has acknowledged
 * it (committed); after a lost connection everything unacknowledged is sent again, and the
 * controller recognises resends by the device's `seq`.
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
  log?: (line: string) => void;
}

interface DeviceSession {
  ws: WebSocket;
  token: string;
  deviceId: string | null;
  admitted: boolean;
  limiter: RateLimiter | null;
}

interface PendingReport {
  deviceId: string;
  report: DeviceReport;
}

export class Agent extends EventEmitter {
  private http: Server | null = null;
  private readonly wss: WebSocketServer;
  private link: WebSocket | null = null;
  private linkOpen = false;
  private stopped = false;
  private backoffMs = 100;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Admitted devices by id. A connection only takes a device's place once it is admitted, so
   *  an unauthenticated hello can never push a legitimate device off. */
  private readonly sessions = new Map<string, DeviceSession>();
  /** Connections that said hello and wait for the controller's answer. */
  private readonly unadmitted = new Set<DeviceSession>();
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
  private readonly decisions = new Map<string, DeviceDecision>();
  readonly log: (line: string) => void;

  constructor(readonly opts: AgentOptions) {
    super();
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxBodyBytes });
  }

  async start(): Promise<number> {
    const server = createServer((_req, res) => {
      const body = JSON.stringify({ serverId: this.opts.serverId, connected: this.linkOpen, devices: this.sessions.size, planId: this.lastPlan?.planId ?? null });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    server.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const token = bearer(req.headers.authorization);
      const refuse = (status: number, code: ErrorCode, message: string) => {
        const body = JSON.stringify(errorBody(code, message));
        socket.end(`HTTP/1.1 ${status} ${code}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      };
      if (path !== '/v1/device') return refuse(404, 'not_found', `no WebSocket at ${path}`);
      if (!token) return refuse(401, 'unauthorized', 'missing "Authorization: Bearer <device token>"');
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onDevice(ws, token));
    });
    this.http = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    this.connect();
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.link?.close(1001, 'agent stopping');
    for (const ws of this.wss.clients) ws.close(1001, 'agent stopping');
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections();
  }

  get connected(): boolean {
    return this.linkOpen;
  }

  // ---- the controller link ----

  private connect(): void {
    if (this.stopped) return;
    const url = new URL('/v1/agent', this.opts.controllerUrl.replace(/^http/, 'ws'));
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${this.opts.token}` }, maxPayload: 64 * 1024 * 1024 });
    this.link = ws;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', serverId: this.opts.serverId, server: this.opts.server })));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        this.log(`agent ${this.opts.serverId}: controller refused the connection: HTTP ${status} ${body}`);
        // a refused token will not start working by retrying
        if (status === 401 || status === 403) this.emit('fatal', new Error(`controller refused the agent token (HTTP ${status}): ${body}`));
      });
    });
    ws.on('message', (data) => this.onControllerMessage(data.toString()));
    ws.on('close', () => {
      if (this.link !== ws) return;
      const wasOpen = this.linkOpen;
      this.linkOpen = false;
      this.link = null;
      // everything in flight goes back into the queue; acks for it can no longer arrive
      for (const refs of this.inflight.values()) this.queue.push(...refs);
      this.inflight.clear();
      this.admitting.clear();
      if (wasOpen) {
        this.log(`agent ${this.opts.serverId}: lost the controller, reconnecting`);
        this.emit('disconnected');
      }
      if (!this.stopped) {
        this.reconnectTimer = setTimeout(() => this.connect(), this.backoffMs);
        this.backoffMs = Math.min(2000, this.backoffMs * 2);
      }
    });
    ws.on('error', () => {});
  }

  private sendUp(msg: unknown): void {
    if (this.link && this.linkOpen) this.link.send(JSON.stringify(msg));
  }

  private onControllerMessage(text: string): void {
    let msg: Record<string, any>;
    try {
      msg = JSON.parse(text);
    } catch {
      return this.log(`agent ${this.opts.serverId}: controller sent a non-JSON message`);
    }
    switch (msg.type) {
      case 'welcome':
        this.linkOpen = true;
        this.backoffMs = 100;
        this.log(`agent ${this.opts.serverId}: registered with the controller`);
        // a new connection knows no devices yet: admit ours again before resending their reports
        for (const s of [...this.sessions.values(), ...this.unadmitted]) this.admit(s);
        // nothing is in flight on a new link: every unacknowledged report goes (again), oldest first
        this.queue = [...this.pending.keys()].sort((a, b) => a - b);
        this.scheduleFlush();
        this.emit('connected');
        return;
      case 'admitted': return this.onAdmitted(msg);
      case 'ack': return this.onAck(msg);
      case 'plan': return this.onPlan(msg as PlanMessage);
      case 'left': return;
      case 'error':
        if (msg.error === 'rate_limited' && typeof msg.batch === 'number') {
          const refs = this.inflight.get(msg.batch) ?? [];
          this.inflight.delete(msg.batch);
          setTimeout(() => { this.queue.push(...refs); this.scheduleFlush(); }, msg.retryAfterMs ?? 100);
          return;
        }
        if (msg.error === 'unavailable' && typeof msg.batch === 'number') {
          const refs = this.inflight.get(msg.batch) ?? [];
          this.inflight.delete(msg.batch);
          setTimeout(() => { this.queue.push(...refs); this.scheduleFlush(); }, 500);
          return;
        }
        this.log(`agent ${this.opts.serverId}: controller error ${msg.error}: ${msg.message}`);
        if (msg.error === 'forbidden' && msg.field === 'message serverId') this.emit('fatal', new Error(msg.message));
        return;
    }
  }

  private onAdmitted(msg: Record<string, any>): void {
    const s = this.admitting.get(msg.ref);
    this.admitting.delete(msg.ref);
    if (!s || s.ws.readyState !== WebSocket.OPEN) return;
    if (msg.ok) {
      const first = !s.admitted;
      s.admitted = true;
      this.unadmitted.delete(s);
      const previous = this.sessions.get(s.deviceId!);
      if (previous && previous !== s) previous.ws.close(4009, 'replaced by a newer connection');
      this.sessions.set(s.deviceId!, s);
      if (first) {
        s.ws.send(JSON.stringify({ type: 'welcome', deviceId: s.deviceId, serverId: this.opts.serverId }));
        const d = this.decisions.get(s.deviceId!);
        if (d) s.ws.send(JSON.stringify({ type: 'decision', decision: d }));
      }
    } else {
      s.ws.send(JSON.stringify({ type: 'error', error: 'unauthorized', message: msg.message }));
      s.ws.close(4401, 'unauthorized');
    }
  }

  private onAck(msg: Record<string, any>): void {
    this.inflight.delete(msg.batch);
    const answer = (ref: number, body: Record<string, unknown>) => {
      const p = this.pending.get(ref);
      if (!p) return;
      this.pending.delete(ref);
      const s = this.sessions.get(p.deviceId);
      if (s && s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify({ ...body, seq: p.report.seq }));
    };
    for (const ref of msg.accepted ?? []) answer(ref, { type: 'ack', duplicate: false });
    for (const ref of msg.duplicate ?? []) answer(ref, { type: 'ack', duplicate: true });
    for (const r of msg.rejected ?? []) answer(r.ref, { type: 'error', error: r.error, message: r.message });
  }

  private onPlan(msg: PlanMessage): void {
    this.lastPlan = msg;
    for (const d of msg.devices) {
      this.decisions.set(d.deviceId, d);
      const s = this.sessions.get(d.deviceId);
      if (s?.admitted && s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify({ type: 'decision', decision: d }));
    }
    this.log(`agent ${this.opts.serverId}: plan ${msg.planId} (${msg.status}): ${msg.tasks.length} tasks run here, ${msg.devices.length} relayed devices`);
    this.emit('plan', msg);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.linkOpen) return;
      while (this.queue.length > 0) {
        const refs = this.queue.splice(0, MAX_REPORTS_PER_BATCH).filter((ref) => this.pending.has(ref));
        if (refs.length === 0) continue;
        for (const ref of refs) {
          const { deviceId } = this.pending.get(ref)!;
          if (this.waiting.get(deviceId) === ref) this.waiting.delete(deviceId);
        }
        const batch = this.nextBatch++;
        this.inflight.set(batch, refs);
        this.sendUp({ type: 'reports', batch, reports: refs.map((ref) => ({ ref, report: this.pending.get(ref)!.report })) });
      }
    });
  }

  private admit(s: DeviceSession): void {
    if (!s.deviceId || !this.linkOpen) return;
    const ref = this.nextRef++;
    this.admitting.set(ref, s);
    this.sendUp({ type: 'admit', ref, deviceId: s.deviceId, token: s.token });
  }

  // ---- devices ----

  private onDevice(ws: WebSocket, token: string): void {
    const s: DeviceSession = { ws, token, deviceId: null, admitted: false, limiter: this.opts.deviceRatePerS > 0 ? new RateLimiter(this.opts.deviceRatePerS, 2 * this.opts.deviceRatePerS) : null };
    const reply = (code: ErrorCode, err: Error | string, extra: Record<string, unknown> = {}) => ws.send(JSON.stringify({ type: 'error', ...errorBody(code, err), ...extra }));
    ws.on('message', (data, isBinary) => {
      if (s.limiter) {
        const limit = s.limiter.take();
        if (!limit.ok) return reply('rate_limited', `rate limit of ${this.opts.deviceRatePerS}/s exceeded`, { retryAfterMs: limit.retryAfterMs });
      }
      const parsed = parseMessage(deviceMessageSchema, isBinary ? '' : data.toString(), 'message');
      if (!parsed.ok) return reply('malformed', parsed.error);
      const msg = parsed.value;
      if (msg.type === 'hello') {
        if (s.deviceId) return reply('conflict', 'hello was already sent');
        s.deviceId = msg.deviceId;
        this.unadmitted.add(s);
        this.admit(s);
        return;
      }
      if (!s.admitted) return reply('conflict', 'not admitted yet: send hello and wait for welcome');
      if (msg.type === 'leave') {
        this.sendUp({ type: 'leave', ref: this.nextRef++, deviceId: s.deviceId });
        this.decisions.delete(s.deviceId!);
        return ws.close(1000, 'left');
      }
      if (msg.report.deviceId !== s.deviceId) return reply('forbidden', `this connection reports as ${s.deviceId}`, { field: 'message report.deviceId', seq: msg.report.seq });
      // a report is the device's whole state, so a newer one supersedes one still waiting here;
      // the device has no ack for the older one and keeps only the newer itself. This bounds what
      // an agent holds while the controller is away to one waiting report per device.
      const older = this.waiting.get(s.deviceId!);
      if (older !== undefined) this.pending.delete(older);
      const ref = this.nextRef++;
      this.waiting.set(s.deviceId!, ref);
      this.pending.set(ref, { deviceId: s.deviceId!, report: msg.report });
      this.queue.push(ref);
      this.scheduleFlush();
    });
    ws.on('close', () => {
      this.unadmitted.delete(s);
      if (s.deviceId && this.sessions.get(s.deviceId) === s) this.sessions.delete(s.deviceId);
    });
    ws.on('error', () => {});
  }
}
