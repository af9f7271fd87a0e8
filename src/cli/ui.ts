import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { parseNumberFlag } from './parse.ts';

/**
 * `mec ui`: the web dashboard on a local server (docs/ui.md). It prints one line with its
 * address on stdout (tests and scripts read the port from it) and logs to stderr. It has no
 * login, so it listens on loopback unless told otherwise; `mec controller` serves the same pages
 * under /ui/ behind its operator tokens.
 */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function registerUiCommand(program: Command): void {
  program.command('ui').description('the web dashboard: scenarios, plans, comparisons and the reproduced figures in a browser (docs/ui.md)')
    .option('--host <addr>', 'address to listen on (the dashboard has no login: keep it on loopback)', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port; the bound one is printed)', '8090')
    .option('--figures <dir>', 'folder holding figures/<system>/ (default: the repository\'s figures/)')
    .option('--solve-timeout-s <n>', 'stop a solve that runs longer', '120')
    .action(async (flags: { host: string; port: string; figures?: string; solveTimeoutS: string }) => {
      const port = parseNumberFlag('port', flags.port, 'int');
      if (port < 0 || port > 65535) throw new InputError('must be 0..65535', '--port');
      const solveTimeoutS = parseNumberFlag('solve-timeout-s', flags.solveTimeoutS, 'number');
      if (!(solveTimeoutS > 0)) throw new InputError('must be > 0', '--solve-timeout-s');
      if (!LOOPBACK.has(flags.host)) process.stderr.write(`mec ui: warning: listening on ${flags.host} without a login; anyone who can reach it can run solves (use \`mec controller\`'s /ui/ for a shared dashboard)\n`);
      const { startUiServer } = await import('../ui/server.ts');
      const server = await startUiServer(flags.host, port, { figuresDir: flags.figures, solveTimeoutS, warm: true }, (line) => process.stderr.write(`${line}\n`));
      const bundle = await server.ui.bundle();
      process.stderr.write(`ui: client bundled by esbuild in ${bundle.ms.toFixed(0)} ms (${(bundle.js.length / 1024).toFixed(0)} KiB)\n`);
      const shown = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
      process.stdout.write(`ui listening on http://${shown}:${server.port}/\n`);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        server.stop().then(() => process.exit(0), () => process.exit(1));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
