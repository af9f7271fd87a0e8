import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { bearer, subjectAllows, type TokenKind, type TokenRecord } from './auth.ts';
import { errorBody, idSchema, parseMessage, reportsBodySchema, type ErrorCode } from './protocol.ts';
import type { Controller } from './controller.ts';
import { acceptAgent } from './agent-link.ts';

/**
 * The controller's HTTP API. ROUTES is the one list the router dispatches on; the test checks
 * that docs/openapi.json describes each of them, so the description cannot drift from the code.
 */
export interface Ctx {
  ctl: Controller;
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  token: TokenRecord | null;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** OpenAPI path template. */
  path: string;
  /** Token kinds allowed; null: no token needed. */
  auth: TokenKind[] | null;
  handle(ctx: Ctx): void | Promise<void>;
}

const STATUS: Record<ErrorCode, number> = {
  malformed: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, too_large: 413, rate_limited: 429, unavailable: 503,
};

export const OPENAPI_PATH = new URL('../../docs/openapi.json', import.meta.url);
let openapiText: string | null = null;

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function fail(res: ServerResponse, code: ErrorCode, err: Error | string, headers: Record<string, string> = {}): void {
  send(res, STATUS[code], errorBody(code, err), headers);
}

/**
 * Reads a JSON body of at most `max` bytes; too large or not JSON is refused before any work.
 * A too-large body is still read (and thrown away) up to DISCARD_FACTOR x max before the 413
 * goes out: answering while the client is still writing makes it see a broken pipe instead of
 * the answer. Beyond that the connection is cut (a client sending that much gets no courtesy).
 */
const DISCARD_FACTOR = 8;

function readBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = () => fail(res, 'too_large', `request body over ${max} bytes`, { connection: 'close' });
  if (declared > max * DISCARD_FACTOR) {
    res.once('finish', () => req.destroy());
    tooLarge();
    return Promise.resolve(null);
  }
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return drain(req, max * DISCARD_FACTOR).then(() => { fail(res, 'malformed', 'content-type must be application/json'); return null; });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
      else if (size > max * DISCARD_FACTOR && !res.headersSent) {
        res.once('finish', () => req.destroy());
        tooLarge();
        resolve(null);
      }
    });
    req.on('end', () => {
      if (size <= max) return resolve(Buffer.concat(chunks).toString('utf8'));
      tooLarge();
      resolve(null);
    });
    req.on('error', () => resolve(null));
  });
}

/** Reads and drops a request body of up to `cap` bytes before an answer; a longer one is cut off. */
function drain(req: IncomingMessage, cap: number): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > cap) { req.destroy(); resolve(); }
    });
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.on('close', () => resolve());
  });
}

function deviceParam(ctx: Ctx): string | null {
  const id = ctx.params.deviceId;
  if (!idSchema.safeParse(id).success) {
    fail(ctx.res, 'malformed', 'not a valid device id');
    return null;
  }
  if (ctx.token?.kind === 'device' && !subjectAllows(ctx.token.subject, id)) {
    fail(ctx.res, 'forbidden', `this token may act as "${ctx.token.subject}", not "${id}"`);
    return null;
  }
  return id;
}

