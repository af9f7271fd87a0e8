import WebSocket, { type WebSocketServer } from 'ws';
import { RateLimiter } from './auth.ts';
import { deviceMessageSchema, errorBody, parseMessage, type DeviceDecision, type ErrorCode } from './protocol.ts';
import type { Agent } from './agent.ts';

/**
 * The agent's device endpoint (ws://agent/v1/device): one session per connection. A connection
 * takes a device's place only once the controller admitted it, so an unauthenticated hello can
 * never push a legitimate device off. Liveness: a connection must be admitted within the hello
 * timeout, answer pings, and the number of connections waiting for admission is capped, so idle
 * or made-up connections cannot pile up.
 */
export interface DeviceSession {
  ws: WebSocket;
  token: string;
  deviceId: string | null;
  admitted: boolean;
  limiter: RateLimiter | null;
  alive: boolean;
  admitBackoffMs: number;
}

export class DeviceEndpoint {
  /** Admitted devices by id. */
  private readonly sessions = new Map<string, DeviceSession>();
  /** Connections not admitted yet (with or without hello). */
  private readonly unadmitted = new Set<DeviceSession>();

  constructor(private readonly agent: Agent, private readonly wss: WebSocketServer) {}

  get admittedCount(): number {
    return this.sessions.size;
  }

  get pendingCount(): number {
    return this.unadmitted.size;
  }

  /** Sessions to admit again on a new controller link. */
  all(): DeviceSession[] {
    return [...this.sessions.values(), ...this.unadmitted];
  }

  /** Why a new connection is refused now (503), or null. */
  capacityError(): string | null {
    const maxPending = this.agent.opts.maxPendingDevices ?? 256;
    const maxDevices = this.agent.opts.maxDevices ?? 10_000;
    if (this.unadmitted.size >= maxPending) return `too many connections waiting for admission (${maxPending}); retry later`;
    if (this.sessions.size + this.unadmitted.size >= maxDevices + maxPending) return `device limit reached (${maxDevices})`;
    return null;
  }

  /** Pings every connection; with `judge`, first closes those that missed the previous ping. */
  heartbeat(judge: boolean): void {
    for (const s of [...this.sessions.values(), ...this.unadmitted]) {
      if (!s.alive && judge) {
        s.ws.terminate();
        continue;
      }
      s.alive = false;
      if (s.ws.readyState === WebSocket.OPEN) s.ws.ping();
    }
  }

  send(deviceId: string, msg: unknown): void {
    const s = this.sessions.get(deviceId);
    if (s?.admitted && s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify(msg));
  }

  admitted(s: DeviceSession, decision: DeviceDecision | undefined): void {
    const first = !s.admitted;
    s.admitted = true;
    s.admitBackoffMs = 100;
    this.unadmitted.delete(s);
    const previous = this.sessions.get(s.deviceId!);
    if (previous && previous !== s) previous.ws.close(4009, 'replaced by a newer connection');
    this.sessions.set(s.deviceId!, s);
    if (!first) return;
    s.ws.send(JSON.stringify({ type: 'welcome', deviceId: s.deviceId, serverId: this.agent.opts.serverId }));
    if (decision) s.ws.send(JSON.stringify({ type: 'decision', decision }));
  }

  refuse(s: DeviceSession, code: ErrorCode, message: string): void {
    this.agent.emit('refused', { deviceId: s.deviceId, error: code, message });
    if (s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify({ type: 'error', error: code, message }));
    s.ws.close(4401, code);
  }

  /** The device's token was revoked: its connection ends now. */
  revoke(deviceId: string, message: string): void {
    const s = this.sessions.get(deviceId);
    if (!s) return;
    this.sessions.delete(deviceId);
    this.refuse(s, 'unauthorized', message);
  }

  accept(ws: WebSocket, token: string): void {
    const rate = this.agent.opts.deviceRatePerS;
    const s: DeviceSession = { ws, token, deviceId: null, admitted: false, limiter: rate > 0 ? new RateLimiter(rate, 2 * rate) : null, alive: true, admitBackoffMs: 100 };
    this.unadmitted.add(s);
    const helloTimer = setTimeout(() => {
      if (!s.admitted) ws.close(4408, 'not admitted in time');
    }, this.agent.opts.helloTimeoutMs ?? 10_000);
    helloTimer.unref();
    const reply = (code: ErrorCode, err: Error | string, extra: Record<string, unknown> = {}) => ws.send(JSON.stringify({ type: 'error', ...errorBody(code, err), ...extra }));
    ws.on('pong', () => { s.alive = true; });
    ws.on('message', (data, isBinary) => {
      if (s.limiter) {
        const limit = s.limiter.take();
        if (!limit.ok) return reply('rate_limited', `rate limit of ${rate}/s exceeded`, { retryAfterMs: limit.retryAfterMs });
      }
      const parsed = parseMessage(deviceMessageSchema, isBinary ? '' : data.toString(), 'message');
      if (!parsed.ok) return reply('malformed', parsed.error);
      const msg = parsed.value;
      if (msg.type === 'hello') {
        if (s.deviceId) return reply('conflict', 'hello was already sent');
        s.deviceId = msg.deviceId;
        this.agent.admit(s);
        return;
      }
      if (!s.admitted) return reply('conflict', 'not admitted yet: send hello and wait for welcome');
      if (msg.type === 'leave') {
        this.agent.leave(s.deviceId!);
        return ws.close(1000, 'left');
      }
      if (msg.report.deviceId !== s.deviceId) return reply('forbidden', `this connection reports as ${s.deviceId}`, { field: 'message report.deviceId', seq: msg.report.seq });
      this.agent.enqueue(s.deviceId!, msg.report);
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      this.unadmitted.delete(s);
      if (s.deviceId && this.sessions.get(s.deviceId) === s) this.sessions.delete(s.deviceId);
    });
    ws.on('error', () => {});
  }
}
