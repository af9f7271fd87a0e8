import type { IncomingMessage, ServerResponse } from 'node:http';
import { SECURITY_HEADERS, sendError, sendJson } from './http.ts';
import type { LiveEvent, LiveSnapshot } from './live-types.ts';
import type { SolveResponse } from './view/types.ts';

/**
 * The Live tab's endpoints:
 *   GET api/live         the snapshot (JSON)
 *   GET api/live/events  the snapshot, then every event, as server-sent events
 *   GET api/live/plan    the plan in force as a plan view (for the Plan tab)
 * A LiveSource is whatever watches a control plane; live-hub.ts watches an in-process controller.
 */
export interface LiveSource {
  snapshot(): LiveSnapshot;
  /** `end` is called when the source closes (the controller stopping), so open streams end with it. */
  subscribe(listener: (event: LiveEvent) => void, end?: () => void): () => void;
  latestPlan(): (SolveResponse & { system: string; scenario: unknown; summary: { text: string; devices: number } }) | null;
}

/** A comment line every so often keeps proxies from closing an idle stream and notices gone clients. */
const HEARTBEAT_MS = 15_000;

export function handleLive(live: LiveSource | null, req: IncomingMessage, res: ServerResponse, path: string, stillAllowed: () => boolean = () => true): void {
  if (req.method !== 'GET') return sendError(res, 405, 'malformed', `method ${req.method} not allowed on ${path}`);
  if (!live) return sendError(res, 404, 'not_found', 'no control plane here: the Live tab works in the dashboard `mec controller` serves under /ui/');
  if (path === '/api/live') return sendJson(res, 200, live.snapshot());
  if (path === '/api/live/plan') {
    const plan = live.latestPlan();
    return plan ? sendJson(res, 200, plan) : sendError(res, 404, 'not_found', 'no plan yet');
  }
  if (path !== '/api/live/events') return sendError(res, 404, 'not_found', `no route ${path}`);
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  const write = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  write('snapshot', live.snapshot());
  const unsubscribe = live.subscribe((e) => write(e.type, e), () => end());
  const heartbeat = setInterval(() => {
    // a token revoked while the page is open ends its stream
    if (!stillAllowed()) return end();
    res.write(': heartbeat\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  req.on('close', end);
}
