import { spawn, type ChildProcess } from 'node:child_process';
import { once, type EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';

/** Helpers for the control-plane tests: real `mec` processes on loopback, waits on events. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Proc {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the match once stdout or stderr shows the pattern (rejects on exit or timeout). */
  waitFor(re: RegExp, timeoutMs?: number, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

export function mec(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const proc: Proc = {
    child, stdout: '', stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code) => { running.delete(child); resolve(code); })),
    waitFor(re, timeoutMs = 20000, stream) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = (stream !== 'stderr' ? re.exec(proc.stdout) : null) ?? (stream !== 'stdout' ? re.exec(proc.stderr) : null);
          if (m) { done(); resolve(m); }
        };
        const timer = setTimeout(() => { done(); reject(new Error(`timeout waiting for ${re} in mec ${args[0]}; stderr:\n${proc.stderr.slice(-2000)}`)); }, timeoutMs);
        const onExit = (code: number | null) => { done(); reject(new Error(`mec ${args[0]} exited (${code}) before ${re}; stderr:\n${proc.stderr.slice(-2000)}`)); };
        const done = () => { clearTimeout(timer); child.stdout!.off('data', check); child.stderr!.off('data', check); child.off('exit', onExit); };
        child.stdout!.on('data', check);
        child.stderr!.on('data', check);
        child.on('exit', onExit);
        check();
      });
    },
  };
  child.stdout!.on('data', (c: Buffer) => { proc.stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { proc.stderr += c.toString(); });
  return proc;
}

/** Runs a command to its end; stdout, stderr and exit code. */
export async function mecRun(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = mec(args);
  const code = await p.exited;
  // let the pipes drain
  if (p.child.stdout!.readable) await once(p.child.stdout!, 'close');
  return { code, stdout: p.stdout, stderr: p.stderr };
}

export function killAll(): void {
  for (const c of running) c.kill('SIGKILL');
}

/** Waits until `emitter` emits `event` with arguments satisfying `pred`. */
export function waitEvent<T extends unknown[]>(emitter: EventEmitter, event: string, pred: (...args: T) => boolean, timeoutMs = 20000, what = event): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (...args: unknown[]) => {
      if (pred(...(args as T))) { clearTimeout(timer); emitter.off(event, on); resolve(args as T); }
    };
    const timer = setTimeout(() => { emitter.off(event, on); reject(new Error(`timeout waiting for ${what}`)); }, timeoutMs);
    emitter.on(event, on);
  });
}

export async function getJson(url: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json() };
}

export async function postJson(url: string, body: string, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  return { status: res.status, body: await res.json() };
}
