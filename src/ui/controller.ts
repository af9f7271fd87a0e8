import type { Controller } from '../control/controller.ts';
import type { Route } from '../control/api.ts';
import { createUi, type Ui, type UiOptions } from './app.ts';
import { LiveHub } from './live-hub.ts';
import { sendError } from './http.ts';

/**
 * The dashboard inside `mec controller`, under /ui/: the same page as `mec ui`, behind the
 * controller's operator tokens (a sign-in form sets an HttpOnly, SameSite=Strict cookie; a
 * `Authorization: Bearer` header works too; the token is checked again on every request, so a
 * revoked one stops at once), with the Live tab fed by this controller's events.
 *
 * The controller's router matches path templates, so every dashboard path is registered as a
 * route of its own (auth: null: the dashboard checks the token itself, to answer the page with a
 * sign-in form rather than a JSON 401).
 */
export const MOUNT = '/ui';

const PATHS: Array<[Route['method'], string]> = [
  ['GET', ''], ['GET', '/'], ['GET', '/app.js'], ['GET', '/app.css'], ['POST', '/login'], ['POST', '/logout'],
  ['GET', '/api/systems'], ['POST', '/api/generate'], ['POST', '/api/scenario'], ['POST', '/api/solve'], ['GET', '/api/figures'],
  ['GET', '/api/live'], ['GET', '/api/live/events'], ['GET', '/api/live/plan'], ['GET', '/figures/{system}/{file}'],
];

export async function attachDashboard(ctl: Controller, opts: Omit<UiOptions, 'live' | 'auth'> = {}): Promise<{ ui: Ui; close(): Promise<void> }> {
  const live = new LiveHub(ctl);
  const ui = await createUi({ ...opts, live, auth: { check: (token) => ctl.store.checkToken(token)?.kind === 'operator' } });
  for (const [method, sub] of PATHS) {
    ctl.extraRoutes.push({
      method, path: `${MOUNT}${sub}`, auth: null,
      handle: ({ req, res }) => {
        let path: string;
        try {
          path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
        } catch {
          return sendError(res, 400, 'malformed', 'bad percent-escape in the path');
        }
        return ui.handle(req, res, path.slice(MOUNT.length), MOUNT);
      },
    });
  }
  return {
    ui,
    async close() {
      live.close();
      await ui.close();
    },
  };
}
