import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.ts';
import { parseNumberFlag } from './parse.ts';
import { TOKEN_KINDS, type TokenKind } from '../control/auth.ts';
import { idSchema } from '../control/protocol.ts';
import { LOG_LEVELS, type LogLevel } from '../control/log.ts';

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

/**
 * The token, from --token-file, MEC_TOKEN or --token (in that order of preference: a token on
 * the command line is visible to every user in `ps`, so using it prints a warning).
 */
function tokenFrom(flags: { token?: string; tokenFile?: string }): string {
  if (flags.token !== undefined && flags.tokenFile !== undefined) throw new InputError('give --token or --token-file, not both', '--token-file');
  let token: string | undefined;
  if (flags.tokenFile !== undefined) {
    try {
      token = readFileSync(flags.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new InputError(`cannot read ${flags.tokenFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, '--token-file');
    }
    if (!token) throw new InputError(`${flags.tokenFile} is empty`, '--token-file');
  } else if (flags.token !== undefined) {
    process.stderr.write('mec: warning: a token given with --token is visible to other users (ps); prefer --token-file or MEC_TOKEN\n');
    token = flags.token;
  } else {
    token = process.env.MEC_TOKEN;
  }
  if (!token) throw new InputError('a token is needed (--token-file, the MEC_TOKEN variable or --token; create one with `mec token create`)', '--token-file');
  return token;
}

function logLevel(v: string): LogLevel {
  if (!LOG_LEVELS.includes(v as LogLevel)) throw new InputError(`must be one of ${LOG_LEVELS.join(', ')}`, '--log-level');
  return v as LogLevel;
}

function fraction(flag: string, v: string): number {
  const n = num(flag, v);
  if (n > 1) throw new InputError('must be between 0 and 1', `--${flag}`);
  return n;
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
    .option('-a, --algorithm <name>', 'cnn-coop algorithm that plans (see `mec algorithms cnn-coop`), or auto: pa up to --small-fleet-max devices, the fleet-scale algorithm (mdo where it is not installed) above', 'auto')
    .option('--small-fleet-max <n>', 'auto: the largest fleet planned with pa', '30')
    .option('--overloaded-load <n>', 'above this many devices per paper-sized server (10 MHz, 700 GHz) a cell is overloaded: solved in full every round, never repaired (0: never)', '30')
    .option('--plan-budget-ms <n>', 'time budget of a plan, passed to algorithms that honour one (0: none)', '300')
    .option('--plan-deadline-ms <n>', 'a plan not done by then is abandoned and the plan in force stays (0: never)', '10000')
    .option('--repair-max-fraction <f>', 'repair the plan in force instead of a full plan when at most this fraction of the devices changed (0: never)', '0.2')
    .option('--full-replan-s <n>', 'while repairing, a full plan at least this often', '30')
    .option('--debounce-ms <n>', 'changes within this window are planned together', '200')
    .option('--round-gap-ms <n>', 'pause after a round before planning the changes that came in during it (0: at once; each round waits for the solve in progress)', '0')
    .option('--replan-s <n>', 're-plan at least this often (0: only on change)', '30')
    .option('--device-ttl-s <n>', 'leave devices silent for longer out of plans (0: never)', '300')
    .option('--max-body-bytes <n>', 'largest request body or WebSocket message', String(1024 * 1024))
    .option('--rate-limit <n>', 'requests/messages per second per token (a report batch counts its reports; 0: unlimited)', '2000')
    .option('--keep-plans <n>', 'keep only the last n plans in the database (the plan in force always stays; 0: all)', '100')
    .option('--log-retention-s <n>', 'drop report-log entries older than this (device states stay; 0: keep all)', String(7 * 24 * 3600))
    .option('--max-devices-per-token <n>', 'distinct device ids one device token may hold at once (0: unlimited)', '10000')
    .option('--max-agents <n>', 'agent connections at once', '1000')
    .option('--heartbeat-ms <n>', 'ping agents this often; one that missed the previous ping is closed (0: never)', '15000')
    .option('--hello-timeout-ms <n>', 'an agent connection without hello by then is closed; also the HTTP header timeout', '10000')
    .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, 'info')
    .option('--commit-window-ms <n>', 'reports arriving within this window share one commit (one fsync)', '10')
    .option('--sync <mode>', 'SQLite synchronous mode: full (an acknowledged report survives power loss) or normal (survives a crash of the process)', 'full')
    .option('--inline-planner', 'plan on the main thread instead of a worker thread')
    .option('--no-ui', 'do not serve the web dashboard under /ui/ (docs/ui.md)')
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      const { Controller } = await import('../control/controller.ts');
      const { availableAlgorithms, inlinePlanner, workerPlanner } = await import('../control/planner.ts');
      const algorithm = flags.algorithm as string;
      const { names } = await availableAlgorithms('cnn-coop');
      if (algorithm !== 'auto' && !names.includes(algorithm)) throw new InputError(`unknown algorithm "${algorithm}" (known: auto, ${names.join(', ')})`, '--algorithm');
      const sync = String(flags.sync).toUpperCase();
      if (sync !== 'FULL' && sync !== 'NORMAL') throw new InputError('must be full or normal', '--sync');
      const controller = new Controller({
        host: flags.host as string,
        port: int('port', flags.port as string),
        dbPath: flags.db as string,
        planner: flags.inlinePlanner ? inlinePlanner(algorithm) : workerPlanner(algorithm),
        debounceMs: int('debounce-ms', flags.debounceMs as string),
        roundGapMs: int('round-gap-ms', flags.roundGapMs as string),
        replanS: num('replan-s', flags.replanS as string),
        deviceTtlS: num('device-ttl-s', flags.deviceTtlS as string),
        maxBodyBytes: int('max-body-bytes', flags.maxBodyBytes as string, 256),
        rateLimitPerS: num('rate-limit', flags.rateLimit as string),
        keepPlans: int('keep-plans', flags.keepPlans as string),
        logRetentionS: num('log-retention-s', flags.logRetentionS as string),
        maxDevicesPerToken: int('max-devices-per-token', flags.maxDevicesPerToken as string),
        maxAgentConnections: int('max-agents', flags.maxAgents as string, 1),
        heartbeatMs: int('heartbeat-ms', flags.heartbeatMs as string),
        helloTimeoutMs: int('hello-timeout-ms', flags.helloTimeoutMs as string, 100),
        policy: {
          smallFleetMax: int('small-fleet-max', flags.smallFleetMax as string),
          overloadedLoad: num('overloaded-load', flags.overloadedLoad as string),
          budgetMs: int('plan-budget-ms', flags.planBudgetMs as string),
          deadlineMs: int('plan-deadline-ms', flags.planDeadlineMs as string),
          repairMaxFraction: fraction('repair-max-fraction', flags.repairMaxFraction as string),
          fullEveryS: num('full-replan-s', flags.fullReplanS as string),
        },
        synchronous: sync,
        commitWindowMs: int('commit-window-ms', flags.commitWindowMs as string),
        logLevel: logLevel(flags.logLevel as string),
      });
      // the web dashboard under /ui/, behind the operator tokens (docs/ui.md)
      const dashboard = flags.ui === false ? null : await (await import('../ui/controller.ts')).attachDashboard(controller);
      const port = await controller.start();
      process.stdout.write(`controller listening on http://${flags.host}:${port} (algorithm ${algorithm}, db ${flags.db})\n`);
      // the dashboard first: its open streams would keep the HTTP server from closing
      onSignal(async () => {
        await dashboard?.close();
        await controller.stop();
      });
    });

  program.command('agent').description("run a server's agent (LTME): registers the server, relays its devices' reports and decisions")
    .requiredOption('--controller <url>', 'controller address, e.g. http://127.0.0.1:8080')
    .requiredOption('--server-id <id>', 'this MEC server\'s id (the agent token must allow it)')
    .option('--token-file <file>', 'file holding the agent token (or set MEC_TOKEN)')
    .option('--token <token>', 'agent token (visible in ps: prefer --token-file or MEC_TOKEN)')
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
    .option('--max-devices <n>', 'admitted devices at once', '10000')
    .option('--max-pending <n>', 'connections waiting for admission at once (more are refused with 503)', '256')
    .option('--hello-timeout-ms <n>', 'a device connection not admitted by then is closed; also the HTTP header timeout', '10000')
    .option('--heartbeat-ms <n>', 'ping devices and the controller this often; a peer that missed the previous ping is closed (0: never)', '15000')
    .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, 'info')
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
        maxDevices: int('max-devices', flags.maxDevices!, 1),
        maxPendingDevices: int('max-pending', flags.maxPending!, 1),
        helloTimeoutMs: int('hello-timeout-ms', flags.helloTimeoutMs!, 100),
        heartbeatMs: int('heartbeat-ms', flags.heartbeatMs!),
        logLevel: logLevel(flags.logLevel!),
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
    .option('--token-file <file>', 'file holding a device token whose subject covers the ids, e.g. created with --subject "sim-*" (or set MEC_TOKEN)')
    .option('--token <token>', 'the device token itself (visible in ps: prefer --token-file or MEC_TOKEN)')
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
        token: tokenFrom(flags as { token?: string; tokenFile?: string }),
        count: int('count', flags.count as string, 1),
        idPrefix: flags.idPrefix as string,
        seed: int('seed', flags.seed as string),
        areaM: num('area-m', flags.areaM as string, true),
        speedMps: num('speed-mps', flags.speedMps as string),
        periodS: num('period-s', flags.periodS as string, true),
      });
      const durationS = num('duration-s', flags.durationS as string);
      try {
        await fleet.connect();
      } catch (err) {
        // a token that does not cover the ids, a revoked token, ...: the user's input, one line
        throw new InputError((err as Error).message, '--token');
      }
      process.stdout.write(`devices: ${fleet.stats.admitted} admitted over ${fleet.opts.agentUrls.length} agents\n`);
      fleet.run();
      const print = () => {
        const s = fleet.summary();
        process.stderr.write(`${new Date().toISOString()} info  devices: sent ${s.reportsSent}, acked ${s.reportsAcked}, decisions ${s.decisions}, report->decision median ${s.decisionMedianMs.toFixed(0)} ms p99 ${s.decisionP99Ms.toFixed(0)} ms\n`);
        // a duplicate was not stored: say so rather than count it as delivered
        if (s.duplicates > 0) process.stderr.write(`${new Date().toISOString()} warn  devices: ${s.duplicates} reports acknowledged as duplicates (the controller holds a newer report of those devices; not stored)\n`);
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
