import { execFile } from 'node:child_process';

export const BIN = new URL('../../bin/mec.js', import.meta.url).pathname;

export interface MecRun { code: number; stdout: string; stderr: string }

/**
 * `mec` as a user runs it (bin/mec.js in a process of its own) in `cwd`. Never rejects: the exit
 * code is part of what the tests check.
 */
export function mecIn(cwd: string, timeoutMs: number): (...args: string[]) => Promise<MecRun> {
  return (...args) => new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
