import { deserialize, serialize } from 'node:v8';
import { createHash } from 'node:crypto';

/**
 * Job inputs and results cross Redis as base64 of V8's structured-clone serialisation: the same
 * format the local piscina pool uses between threads, so typed arrays (three-tier plans), NaN,
 * ±Infinity and -0 arrive bit for bit. JSON would turn NaN into null and Float64Array into an
 * object, and the distributed run would no longer give the local run's numbers.
 */
export function encode(value: unknown): string {
  return serialize(value).toString('base64');
}

export function decode<T = unknown>(text: string): T {
  return deserialize(Buffer.from(text, 'base64')) as T;
}

/** A short stable digest (hex) of some text, for run ids derived from the work itself. */
export function digest(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}
