import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/**
 * Redis and worker processes for the distributed tests. Redis: $REDIS_URL when set (.ci/run
 * starts one), else a redis-server of our own on a free loopback port, without persistence,
 * stopped after the file's tests. Without redis-server the tests are skipped with the reason,
 * unless MEC_REQUIRE_SERVICES=1 (CI), where that is a failure.
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

export type RedisOrSkip = { redis: TestRedis; skip: false } | { redis: undefined; skip: string };

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

export async function testRedis(): Promise<RedisOrSkip> {
  if (process.env.REDIS_URL) return { redis: { url: process.env.REDIS_URL, stop: async () => {} }, skip: false };
  if (spawnSync('redis-server', ['--version']).error) {
    const reason = 'redis-server not found (install the Debian package redis-server, or set REDIS_URL)';
    if (process.env.MEC_REQUIRE_SERVICES === '1') throw new Error(`${reason}; MEC_REQUIRE_SERVICES=1 forbids skipping`);
    return { redis: undefined, skip: reason };
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      log += c.toString();
      if (/Ready to accept connections/.test(log)) { child.stdout!.off('data', onData); resolve(); }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${log}`)));
  });
  child.stdout!.resume();
  const exited = once(child, 'exit');
  return {
    redis: {
      url: `redis://127.0.0.1:${port}`,
      stop: async () => { child.kill('SIGTERM'); await exited; },
    },
    skip: false,
  };
}

/** A key prefix of its own for each test: tests (and test files run in parallel) never share a queue. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${randomUUID().slice(0, 8)}`;
}

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match in stdout+stderr (past or future); rejects if the process exits first. */
  waitFor(re: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

export function mec(args: string[]): Proc {
  const child = spawn(process.execPath, [`${ROOT}bin/mec.js`, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { running.delete(child); resolve(code); }));
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); child.emit('text'); });
  child.stderr!.on('data', (c: Buffer) => { out += c.toString(); child.emit('text'); });
  return {
    child,
    output: () => out,
    exited,
    waitFor(re) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (m) { done(); resolve(m); }
        };
        const onExit = (code: number | null) => { done(); reject(new Error(`mec ${args[0]} exited (${code}) before ${re}:\n${out.slice(-3000)}`)); };
        const done = () => { child.off('text', check); child.off('exit', onExit); };
        child.on('text', check);
        child.on('exit', onExit);
        check();
      });
    },
  };
}

/** Runs a command to its end. */
export async function mecRun(args: string[]): Promise<{ code: number | null; output: string }> {
  const p = mec(args);
  const code = await p.exited;
  if (p.child.stdout!.readable) await once(p.child.stdout!, 'close');
  if (p.child.stderr!.readable) await once(p.child.stderr!, 'close');
  return { code, output: p.output() };
}

/** `mec worker` processes with a short lock, so a killed worker's job is retried within seconds. */
export async function startWorkers(url: string, prefix: string, count: number): Promise<Proc[]> {
  const procs = Array.from({ length: count }, () => mec(['worker', '--redis', url, '--prefix', prefix, '--lock-ms', '2000', '--stalled-ms', '500']));
  await Promise.all(procs.map((p) => p.waitFor(/worker: ready /)));
  return procs;
}

export async function stopAll(): Promise<void> {
  const all = [...running];
  for (const c of all) c.kill('SIGTERM');
  await Promise.all(all.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined)));
}
