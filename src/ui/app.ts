import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clientBundle, type Bundle } from './bundle.ts';
import { handleApi, type ApiContext } from './api.ts';
import { SolverThread } from './solver-thread.ts';
import { cookie, readBody, sendBytes, sendError } from './http.ts';
import { handleLive, type LiveSource } from './live.ts';

/**
 * The dashboard as one request handler, mounted at "/" by `mec ui` and at "/ui" by
 * `mec controller`. Paths below the mount:
 *   /                  the page (index.html), or the sign-in page when a token is needed
 *   /app.js, /app.css  the esbuild bundle (built in memory, once)
 *   /login, /logout    POST: set or clear the token cookie (only with `auth`)
 *   /api/..., /figures/...   see api.ts;  /api/live...  see live.ts
 */
export interface UiOptions {
  /** Folder with figures/<system>/ (default: the repository's figures/). */
  figuresDir?: string;
  maxBodyBytes?: number;
  /** A solve running longer is stopped. */
  solveTimeoutS?: number;
  /** The control plane to show in the Live tab (the controller serving the page), if any. */
  live?: LiveSource | null;
  /**
   * When set, every page and API call needs a token this accepts (the controller's operator
   * tokens), from the `Authorization: Bearer` header or the cookie the sign-in form sets.
   */
  auth?: { check(token: string): boolean } | null;
  /**
   * Bundle the page and start the solver thread now rather than when first needed (`mec ui`
   * does; the controller waits, so its start-up and its tests pay nothing for a dashboard no one opens).
   */
  warm?: boolean;
}

export interface Ui {
  /** Answers a request whose path below the mount is `path` ("" for the mount itself). */
  handle(req: IncomingMessage, res: ServerResponse, path: string, mount: string): Promise<void>;
  close(): Promise<void>;
  /** The page's bundle (built once; at start with `warm`, else at the first request for it). */
  bundle(): Promise<Bundle>;
}

const CLIENT = (name: string) => readFileSync(fileURLToPath(new URL(`./client/${name}`, import.meta.url)), 'utf8');
const COOKIE = 'mec_ui_token';
export const REPO_FIGURES = fileURLToPath(new URL('../../figures/', import.meta.url));

export async function createUi(opts: UiOptions = {}): Promise<Ui> {
  if (opts.warm) await clientBundle();
  const index = CLIENT('index.html');
  const login = CLIENT('login.html');
  const solver = new SolverThread((opts.solveTimeoutS ?? 120) * 1000);
  if (opts.warm) solver.warm();
  const api: ApiContext = { solver, figuresDir: opts.figuresDir ?? REPO_FIGURES, maxBodyBytes: opts.maxBodyBytes ?? 16 * 1024 * 1024 };
  const auth = opts.auth ?? null;

  const tokenOf = (req: IncomingMessage): string | null => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return m ? m[1] : cookie(req, COOKIE);
  };
  const signedIn = (req: IncomingMessage): boolean => {
    if (!auth) return true;
    const token = tokenOf(req);
    // checked on every request, so a revoked token stops working at once
    return token !== null && auth.check(token);
  };
  const page = (html: string) => (auth ? html.replace('<body>', '<body data-auth="token">') : html);

  async function handle(req: IncomingMessage, res: ServerResponse, path: string, mount: string): Promise<void> {
    const cookiePath = mount || '/';
    if (path === '') {
      res.writeHead(308, { location: `${mount}/` });
      res.end();
      return;
    }
    if (req.method === 'GET' && path === '/app.js') return sendBytes(res, 200, 'text/javascript; charset=utf-8', (await clientBundle()).js, { 'cache-control': 'no-cache' });
    if (req.method === 'GET' && path === '/app.css') return sendBytes(res, 200, 'text/css; charset=utf-8', (await clientBundle()).css, { 'cache-control': 'no-cache' });
    if (auth && req.method === 'POST' && path === '/login') {
      const form = new URLSearchParams(await readBody(req, 4096, /^application\/x-www-form-urlencoded\b/i).catch(() => ''));
      const token = form.get('token') ?? '';
      if (!auth.check(token)) {
        return sendBytes(res, 401, 'text/html; charset=utf-8', login.replace('<!--MESSAGE-->', '<p class="error" role="alert">Unknown, revoked or non-operator token.</p>'), { 'cache-control': 'no-store' });
      }
      res.writeHead(303, { location: `${mount}/`, 'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; Path=${cookiePath}; HttpOnly; SameSite=Strict`, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (auth && req.method === 'POST' && path === '/logout') {
      res.writeHead(303, { location: `${mount}/`, 'set-cookie': `${COOKIE}=; Path=${cookiePath}; HttpOnly; SameSite=Strict; Max-Age=0` });
      res.end();
      return;
    }
    if (!signedIn(req)) {
      req.resume();
      if (req.method === 'GET' && path === '/') return sendBytes(res, 200, 'text/html; charset=utf-8', login, { 'cache-control': 'no-store' });
      return sendError(res, 401, 'unauthorized', 'sign in with an operator token (the dashboard\'s sign-in page, or "Authorization: Bearer <token>")');
    }
    if (req.method === 'GET' && path === '/') return sendBytes(res, 200, 'text/html; charset=utf-8', page(index), { 'cache-control': 'no-store' });
    if (path.startsWith('/api/live')) return handleLive(opts.live ?? null, req, res, path, () => signedIn(req));
    if (await handleApi(api, req, res, path)) return;
    sendError(res, 404, 'not_found', `no dashboard route ${req.method} ${path}`);
  }

  return { handle, close: () => solver.close(), bundle: clientBundle };
}
