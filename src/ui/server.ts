import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUi, type Ui, type UiOptions } from './app.ts';
import { sendError } from './http.ts';

/** `mec ui`: the dashboard on its own HTTP server, mounted at "/". */
export interface UiServer {
  port: number;
  ui: Ui;
  stop(): Promise<void>;
}

export async function startUiServer(host: string, port: number, opts: UiOptions = {}, log: (line: string) => void = () => {}): Promise<UiServer> {
  const ui = await createUi(opts);
  const server: Server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return sendError(res, 400, 'malformed', 'bad percent-escape in the path');
    }
    ui.handle(req, res, path, '').catch((err: Error) => {
      log(`ui: internal error on ${req.method} ${req.url}: ${err.stack ?? err.message}`);
      sendError(res, 500, 'internal', 'internal error');
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 0; // a server-sent event stream stays open
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    ui,
    async stop() {
      await ui.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
