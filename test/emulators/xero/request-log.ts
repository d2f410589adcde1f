// Every request the emulator served (except its own control API), for tests that assert on what a
// client actually sent: headers (incl. Idempotency-Key), query, body and the status it got.
import type { MiddlewareHandler } from 'hono';
import type { Clock } from './dates';

export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  /** When the answer went out (0 until then): with `at`, how many calls were in flight at once. */
  doneAt: number;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  constructor(private readonly clock: Clock) {}

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const text = ['GET', 'HEAD'].includes(c.req.method) ? '' : await c.req.text();
      let body: unknown = text === '' ? undefined : text;
      try {
        if (text) body = JSON.parse(text);
      } catch {
        // Form bodies (token endpoint) stay as text.
      }
      const entry: LoggedRequest = {
        at: this.clock.now(),
        method: c.req.method,
        path: c.req.path,
        query: c.req.query(),
        headers: Object.fromEntries(c.req.raw.headers.entries()),
        body,
        status: 0,
        doneAt: 0,
      };
      this.entries.push(entry);
      await next();
      entry.status = c.res.status;
      entry.doneAt = this.clock.now();
    };
  }
}
