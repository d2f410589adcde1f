// Fault injection: the next N matching calls fail with 500, 503, 429, an expired-token 401, or
// hang (to trip client timeouts).
import type { MiddlewareHandler } from 'hono';
import { problem } from './responses';

export type FaultKind = '500' | '503' | '429' | '401' | 'timeout';
const KINDS: FaultKind[] = ['500', '503', '429', '401', 'timeout'];

/**
 * The shapes of Xero's 401 for an expired access token: the JSON problem its API gateway sends
 * (`Detail: "TokenExpired: …"`), and the form-encoded `oauth_problem=token_expired&…` body the
 * spec lists under error shapes (docs: xero-api.md §3, "Other codes").
 */
export type TokenExpiredShape = 'problem' | 'oauth_problem';
const SHAPES: TokenExpiredShape[] = ['problem', 'oauth_problem'];

export interface Fault {
  id: number;
  method?: string;
  /** Matches when the request path starts with it… */
  pathPrefix?: string;
  /** …or, instead, when this regular expression matches the path. */
  pathRegex?: string;
  kind: FaultKind;
  remaining: number;
  /** How long a `timeout` fault hangs before answering 504 (real milliseconds). */
  hangMs: number;
  /** Which body a `401` fault answers with; `problem` unless given. */
  shape?: TokenExpiredShape;
}

export type FaultInput = Omit<Fault, 'id' | 'remaining' | 'hangMs'> & { count?: number; hangMs?: number };

export class Faults {
  readonly active: Fault[] = [];
  private nextId = 1;

  constructor(private readonly defaultHangMs: number) {}

  add(input: FaultInput): Fault {
    if (!KINDS.includes(input.kind)) throw new Error(`Unknown fault kind ${String(input.kind)}`);
    if (input.shape !== undefined && (input.kind !== '401' || !SHAPES.includes(input.shape))) throw new Error(`Unknown 401 shape ${String(input.shape)}`);
    if (input.pathRegex !== undefined) new RegExp(input.pathRegex);
    const fault: Fault = {
      id: this.nextId++, kind: input.kind, remaining: input.count ?? 1, hangMs: input.hangMs ?? this.defaultHangMs,
      ...(input.method ? { method: input.method.toUpperCase() } : {}),
      ...(input.pathPrefix !== undefined ? { pathPrefix: input.pathPrefix } : {}),
      ...(input.pathRegex !== undefined ? { pathRegex: input.pathRegex } : {}),
      ...(input.kind === '401' ? { shape: input.shape ?? 'problem' } : {}),
    };
    this.active.push(fault);
    return fault;
  }

  clear(): void {
    this.active.length = 0;
  }

  private take(method: string, path: string): Fault | undefined {
    const fault = this.active.find((f) => (!f.method || f.method === method)
      && (f.pathRegex !== undefined ? new RegExp(f.pathRegex).test(path) : path.startsWith(f.pathPrefix ?? '')));
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.active.splice(this.active.indexOf(fault), 1);
    return fault;
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const fault = this.take(c.req.method, c.req.path);
      if (!fault) return next();
      switch (fault.kind) {
        case 'timeout':
          await new Promise((resolve) => setTimeout(resolve, fault.hangMs));
          return c.text('Gateway Timeout', 504);
        case '429':
          c.header('Retry-After', '1');
          c.header('X-Rate-Limit-Problem', 'minute');
          return c.text('oauth_problem=rate limit exceeded', 429);
        case '401':
          c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
          if (fault.shape === 'oauth_problem') {
            c.header('Content-Type', 'application/x-www-form-urlencoded');
            return c.body('oauth_problem=token_expired&oauth_problem_advice=The%20access%20token%20has%20expired', 401);
          }
          return problem(c, 401, 'Unauthorized', 'TokenExpired: token expired');
        case '503':
          return c.text('The Xero API is currently offline for maintenance', 503);
        case '500':
          return c.json({ ErrorNumber: 500, Type: 'UnknownErrorException', Message: 'An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.' }, 500);
      }
    };
  }
}
