import type { WebSocket } from 'ws';
import { subjectAllows, type TokenRecord } from './auth.ts';
import { agentMessageSchema, errorBody, parseMessage, type AgentMessage, type ErrorCode } from './protocol.ts';
import { profileOf } from './scenario.ts';
import type { IncomingReport, ReportOutcome } from './store.ts';
import type { AgentConn, Controller } from './controller.ts';

/**
 * The controller's side of an agent's WebSocket: every frame is validated, the token is checked
 * again (a revoked token stops at its next message), the rate limit is charged (a report batch
 * one per report), and only then does the message reach the controller's state.
 */
const MAX_MALFORMED_PER_CONNECTION = 20;

export function acceptAgent(ctl: Controller, ws: WebSocket, token: TokenRecord): void {
  const conn: AgentConn = { ws, token, serverId: null, admitted: new Set(), malformed: 0 };
  ws.on('message', (data, isBinary) => onAgentMessage(ctl, conn, isBinary ? '' : data.toString()));
  ws.on('close', () => {
    if (conn.serverId && ctl.servers.get(conn.serverId)?.conn === conn) {
      ctl.servers.get(conn.serverId)!.conn = null;
      ctl.log(`controller: agent ${conn.serverId} disconnected`);
      ctl.requestPlan(`agent ${conn.serverId} left`);
    }
  });
  ws.on('error', () => {});
}

function sendError(conn: AgentConn, code: ErrorCode, err: Error | string, extra: Record<string, unknown> = {}): void {
  conn.ws.send(JSON.stringify({ type: 'error', ...errorBody(code, err), ...extra }));
}

function onAgentMessage(ctl: Controller, conn: AgentConn, text: string): void {
  // a token revoked while connected stops working at its next message
  if (!ctl.store.checkTokenById(conn.token.id)) {
    sendError(conn, 'unauthorized', 'token revoked');
    conn.ws.close(4401, 'token revoked');
    return;
  }
  const parsed = parseMessage(agentMessageSchema, text, 'message');
  if (!parsed.ok) {
    sendError(conn, 'malformed', parsed.error);
    if (++conn.malformed >= MAX_MALFORMED_PER_CONNECTION) conn.ws.close(1008, 'too many malformed messages');
    return;
  }
  const msg = parsed.value;
  const cost = msg.type === 'reports' ? msg.reports.length : 1;
  const limit = ctl.limiters.take(`${conn.token.id}:${conn.serverId ?? ''}`, cost);
  if (!limit.ok) {
    sendError(conn, 'rate_limited', `rate limit of ${ctl.opts.rateLimitPerS}/s exceeded`, { retryAfterMs: limit.retryAfterMs, ...(msg.type === 'reports' ? { batch: msg.batch } : {}), ...('ref' in msg ? { ref: msg.ref } : {}) });
    return;
  }
  if (msg.type === 'hello') return onHello(ctl, conn, msg);
  if (!conn.serverId) return sendError(conn, 'conflict', 'send hello first');
  switch (msg.type) {
    case 'admit': return onAdmit(ctl, conn, msg);
    case 'reports': return onReports(ctl, conn, msg);
    case 'leave': return onLeave(ctl, conn, msg);
  }
}

function onHello(ctl: Controller, conn: AgentConn, msg: Extract<AgentMessage, { type: 'hello' }>): void {
  if (!subjectAllows(conn.token.subject, msg.serverId)) {
    return sendError(conn, 'forbidden', `this token may register "${conn.token.subject}", not "${msg.serverId}"`, { field: 'message serverId' });
  }
  if (conn.serverId && conn.serverId !== msg.serverId) return sendError(conn, 'conflict', `already registered as ${conn.serverId}`);
  if (!profileOf(msg.server)) {
    return sendError(conn, 'malformed', `unknown CNN profile "${msg.server.cnnProfile}" (give a built-in name or an inline profile)`, { field: 'message server.cnnProfile' });
  }
  const previous = ctl.servers.get(msg.serverId);
  if (previous?.conn && previous.conn !== conn) previous.conn.ws.close(4009, 'replaced by a newer connection');
  const now = Date.now();
  ctl.store.saveServer(msg.serverId, msg.server, now);
  conn.serverId = msg.serverId;
  ctl.servers.set(msg.serverId, { info: msg.server, updatedAt: now, conn });
  conn.ws.send(JSON.stringify({ type: 'welcome', serverId: msg.serverId, planId: ctl.latest?.header.planId ?? null }));
  ctl.log(`controller: agent ${msg.serverId} registered`);
  ctl.requestPlan(`agent ${msg.serverId} joined`);
}

function onAdmit(ctl: Controller, conn: AgentConn, msg: Extract<AgentMessage, { type: 'admit' }>): void {
  const token = ctl.store.checkToken(msg.token);
  let error: string | null = null;
  if (!token) error = 'unknown or revoked device token';
  else if (token.kind !== 'device') error = `a ${token.kind} token cannot act as a device`;
  else if (!subjectAllows(token.subject, msg.deviceId)) error = `this token may report as "${token.subject}", not "${msg.deviceId}"`;
  if (error === null) conn.admitted.add(msg.deviceId);
  conn.ws.send(JSON.stringify({ type: 'admitted', ref: msg.ref, deviceId: msg.deviceId, ok: error === null, ...(error ? { error: 'unauthorized', message: error } : {}) }));
}

function onReports(ctl: Controller, conn: AgentConn, msg: Extract<AgentMessage, { type: 'reports' }>): void {
  const rejected: Array<{ ref: number; error: ErrorCode; message: string }> = [];
  const accepted: Array<{ ref: number; item: IncomingReport }> = [];
  for (const { ref, report } of msg.reports) {
    if (!conn.admitted.has(report.deviceId)) rejected.push({ ref, error: 'forbidden', message: `device ${report.deviceId} was not admitted on this connection` });
    else accepted.push({ ref, item: { report, via: conn.serverId } });
  }
  const reply = (outcomes: ReportOutcome[] | null, err?: Error) => {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (!outcomes) {
      // not committed: not acknowledged, so the agent keeps and resends them
      sendError(conn, 'unavailable', `storage failed: ${err?.message}`, { batch: msg.batch });
      return;
    }
    conn.ws.send(JSON.stringify({
      type: 'ack', batch: msg.batch,
      accepted: accepted.filter((_, i) => outcomes[i] === 'accepted').map((a) => a.ref),
      duplicate: accepted.filter((_, i) => outcomes[i] === 'duplicate').map((a) => a.ref),
      rejected,
    }));
  };
  if (accepted.length === 0) reply([]);
  else ctl.submitReports({ items: accepted.map((a) => a.item), done: reply });
}

function onLeave(ctl: Controller, conn: AgentConn, msg: Extract<AgentMessage, { type: 'leave' }>): void {
  if (!conn.admitted.has(msg.deviceId)) return sendError(conn, 'forbidden', `device ${msg.deviceId} was not admitted on this connection`, { ref: msg.ref });
  ctl.removeDevice(msg.deviceId, conn.serverId);
  conn.admitted.delete(msg.deviceId);
  conn.ws.send(JSON.stringify({ type: 'left', ref: msg.ref, deviceId: msg.deviceId }));
}
