import type { WebSocket } from 'ws';
import { subjectAllows, type TokenRecord } from './auth.ts';
import { agentMessageSchema, errorBody, parseMessage, type AgentMessage, type ErrorCode } from './protocol.ts';
import { checkServer } from './scenario.ts';
import type { IncomingReport, ReportOutcome } from './store.ts';
import type { AgentConn, Controller } from './controller.ts';

/**
 * The controller's side of an agent's WebSocket: every frame is validated, the token is checked
 * again (a revoked token stops at its next message; so does a revoked device token, at its
 * device's next report), the rate limit is charged (a report batch one per report), and only
 * then does the message reach the controller's state. A connection must say hello within
 * `helloTimeoutMs` and answer pings (controller.ts) or it is closed.
 */
const MAX_MALFORMED_PER_CONNECTION = 20;

export function acceptAgent(ctl: Controller, ws: WebSocket, token: TokenRecord): void {
  const conn: AgentConn = { ws, token, serverId: null, admitted: new Map(), malformed: 0, alive: true };
  (ws as WebSocket & { conn?: AgentConn }).conn = conn;
  ws.on('pong', () => { conn.alive = true; });
  const helloTimer = setTimeout(() => {
    if (conn.serverId) return;
    ctl.refused('agent connection', 'unauthorized', 'no hello in time');
    ws.close(4408, 'no hello in time');
  }, ctl.opts.helloTimeoutMs ?? 10_000);
  helloTimer.unref();
  ws.on('message', (data, isBinary) => onAgentMessage(ctl, conn, isBinary ? '' : data.toString()));
  ws.on('close', (code) => {
    clearTimeout(helloTimer);
    // ids admitted here that never reported do not count against their token any more
    for (const id of conn.admitted.keys()) if (!ctl.devices.has(id)) ctl.releaseDevice(id);
    if (conn.serverId && ctl.servers.get(conn.serverId)?.conn === conn) {
      ctl.servers.get(conn.serverId)!.conn = null;
      ctl.log.info(`controller: agent ${conn.serverId} disconnected (${code})`);
      ctl.emit('agent-disconnected', conn.serverId, code);
      ctl.requestPlan(`agent ${conn.serverId} left`);
    }
  });
  ws.on('error', () => {});
}

function sendError(ctl: Controller, conn: AgentConn, code: ErrorCode, err: Error | string, extra: Record<string, unknown> = {}): void {
  ctl.refused(`agent ${conn.serverId ?? '(no hello)'}`, code, typeof err === 'string' ? err : err.message);
  conn.ws.send(JSON.stringify({ type: 'error', ...errorBody(code, err), ...extra }));
}

function onAgentMessage(ctl: Controller, conn: AgentConn, text: string): void {
  // a token revoked while connected stops working at its next message
  if (!ctl.store.checkTokenById(conn.token.id)) {
    sendError(ctl, conn, 'unauthorized', 'token revoked');
    conn.ws.close(4401, 'token revoked');
    return;
  }
  const parsed = parseMessage(agentMessageSchema, text, 'message');
  if (!parsed.ok) {
    sendError(ctl, conn, 'malformed', parsed.error);
    if (++conn.malformed >= MAX_MALFORMED_PER_CONNECTION) conn.ws.close(1008, 'too many malformed messages');
    return;
  }
  const msg = parsed.value;
  const cost = msg.type === 'reports' ? msg.reports.length : 1;
  const limit = ctl.limiters.take(`${conn.token.id}:${conn.serverId ?? ''}`, cost);
  if (!limit.ok) {
    sendError(ctl, conn, 'rate_limited', `rate limit of ${ctl.opts.rateLimitPerS}/s exceeded`, { retryAfterMs: limit.retryAfterMs, ...(msg.type === 'reports' ? { batch: msg.batch } : {}), ...('ref' in msg ? { ref: msg.ref } : {}), ...(msg.type === 'hello' ? { hello: true } : {}) });
    return;
  }
  if (msg.type === 'hello') return onHello(ctl, conn, msg);
  if (!conn.serverId) return sendError(ctl, conn, 'conflict', 'send hello first');
  switch (msg.type) {
    case 'admit': return onAdmit(ctl, conn, msg);
    case 'reports': return onReports(ctl, conn, msg);
    case 'leave': return onLeave(ctl, conn, msg);
  }
}

