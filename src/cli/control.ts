import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { parseNumberFlag } from './parse.ts';
import { TOKEN_KINDS, type TokenKind } from '../control/auth.ts';
import { idSchema } from '../control/protocol.ts';

/**
 * The control plane's commands: `controller` (GTME), `agent` (LTME), `devices` (a simulated
 * DTME fleet) and `token` (operator credentials). Services print one line with their bound
 * address on stdout (tests and scripts read the port from it) and log to stderr.
 */
const LOOPBACK = '127.0.0.1';

function int(flag: string, v: string, min = 0): number {
  const n = parseNumberFlag(flag, v, 'int');
  if (n < min) throw new InputError(`must be >= ${min}`, `--${flag}`);
  return n;
}

function num(flag: string, v: string, positive = false): number {
  const n = parseNumberFlag(flag, v, 'number');
  if (positive ? n <= 0 : n < 0) throw new InputError(`must be ${positive ? '> 0' : '>= 0'}`, `--${flag}`);
  return n;
}

function id(flag: string, v: string): string {
  if (!idSchema.safeParse(v).success) throw new InputError('must be 1-64 characters of A-Z a-z 0-9 _ . : -', `--${flag}`);
  return v;
}

function tokenFrom(flags: { token?: string }): string {
  const token = flags.token ?? process.env.MEC_TOKEN;
  if (!token) throw new InputError('a token is needed (--token or the MEC_TOKEN variable; create one with `mec token create`)', '--token');
  return token;
}

/** Stops a service cleanly on SIGINT/SIGTERM. */
function onSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

