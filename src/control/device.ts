import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { DeviceDecision, DeviceReport } from './protocol.ts';

/**
 * The DTME: a device's client library. It keeps the device's latest state, reports it to its
 * server's agent, and receives the plan's decision for the device. Reports are full states with
 * a growing `seq`, so only the newest unacknowledged one matters: it is kept and sent again after
 * a reconnect until the agent acknowledges it (which the agent does only once the controller
 * has committed it).
 *
 * Events: 'welcome' (admitted), 'ack' (seq, duplicate: the controller already held this report or
 * a newer one), 'decision' (DeviceDecision),
 * 'refused' (error body; the token or a message was refused), 'disconnected'.
 */
export type DeviceState = Omit<DeviceReport, 'deviceId' | 'seq'>;

export interface DeviceClientOptions {
  /** ws://host:port of the agent (the path /v1/device is added). */
  agentUrl: string;
  token: string;
  deviceId: string;
  /** Reconnect after a lost connection (default true; never after a refused token). */
  reconnect?: boolean;
  /** First seq to use (default 0). */
  firstSeq?: number;
  /**
   * This run's epoch (default: the time the client was created, in ms). A device that restarts
   * gets a larger epoch, so its reports from seq 0 again are new, not duplicates of the last run's.
   */
  epoch?: number;
}

export class DeviceClient extends EventEmitter {
  private ws: WebSocket | null = null;
  private admitted = false;
  private seq: number;
  readonly epoch: number;
  private unacked: DeviceReport | null = null;
  private closed = false;
  private backoffMs = 100;
  private timer: NodeJS.Timeout | null = null;
  lastDecision: DeviceDecision | null = null;
  lastAckedSeq = -1;

  constructor(readonly opts: DeviceClientOptions) {
    super();
    this.seq = opts.firstSeq ?? 0;
    this.epoch = opts.epoch ?? Date.now();
  }

  /** Connects; resolves once the agent (and through it the controller) admitted the device. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onWelcome = () => { cleanup(); resolve(); };
      const onRefused = (e: { error: string; message: string }) => { cleanup(); reject(new Error(`${e.error}: ${e.message}`)); };
      const cleanup = () => { this.off('welcome', onWelcome); this.off('refused', onRefused); };
      this.once('welcome', onWelcome);
      this.once('refused', onRefused);
      this.open();
    });
  }

  /** The seq of the last report made (-1 before the first). */
  get lastSeq(): number {
    return this.seq - 1;
  }

  get isAdmitted(): boolean {
    return this.admitted;
  }

  private open(): void {
    if (this.closed) return;
    const url = new URL('/v1/device', this.opts.agentUrl.replace(/^http/, 'ws'));
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${this.opts.token}` } });
    this.ws = ws;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', deviceId: this.opts.deviceId })));
    ws.on('unexpected-response', (_req, res) => {
      if (res.statusCode === 503) {
        // the agent is full for now: try again later rather than give up
        res.resume();
        this.ws = null;
        this.timer = setTimeout(() => this.open(), this.backoffMs);
        this.backoffMs = Math.min(2000, this.backoffMs * 2);
        return;
      }
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        let parsed: { error: string; message: string };
        try { parsed = JSON.parse(body); } catch { parsed = { error: 'unauthorized', message: body }; }
        this.closed = true;
        this.emit('refused', parsed);
      });
    });
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', (code) => {
      if (this.ws !== ws) return;
      const was = this.admitted;
      this.admitted = false;
      this.ws = null;
      if (code === 4401) this.closed = true;
      if (was) this.emit('disconnected');
      if (!this.closed && this.opts.reconnect !== false) {
        this.timer = setTimeout(() => this.open(), this.backoffMs);
        this.backoffMs = Math.min(2000, this.backoffMs * 2);
      }
    });
    ws.on('error', () => {});
  }

  private onMessage(text: string): void {
    let msg: Record<string, any>;
    try { msg = JSON.parse(text); } catch { return; }
    switch (msg.type) {
      case 'welcome':
        this.admitted = true;
        this.backoffMs = 100;
        this.emit('welcome', msg);
        if (this.unacked) this.send(this.unacked);
        return;
      case 'ack':
        if (this.unacked && msg.seq >= this.unacked.seq) this.unacked = null;
        this.lastAckedSeq = Math.max(this.lastAckedSeq, msg.seq);
        this.emit('ack', msg.seq, msg.duplicate === true);
        return;
      case 'decision':
        this.lastDecision = msg.decision;
        this.emit('decision', msg.decision as DeviceDecision);
        return;
      case 'error':
        if (msg.error === 'rate_limited' && this.unacked) {
          const again = this.unacked;
          setTimeout(() => { if (this.unacked === again) this.send(again); }, msg.retryAfterMs ?? 100);
          return;
        }
        this.emit('refused', msg);
        return;
    }
  }

  private send(report: DeviceReport): void {
    if (this.ws && this.admitted && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'report', report }));
  }

  /** Reports the device's current state; returns its seq. Sent now if connected, else on (re)connect. */
  report(state: DeviceState): number {
    const report = { ...state, deviceId: this.opts.deviceId, epoch: this.epoch, seq: this.seq++ } as DeviceReport;
    this.unacked = report;
    this.send(report);
    return report.seq;
  }

  /** Sends a raw text frame (for tests of the agent's validation). */
  sendRaw(text: string): void {
    this.ws?.send(text);
  }

  /** Closes; with `leave` the controller forgets the device first. */
  close(opts: { leave?: boolean } = {}): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (opts.leave && this.ws && this.admitted) this.ws.send(JSON.stringify({ type: 'leave' }));
    this.ws?.close(1000);
  }
}
