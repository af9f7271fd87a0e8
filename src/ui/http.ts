import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small HTTP helpers of the dashboard's server (JSON answers, bounded bodies, headers). */

/**
 * Every answer carries these: the page loads only its own script, style and images and talks
 * only to its own origin. vega runs with its expression interpreter, so no 'unsafe-eval';
 * vega-embed and vega-tooltip add style elements, hence 'unsafe-inline' for styles only.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: string, message: string, field?: string): void {
  sendJson(res, status, { error, message, ...(field ? { field } : {}) });
}

export function sendBytes(res: ServerResponse, status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export class BodyError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Reads a request body of at most `max` bytes with one of the given content types. */
export function readBody(req: IncomingMessage, max: number, types: RegExp): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    return Promise.reject(new BodyError(413, 'too_large', `request body over ${max} bytes`));
  }
  if (!types.test(req.headers['content-type'] ?? '')) {
    req.resume();
    return Promise.reject(new BodyError(415, 'malformed', `content-type must match ${types.source}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new BodyError(413, 'too_large', `request body over ${max} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', (err) => reject(new BodyError(400, 'malformed', err.message)));
  });
}

export async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const text = await readBody(req, max, /^application\/json\b/i);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyError(400, 'malformed', `body is not JSON: ${(err as Error).message}`);
  }
}

/** The value of one cookie, or null. */
export function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}
