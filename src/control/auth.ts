import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tokens the operator creates with `mec token create`. Only a SHA-256 of each token is stored,
 * so a copy of the database does not hand out working credentials. A token has a kind and a
 * subject: the server id an agent may register as, or the device id a device may report as; a
 * subject ending in `*` is a prefix (`sim-*` lets one token serve a simulated fleet).
 */
export type TokenKind = 'operator' | 'agent' | 'device';
export const TOKEN_KINDS: TokenKind[] = ['operator', 'agent', 'device'];

export interface TokenRecord {
  id: string;
  kind: TokenKind;
  subject: string;
  createdAt: number;
  revokedAt: number | null;
}

export function newToken(kind: TokenKind): { id: string; token: string } {
  const id = randomBytes(6).toString('hex');
  // the id is part of the token so a lookup needs no scan; the secret half carries 192 bits
  return { id, token: `mec_${kind}_${id}_${randomBytes(24).toString('base64url')}` };
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function tokenIdOf(token: string): string | null {
  const m = /^mec_(?:operator|agent|device)_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/.exec(token);
  return m ? m[1] : null;
}

export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function subjectAllows(subject: string, id: string): boolean {
  return subject.endsWith('*') ? id.startsWith(subject.slice(0, -1)) : subject === id;
}

/** Reads `Authorization: Bearer <token>`. */
export function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1] : null;
}

/**
 * Token bucket: `ratePerS` on average, bursts up to `burst`. `take` says how long to wait when
 * the bucket is empty, so the refusal can tell the client when to retry.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  constructor(private readonly ratePerS: number, private readonly burst: number, private readonly now: () => number = () => performance.now()) {
    this.tokens = burst;
    this.last = now();
  }

  take(cost = 1): { ok: true } | { ok: false; retryAfterMs: number } {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerS);
    this.last = t;
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((cost - this.tokens) / this.ratePerS) * 1000) };
  }
}

/** One limiter per key (token id), created on first use. */
export class RateLimiters {
  private readonly byKey = new Map<string, RateLimiter>();
  constructor(private readonly ratePerS: number, private readonly burst: number) {}
  take(key: string, cost = 1): { ok: true } | { ok: false; retryAfterMs: number } {
    if (this.ratePerS <= 0) return { ok: true };
    let limiter = this.byKey.get(key);
    if (!limiter) this.byKey.set(key, (limiter = new RateLimiter(this.ratePerS, this.burst)));
    return limiter.take(cost);
  }
}
