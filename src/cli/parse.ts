import { InputError } from '../core/errors.ts';

/** Parses a numeric CLI flag strictly: "3x" or "" are errors naming the flag. */
export function parseNumberFlag(flag: string, value: string, kind: 'int' | 'number' = 'number'): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n))) {
    throw new InputError(`expected ${kind === 'int' ? 'an integer' : 'a number'}, got "${value}"`, `--${flag}`);
  }
  return n;
}