export function registerControlCommands(program: Command): void {
  program.command('controller').description('run the controller (GTME): HTTP + WebSocket API, durable state, re-planning; see docs/control.md')
    .requiredOption('--db <file>', 'SQLite file holding tokens, reports and plans (created if missing)')
    .option('--host <addr>', 'address to listen on', LOOPBACK)
    .option('--port <n>', 'port (0: any free port; the bound one is printed)', '0')
    .option('-a, --algorithm <name>', 'cnn-coop algorithm that plans (see `mec algorithms cnn-coop`)', 'pa')
    .option('--debounce-ms <n>', 'changes within this window are planned together', '200')
    .option('--replan-s <n>', 're-plan at least this often (0: only on change)', '30')
    .option('--device-ttl-s <n>', 'leave devices silent for longer out of plans (0: never)', '300')
    .option('--max-body-bytes <n>', 'largest request body or WebSocket message', String(1024 * 1024))
    .option('--rate-limit <n>', 'requests/messages per second per token (a report batch counts its reports; 0: unlimited)', '2000')
    .option('--keep-plans <n>', 'keep only the last n plans in the database (0: all)', '0')
    .option('--sync <mode>', 'SQLite synchronous mode: full (an acknowledged report survives power loss) or normal (survives a crash of the process)', 'full')
    .option('--inline-planner', 'plan on the main thread instead of a worker thread')
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      const { Controller } = await import('../control/controller.ts');
      const { availableAlgorithms, inlinePlanner, workerPlanner } = await import('../control/planner.ts');
      const algorithm = flags.algorithm as string;
      const { names } = await availableAlgorithms('cnn-coop');
      if (!names.includes(algorithm)) throw new InputError(`unknown algorithm "${algorithm}" (known: ${names.join(', ')})`, '--algorithm');
      const sync = String(flags.sync).toUpperCase();
      if (sync !== 'FULL' && sync !== 'NORMAL') throw new InputError('must be full or normal', '--sync');
      const controller = new Controller({
        host: flags.host as string,
        port: int('port', flags.port as string),
        dbPath: flags.db as string,
        planner: flags.inlinePlanner ? inlinePlanner(algorithm) : workerPlanner(algorithm),
        debounceMs: int('debounce-ms', flags.debounceMs as string),
        replanS: num('replan-s', flags.replanS as string),
        deviceTtlS: num('device-ttl-s', flags.deviceTtlS as string),
        maxBodyBytes: int('max-body-bytes', flags.maxBodyBytes as string, 256),
        rateLimitPerS: num('rate-limit', flags.rateLimit as string),
        keepPlans: int('keep-plans', flags.keepPlans as string),
        synchronous: sync,
      });
      const port = await controller.start();
      process.stdout.write(`controller listening on http://${flags.host}:${port} (algorithm ${algorithm}, db ${flags.db})\n`);
      onSignal(() => controller.stop());
    });

  program.command('agent').description("run a server's agent (LTME): registers the server, relays its devices' reports and decisions")
    .requiredOption('--controller <url>', 'controller address, e.g. http://127.0.0.1:8080')
    .requiredOption('--server-id <id>', 'this MEC server\'s id (the agent token must allow it)')
    .option('--token <token>', 'agent token (default: $MEC_TOKEN)')
    .option('--host <addr>', 'address devices connect to', LOOPBACK)
    .option('--port <n>', 'port for devices (0: any free port; the bound one is printed)', '0')
    .option('--x <m>', 'server position x (m)', '50')
    .option('--y <m>', 'server position y (m)', '50')
    .option('--bandwidth-mhz <n>', 'uplink bandwidth B_n shared by its devices', '10')
    .option('--cpu-ghz <n>', 'CPU F_n', '600')
    .option('--backhaul-mbps <n>', 'backhaul capacity C_n to the cloud', '100')
    .option('--cnn-profile <name>', 'built-in CNN profile (see `mec profiles`)', 'table1')
    .option('--max-tasks <n>', 'load limit Q_n (used by pa-load-limit)')
    .option('--max-body-bytes <n>', 'largest device message', String(64 * 1024))
    .option('--device-rate-limit <n>', 'messages per second per device (0: unlimited)', '20')
    .action(async (flags: Record<string, string | undefined>) => {
      const { Agent } = await import('../control/agent.ts');
      const serverId = id('server-id', flags.serverId!);
      const agent = new Agent({
        controllerUrl: flags.controller!,
        token: tokenFrom(flags),
        serverId,
        server: {
          x: parseNumberFlag('x', flags.x!), y: parseNumberFlag('y', flags.y!),
          bandwidthMHz: num('bandwidth-mhz', flags.bandwidthMhz!, true), cpuGHz: num('cpu-ghz', flags.cpuGhz!, true),
          backhaulMbps: num('backhaul-mbps', flags.backhaulMbps!, true), cnnProfile: id('cnn-profile', flags.cnnProfile!),
          ...(flags.maxTasks !== undefined ? { maxTasks: int('max-tasks', flags.maxTasks) } : {}),
        },
        host: flags.host!,
        port: int('port', flags.port!),
        maxBodyBytes: int('max-body-bytes', flags.maxBodyBytes!, 256),
        deviceRatePerS: num('device-rate-limit', flags.deviceRateLimit!),
      });
      agent.on('fatal', (err: Error) => {
        process.stderr.write(`mec: error: ${err.message}\n`);
        agent.stop().finally(() => process.exit(2));
      });
      const port = await agent.start();
      process.stdout.write(`agent ${serverId} listening on ws://${flags.host}:${port}\n`);
      onSignal(() => agent.stop());
    });

  program.command('devices').description('simulate a fleet of moving devices (DTME clients) reporting through agents; prints the measured rates')
    .requiredOption('--agents <urls>', 'comma-separated agent addresses (ws://127.0.0.1:PORT); devices are spread over them')
    .option('--token <token>', 'device token whose subject covers the ids, e.g. created with --subject "sim-*" (default: $MEC_TOKEN)')
    .option('--count <n>', 'number of devices', '10')
    .option('--id-prefix <p>', 'device ids are <prefix>1..<prefix>N', 'sim-')
    .option('--seed <n>', 'seed of the task and movement draws', '1')
    .option('--area-m <n>', 'side of the square area (m)', '100')
    .option('--speed-mps <n>', 'walking speed (m/s)', '1.5')
    .option('--period-s <n>', 'each device reports once per period', '1')
    .option('--duration-s <n>', 'stop after this long (0: until Ctrl-C)', '0')
    .option('--leave', 'devices leave (the controller forgets them) when the fleet stops')
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      const { Fleet } = await import('../control/fleet.ts');
      const agentUrls = String(flags.agents).split(',').map((s) => s.trim()).filter(Boolean);
      if (agentUrls.length === 0) throw new InputError('give at least one agent address', '--agents');
      const fleet = new Fleet({
        agentUrls,
        token: tokenFrom(flags as { token?: string }),
        count: int('count', flags.count as string, 1),
        idPrefix: flags.idPrefix as string,
        seed: int('seed', flags.seed as string),
        areaM: num('area-m', flags.areaM as string, true),
        speedMps: num('speed-mps', flags.speedMps as string),
        periodS: num('period-s', flags.periodS as string, true),
      });
      const durationS = num('duration-s', flags.durationS as string);
      await fleet.connect();
      process.stdout.write(`devices: ${fleet.stats.admitted} admitted over ${fleet.opts.agentUrls.length} agents\n`);
      fleet.run();
      const print = () => {
        const s = fleet.summary();
        process.stderr.write(`devices: sent ${s.reportsSent}, acked ${s.reportsAcked}, decisions ${s.decisions}, report->decision median ${s.decisionMedianMs.toFixed(0)} ms p99 ${s.decisionP99Ms.toFixed(0)} ms\n`);
      };
      const ticker = setInterval(print, 5000);
      const finish = async () => {
        clearInterval(ticker);
        fleet.stop({ leave: !!flags.leave });
        process.stdout.write(`${JSON.stringify(fleet.summary())}\n`);
      };
      if (durationS > 0) setTimeout(() => finish().then(() => process.exit(0)), durationS * 1000);
      onSignal(finish);
    });

  const token = program.command('token').description('operator credentials for agents, devices and operators');
  token.command('create').description('create a token and print it once (only its hash is stored)')
    .requiredOption('--db <file>', "the controller's SQLite file")
    .requiredOption('--kind <kind>', `one of ${TOKEN_KINDS.join(', ')}`)
    .requiredOption('--subject <id>', 'server id (agent), device id (device) or name (operator); a trailing * makes it a prefix')
    .action(async (flags: { db: string; kind: string; subject: string }) => {
      if (!TOKEN_KINDS.includes(flags.kind as TokenKind)) throw new InputError(`must be one of ${TOKEN_KINDS.join(', ')}`, '--kind');
      if (!/^[A-Za-z0-9_.:-]{0,64}\*?$/.test(flags.subject) || flags.subject === '') throw new InputError('an id, optionally ending in *', '--subject');
      const { Store } = await import('../control/store.ts');
      const store = new Store(flags.db);
      const { record, token: secret } = store.createToken(flags.kind as TokenKind, flags.subject);
      store.close();
      process.stderr.write(`created ${record.kind} token ${record.id} for "${record.subject}"\n`);
      process.stdout.write(`${secret}\n`);
    });
  token.command('list').description('list tokens (ids, kinds, subjects; never the secrets)')
    .requiredOption('--db <file>', "the controller's SQLite file")
    .action(async (flags: { db: string }) => {
      const { Store } = await import('../control/store.ts');
      const store = new Store(flags.db);
      for (const t of store.listTokens()) {
        process.stdout.write(`${t.id}  ${t.kind.padEnd(8)}  ${t.subject.padEnd(20)}  ${new Date(t.createdAt).toISOString()}${t.revokedAt ? `  revoked ${new Date(t.revokedAt).toISOString()}` : ''}\n`);
      }
      store.close();
    });
  token.command('revoke').description('revoke a token by id; connections using it are refused from their next message')
    .requiredOption('--db <file>', "the controller's SQLite file")
    .argument('<id>', 'token id (see `mec token list`)')
    .action(async (tokenId: string, flags: { db: string }) => {
      const { Store } = await import('../control/store.ts');
      const store = new Store(flags.db);
      const ok = store.revokeToken(tokenId);
      store.close();
      if (!ok) throw new InputError('no such live token', 'id');
      process.stdout.write(`revoked ${tokenId}\n`);
    });
}