function onHello(ctl: Controller, conn: AgentConn, msg: Extract<AgentMessage, { type: 'hello' }>): void {
  if (!subjectAllows(conn.token.subject, msg.serverId)) {
    return sendError(ctl, conn, 'forbidden', `this token may register "${conn.token.subject}", not "${msg.serverId}"`, { field: 'message serverId' });
  }
  if (conn.serverId && conn.serverId !== msg.serverId) return sendError(ctl, conn, 'conflict', `already registered as ${conn.serverId}`);
  // the whole server, profile included, is checked with the planner's own rules now: a server
  // that would make every plan fail is refused here and costs nobody else anything
  const bad = checkServer(msg.serverId, msg.server);
  if (bad) return sendError(ctl, conn, 'malformed', bad, { hello: true });
  const previous = ctl.servers.get(msg.serverId);
  if (previous?.conn && previous.conn !== conn) {
    // a restarted agent replaces its own stale connection; another token's live agent is not
    // pushed off (the heartbeat closes a dead one within two periods, then this one may register)
    if (previous.conn.token.id !== conn.token.id) {
      sendError(ctl, conn, 'conflict', `server ${msg.serverId} is connected with another token`, { hello: true });
      conn.ws.close(4409, 'server registered by another token');
      return;
    }
    previous.conn.ws.close(4009, 'replaced by a newer connection');
  }
  const now = Date.now();
  const changed = JSON.stringify(previous?.info) !== JSON.stringify(msg.server);
  ctl.store.saveServer(msg.serverId, msg.server, now);
  conn.serverId = msg.serverId;
  ctl.servers.set(msg.serverId, { info: msg.server, updatedAt: now, conn });
  conn.ws.send(JSON.stringify({ type: 'welcome', serverId: msg.serverId, planId: ctl.latest?.header.planId ?? null, maxMessageBytes: ctl.opts.maxBodyBytes }));
  ctl.log.info(`controller: agent ${msg.serverId} registered`);
  ctl.emit('agent-connected', msg.serverId);
  if (changed) ctl.serverChanged();
  ctl.requestPlan(`agent ${msg.serverId} joined`);
}

function onAdmit(ctl: Controller, conn: AgentConn, msg: Extract<AgentMessage, { type: 'admit' }>): void {
  const token = ctl.store.checkToken(msg.token);
  let error: string | null = null;
  if (!token) error = 'unknown or revoked device token';
  else if (token.kind !== 'device') error = `a ${token.kind} token cannot act as a device`;
  else if (!subjectAllows(token.subject, msg.deviceId)) error = `this token may report as "${token.subject}", not "${msg.deviceId}"`;
  else error = ctl.claimDevice(token.id, msg.deviceId);
  if (error === null) conn.admitted.set(msg.deviceId, token!.id);
  else ctl.refused(`device ${msg.deviceId} via ${conn.serverId}`, 'unauthorized', error);
  conn.ws.send(JSON.stringify({ type: 'admitted', ref: msg.ref, deviceId: msg.deviceId, ok: error === null, ...(error ? { error: 'unauthorized', message: error } : {}) }));
}

function onReports(ctl: Controller, conn: AgentConn, msg: Extract<AgentMessage, { type: 'reports' }>): void {
  const rejected: Array<{ ref: number; error: ErrorCode; message: string }> = [];
  const accepted: Array<{ ref: number; item: IncomingReport }> = [];
  // a device token revoked while its device is connected stops at that device's next report;
  // one lookup per token per batch
  const live = new Map<string, boolean>();
  for (const { ref, report } of msg.reports) {
    const tokenId = conn.admitted.get(report.deviceId);
    if (tokenId === undefined) {
      rejected.push({ ref, error: 'forbidden', message: `device ${report.deviceId} was not admitted on this connection` });
      continue;
    }
    if (!live.has(tokenId)) live.set(tokenId, ctl.store.checkTokenById(tokenId));
    if (!live.get(tokenId)) {
      conn.admitted.delete(report.deviceId);
      rejected.push({ ref, error: 'unauthorized', message: 'device token revoked' });
      continue;
    }
    accepted.push({ ref, item: { report, via: conn.serverId, tokenId } });
  }
  if (rejected.length > 0) {
    ctl.metrics.reports.inc({ outcome: 'rejected' }, rejected.length);
    ctl.refused(`agent ${conn.serverId}`, rejected[0].error, `${rejected.length} reports: ${rejected[0].message}`);
  }
  const reply = (outcomes: ReportOutcome[] | null, err?: Error) => {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (!outcomes) {
      // not committed: not acknowledged, so the agent keeps and resends them
      sendError(ctl, conn, 'unavailable', `storage failed: ${err?.message}`, { batch: msg.batch });
      return;
    }
    const acked = {
      accepted: accepted.filter((_, i) => outcomes[i] === 'accepted').map((a) => a.ref),
      duplicate: accepted.filter((_, i) => outcomes[i] === 'duplicate').map((a) => a.ref),
    };
    conn.ws.send(JSON.stringify({ type: 'ack', batch: msg.batch, ...acked, rejected }));
    ctl.emit('reports-acked', { via: conn.serverId, accepted: acked.accepted.length, duplicate: acked.duplicate.length, rejected: rejected.length });
  };
  if (accepted.length === 0) reply([]);
  else ctl.submitReports({ items: accepted.map((a) => a.item), done: reply });
}

function onLeave(ctl: Controller, conn: AgentConn, msg: Extract<AgentMessage, { type: 'leave' }>): void {
  if (!conn.admitted.has(msg.deviceId)) return sendError(ctl, conn, 'forbidden', `device ${msg.deviceId} was not admitted on this connection`, { ref: msg.ref });
  conn.admitted.delete(msg.deviceId);
  ctl.removeDevice(msg.deviceId, conn.serverId).then(
    () => conn.ws.send(JSON.stringify({ type: 'left', ref: msg.ref, deviceId: msg.deviceId })),
    (err: Error) => sendError(ctl, conn, 'unavailable', `leave not stored: ${err.message}`, { ref: msg.ref }),
  );
}
