// Idempotency-Key on writes: the same key with the same request within 6 minutes replays the first
// response without acting again; the same key with a different request is a 400.
import type { MiddlewareHandler } from 'hono';
import type { Clock } from './dates';

const WINDOW_MS = 6 * 60_000;
const MAX_KEY_LENGTH = 128;

interface Remembered {
  at: number;
  fingerprint: string;
  status: number;
  headers: [string, string][];
  body: string;
}

export class Idempotency {
  private keys = new Map<string, Remembered>();

  constructor(private readonly clock: Clock) {}

  reset(): void {
    this.keys.clear();
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const key = c.req.header('Idempotency-Key');
      if (!key || !['PUT', 'POST', 'PATCH'].includes(c.req.method)) return next();
      if (key.length > MAX_KEY_LENGTH) return c.json({ Title: 'Bad Request', Status: 400, Detail: `Idempotency-Key must be ${MAX_KEY_LENGTH} characters or fewer` }, 400);
      const fingerprint = `${c.req.method} ${c.req.url} ${c.req.header('xero-tenant-id') ?? ''} ${await c.req.text()}`;
      const now = this.clock.now();
      const seen = this.keys.get(key);
      if (seen && now - seen.at < WINDOW_MS) {
        if (seen.fingerprint !== fingerprint) {
          return c.json({ Title: 'Bad Request', Status: 400, Detail: 'The Idempotency-Key has already been used with a different request' }, 400);
        }
        return new Response(seen.body, { status: seen.status, headers: seen.headers });
      }
      await next();
      const body = await c.res.clone().text();
      this.keys.set(key, { at: now, fingerprint, status: c.res.status, headers: [...c.res.headers.entries()], body });
    };
  }
}