export const ROUTES: Route[] = [
  { method: 'GET', path: '/healthz', auth: null, handle: ({ res, ctl }) => send(res, 200, { ok: true, planId: ctl.latest?.header.planId ?? null }) },
  {
    method: 'GET', path: '/metrics', auth: ['operator'],
    async handle({ res, ctl }) {
      const text = await ctl.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': ctl.metrics.registry.contentType });
      res.end(text);
    },
  },
  {
    method: 'GET', path: '/openapi.json', auth: null,
    handle: ({ res }) => {
      openapiText ??= readFileSync(OPENAPI_PATH, 'utf8');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(openapiText);
    },
  },
  {
    method: 'GET', path: '/v1/state', auth: ['operator'],
    handle: ({ res, ctl }) => send(res, 200, {
      servers: [...ctl.servers].map(([serverId, s]) => ({ serverId, connected: s.conn !== null, updatedAt: s.updatedAt, ...s.info })),
      devices: [...ctl.devices].map(([deviceId, d]) => ({ deviceId, epoch: d.report.epoch ?? 0, seq: d.report.seq, via: d.via, updatedAt: d.updatedAt })),
      plan: ctl.latest?.header ?? null,
      lastPlanError: ctl.lastPlanError,
      log: ctl.store.logStats(),
    }),
  },
  {
    method: 'GET', path: '/v1/plan', auth: ['operator', 'agent'],
    handle: ({ res, ctl }) => ctl.latest
      ? send(res, 200, { ...ctl.latest.header, scenario: ctl.latest.stored.scenario, result: ctl.latest.stored.result, basis: ctl.latest.stored.basis, via: ctl.latest.stored.via })
      : fail(res, 'not_found', 'no plan yet'),
  },
  {
    method: 'POST', path: '/v1/reports', auth: ['device'],
    async handle({ req, res, ctl, token }) {
      const text = await readBody(req, res, ctl.opts.maxBodyBytes);
      if (text === null) return;
      const parsed = parseMessage(reportsBodySchema, text, 'body');
      if (!parsed.ok) return fail(res, 'malformed', parsed.error);
      const reports = parsed.value.reports;
      for (const [i, r] of reports.entries()) {
        if (!subjectAllows(token!.subject, r.deviceId)) {
          return fail(res, 'forbidden', `this token may report as "${token!.subject}", not "${r.deviceId}" (reports[${i}])`);
        }
      }
      const limit = ctl.limiters.take(token!.id, reports.length);
      if (!limit.ok) return fail(res, 'rate_limited', `rate limit of ${ctl.opts.rateLimitPerS}/s exceeded`, { 'retry-after': String(Math.ceil(limit.retryAfterMs / 1000)) });
      for (const [i, r] of reports.entries()) {
        const over = ctl.claimDevice(token!.id, r.deviceId);
        if (over) return fail(res, 'forbidden', `${over} (reports[${i}])`);
      }
      // a device reporting straight over HTTP has no agent relaying for it
      const via = null;
      await new Promise<void>((resolve) => ctl.submitReports({
        items: reports.map((report) => ({ report, via, tokenId: token!.id })),
        done(outcomes, err) {
          if (!outcomes) fail(res, 'unavailable', `storage failed: ${err?.message}`);
          else send(res, 200, { accepted: outcomes.filter((o) => o === 'accepted').length, duplicate: outcomes.filter((o) => o === 'duplicate').length, outcomes });
          resolve();
        },
      }));
    },
  },
  {
    method: 'GET', path: '/v1/devices/{deviceId}/decision', auth: ['operator', 'agent', 'device'],
    handle(ctx) {
      const id = deviceParam(ctx);
      if (id === null) return;
      const d = ctx.ctl.latest?.decisions.get(id);
      if (!d) return fail(ctx.res, 'not_found', `no decision for ${id} in the latest plan`);
      send(ctx.res, 200, d);
    },
  },
  {
    method: 'DELETE', path: '/v1/devices/{deviceId}', auth: ['operator', 'device'],
    async handle(ctx) {
      const id = deviceParam(ctx);
      if (id === null) return;
      if (!(await ctx.ctl.removeDevice(id, null))) return fail(ctx.res, 'not_found', `unknown device ${id}`);
      send(ctx.res, 200, { removed: id });
    },
  },
  {
    method: 'POST', path: '/v1/replan', auth: ['operator'],
    handle: ({ res, ctl }) => {
      ctl.requestPlan('operator', 0);
      send(res, 202, { requested: true });
    },
  },
];

/** GET /v1/agent is the agents' WebSocket; it is described in the OpenAPI file too. */
export const WEBSOCKET_ROUTE = { method: 'GET', path: '/v1/agent' } as const;

const compiled = ROUTES.map((r) => compile(r));

