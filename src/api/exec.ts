import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import type { ResultEnvelope, SystemDefinition } from '../core/system.ts';
import { InputError } from '../core/errors.ts';
import { SolverFailure } from './errors.ts';
import type { Solver } from './solver.ts';

/** Default hard limit on an external solver's wall time. */
export const DEFAULT_TIME_LIMIT_MS = 60_000;
/** More output than any result of a sane size; beyond it the solver is stopped. */
const MAX_STDOUT_BYTES = 256 * 1024 * 1024;
const STDERR_TAIL_BYTES = 4096;

export interface ExecOptions {
  /** Killed (with its process group) after this wall time; default 60 s, or twice the time budget if longer. */
  timeLimitMs?: number;
}

/**
 * `exec:<program> [args...]`: any executable as an algorithm. Protocol (docs/api.md): the
 * scenario JSON on stdin, exactly one result JSON document (formats.md) on stdout, logs on
 * stderr, exit code 0. Environment: MEC_SYSTEM, and MEC_TIME_BUDGET_MS when a time budget is
 * asked. The words are split on whitespace and run without a shell.
 */
export function execSolver<S, R extends ResultEnvelope>(system: SystemDefinition<S, R>, spec: string, options: ExecOptions = {}): Solver<S, R> {
  const argv = spec.slice('exec:'.length).trim().split(/\s+/).filter(Boolean);
  if (argv.length === 0) throw new InputError('"exec:" needs a program, e.g. exec:./my_solver.py', '--algorithm');
  checkRunnable(argv[0]);
  return {
    name: spec,
    description: `external program ${argv.join(' ')}`,
    supports: { timeBudgetMs: true },
    trusted: false,
    external: true,
    run: async (scenario, solveOptions) => {
      const env = { ...process.env, MEC_SYSTEM: system.name, ...(solveOptions.timeBudgetMs !== undefined ? { MEC_TIME_BUDGET_MS: String(solveOptions.timeBudgetMs) } : {}) };
      // by default a budget never outlives the limit: twice the budget, at least the default
      const timeLimitMs = options.timeLimitMs ?? Math.max(DEFAULT_TIME_LIMIT_MS, 2 * (solveOptions.timeBudgetMs ?? 0));
      const stdout = await runProcess(spec, argv, JSON.stringify(scenario), env, timeLimitMs);
      let raw: unknown;
      try {
        raw = JSON.parse(stdout);
      } catch (e) {
        const head = stdout.trim().slice(0, 80);
        throw new SolverFailure(spec, `did not print one JSON document on stdout (${(e as Error).message}); it printed ${head ? `"${head}${stdout.length > 80 ? '...' : ''}"` : 'nothing'}`);
      }
      return parseUntrustedResult(system, spec, raw);
    },
  };
}

/** A user's result through the system's strict result schema; a bad one is the solver's failure. */
export function parseUntrustedResult<S, R extends ResultEnvelope>(system: SystemDefinition<S, R>, solver: string, raw: unknown): R {
  try {
    return system.parseResult(raw);
  } catch (e) {
    if (e instanceof InputError) throw new SolverFailure(solver, `printed a document that is not a ${system.name} result: ${e.message}`);
    throw e;
  }
}

function checkRunnable(program: string): void {
  if (!program.includes('/')) return; // looked up on PATH; a missing one fails at spawn
  let isFile = false;
  try {
    isFile = statSync(program).isFile();
  } catch {
    throw new InputError(`no such file "${program}"`, '--algorithm');
  }
  if (!isFile) throw new InputError(`"${program}" is not a file`, '--algorithm');
  try {
    accessSync(program, constants.X_OK);
  } catch {
    throw new InputError(`"${program}" is not executable (chmod +x it, or name its interpreter: exec:python3 ${program})`, '--algorithm');
  }
}

function runProcess(spec: string, argv: string[], input: string, env: NodeJS.ProcessEnv, timeLimitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // its own process group, so a time-out also stops whatever the solver started
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env, detached: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let errTail = '';
    let failure: Error | null = null;
    const stop = (why: Error) => {
      failure ??= why;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch { /* already gone */ }
    };
    const timer = setTimeout(() => stop(new SolverFailure(spec, `exceeded the time limit of ${timeLimitMs} ms and was stopped`)), timeLimitMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_STDOUT_BYTES) stop(new SolverFailure(spec, `printed more than ${MAX_STDOUT_BYTES} bytes and was stopped`));
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errTail = (errTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    // a solver may exit without reading its input: that is its business, not an error here
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new InputError(`cannot run "${argv[0]}": not found`, '--algorithm')
        : err.code === 'EACCES' ? new InputError(`cannot run "${argv[0]}": permission denied`, '--algorithm')
        : new SolverFailure(spec, `could not be started: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      const tail = errTail.trim().split('\n').slice(-5).join(' | ');
      if (code !== 0) return reject(new SolverFailure(spec, `${signal ? `was killed by ${signal}` : `exited with code ${code}`}${tail ? `; its stderr ends: ${tail}` : ' (no stderr)'}`));
      resolve(Buffer.concat(out).toString('utf8'));
    });
  });
}
