import type { MiddlewareHandler } from 'hono';

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  /** The access token's tail, enough to tell callers apart without leaking it into logs. */
  token: string | null;
  body: unknown;
}

/** Records every call to Clio (not the control API), so tests can assert what the add-on asked for. */
export class RequestLog {
  entries: LoggedRequest[] = [];

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const url = new URL(c.req.url);
      const raw = ['POST', 'PATCH', 'PUT'].includes(c.req.method) ? await c.req.raw.clone().text() : '';
      await next();
      const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
      this.entries.push({
        method: c.req.method,
        path: url.pathname,
        query: url.search,
        status: c.res.status,
        token: bearer ? bearer.slice(-6) : null,
        body: parse(raw),
      });
    };
  }

  clear(): void {
    this.entries = [];
  }
}

function parse(raw: string): unknown {
  if (raw === '') return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