/** Checks the bearer token: the token record, or an error already sent. */
function authenticate(ctl: Controller, header: string | undefined, allowed: TokenKind[]): { token: TokenRecord } | { code: ErrorCode; message: string } {
  const presented = bearer(header);
  if (!presented) return { code: 'unauthorized', message: 'missing "Authorization: Bearer <token>" (create one with `mec token create`)' };
  const token = ctl.store.checkToken(presented);
  if (!token) return { code: 'unauthorized', message: 'unknown or revoked token' };
  if (!allowed.includes(token.kind)) return { code: 'forbidden', message: `a ${token.kind} token cannot use this (needs ${allowed.join(' or ')})` };
  return { token };
}

function compile(r: Route) {
  return { route: r, re: new RegExp(`^${r.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`) };
}

/** Decodes path parameters; a bad percent-escape is the client's mistake (400), not ours. */
function decodeParams(groups: Record<string, string>): Record<string, string> | null {
  try {
    return Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, decodeURIComponent(v)]));
  } catch {
    return null;
  }
}

export async function handleHttp(ctl: Controller, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const all = ctl.extraRoutes.length ? [...compiled, ...ctl.extraRoutes.map(compile)] : compiled;
    const matches = all.map((c) => ({ c, m: c.re.exec(path) })).filter((x) => x.m);
    if (matches.length === 0) return fail(res, 'not_found', `no route ${path}`);
    const hit = matches.find((x) => x.c.route.method === req.method);
    if (!hit) {
      return send(res, 405, errorBody('malformed', `method ${req.method} not allowed on ${path}`), { allow: matches.map((x) => x.c.route.method).join(', ') });
    }
    const route = hit.c.route;
    let token: TokenRecord | null = null;
    if (route.auth) {
      const auth = authenticate(ctl, req.headers.authorization, route.auth);
      if ('code' in auth) {
        ctl.refused(`http ${req.socket.remoteAddress}`, auth.code, auth.message);
        await drain(req, ctl.opts.maxBodyBytes * DISCARD_FACTOR);
        return fail(res, auth.code, auth.message);
      }
      token = auth.token;
      // report batches are charged per report inside their handler
      if (route.path !== '/v1/reports') {
        const limit = ctl.limiters.take(token.id);
        if (!limit.ok) return fail(res, 'rate_limited', `rate limit of ${ctl.opts.rateLimitPerS}/s exceeded`, { 'retry-after': String(Math.ceil(limit.retryAfterMs / 1000)) });
      }
    }
    const params = decodeParams(hit.m!.groups ?? {});
    if (!params) return fail(res, 'malformed', `bad percent-escape in ${path}`);
    await route.handle({ ctl, req, res, params, token });
  } catch (err) {
    ctl.log.error(`controller: internal error on ${req.method} ${req.url}: ${(err as Error).stack}`);
    send(res, 500, { error: 'internal', message: 'internal error' });
  }
}

function refuseUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  const body = JSON.stringify(errorBody(code, message));
  socket.end(`HTTP/1.1 ${status} ${code}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/** The agents' WebSocket: the token is checked, and the connection cap, before the upgrade completes. */
export function handleUpgrade(ctl: Controller, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const extra = ctl.upgradeHandler(path);
  if (extra) return extra(req, socket, head);
  if (path !== WEBSOCKET_ROUTE.path) return refuseUpgrade(socket, 404, 'not_found', `no WebSocket at ${path}`);
  const auth = authenticate(ctl, req.headers.authorization, ['agent']);
  if ('code' in auth) {
    ctl.refused(`agent upgrade ${req.socket.remoteAddress}`, auth.code, auth.message);
    return refuseUpgrade(socket, STATUS[auth.code], auth.code, auth.message);
  }
  const cap = ctl.opts.maxAgentConnections ?? 1000;
  if (ctl.wss.clients.size >= cap) {
    ctl.refused('agent upgrade', 'unavailable', 'connection cap reached');
    return refuseUpgrade(socket, 503, 'unavailable', `at most ${cap} agent connections`);
  }
  ctl.wss.handleUpgrade(req, socket, head, (ws) => acceptAgent(ctl, ws, auth.token));
}
