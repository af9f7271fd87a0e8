import type { ZodError, ZodType } from 'zod';

/**
 * Bad user input: a malformed file, an unknown or out-of-range field. The CLI prints the message
 * on one line and exits with code 2; nothing has been written by then.
 */
export class InputError extends Error {
  constructor(message: string, readonly field?: string) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'InputError';
  }
}

/** Turns zod's issues into one InputError naming the first bad field as a JSON path. */
export function fromZodError(err: ZodError, context: string): InputError {
  const issue = err.issues[0];
  const path = issue.path.length === 0 ? '(root)' : formatPath(issue.path as (string | number)[]);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more problem${err.issues.length > 2 ? 's' : ''})` : '';
  return new InputError(`${message}${more}`, `${context} ${path}`);
}

function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Validates `raw` against a schema; the first problem becomes an InputError naming its field. */
export function parseOrThrow<T extends ZodType>(schema: T, raw: unknown, context: string): ReturnType<T['parse']> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw fromZodError(parsed.error, context);
  return parsed.data as ReturnType<T['parse']>;
}
