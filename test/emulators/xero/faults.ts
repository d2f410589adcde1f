// Fault injection: the next N matching calls fail with 500, 503, 429, an expired-token 401, or
// hang (to trip client timeouts), or are delayed. With `afterCommit` the call is carried out first
// and only its answer is lost — what a client sees when Xero saved a batch but the connection
// dropped or Xero failed afterwards.
import type { MiddlewareHandler } from 'hono';

export type FaultKind = '500' | '503' | '429' | '401' | 'timeout' | 'delay';
const KINDS: FaultKind[] = ['500', '503', '429', '401', 'timeout', 'delay'];

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
  /** How long a `timeout` fault hangs before answering 504, or a `delay` holds the call (real milliseconds). */
  hangMs: number;
  /** Carry the call out, then fail (or hang) in place of its answer. */
  afterCommit?: boolean;
  /** Which body a `401` fault answers with; `problem` unless given. */
  shape?: TokenExpiredShape;
  /** Which allowance a `429` says is spent (X-Rate-Limit-Problem); `minute` unless given. A spent day comes with a long Retry-After. */
  problem?: 'minute' | 'day';
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
      id: this.nextId++,
      kind: input.kind,
      remaining: input.count ?? 1,
      hangMs: input.hangMs ?? this.defaultHangMs,
      ...(input.method ? { method: input.method.toUpperCase() } : {}),
      ...(input.pathPrefix !== undefined ? { pathPrefix: input.pathPrefix } : {}),
      ...(input.pathRegex !== undefined ? { pathRegex: input.pathRegex } : {}),
      ...(input.afterCommit ? { afterCommit: true } : {}),
      ...(input.kind === '401' ? { shape: input.shape ?? 'problem' } : {}),
      ...(input.kind === '429' && input.problem === 'day' ? { problem: 'day' as const } : {}),
    };
    this.active.push(fault);
    return fault;
  }

  clear(): void {
    this.active.length = 0;
  }

  private take(method: string, path: string): Fault | undefined {
    const fault = this.active.find(
      (f) => (!f.method || f.method === method) && (f.pathRegex !== undefined ? new RegExp(f.pathRegex).test(path) : path.startsWith(f.pathPrefix ?? '')),
    );
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.active.splice(this.active.indexOf(fault), 1);
    return fault;
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const fault = this.take(c.req.method, c.req.path);
      if (!fault) return next();
      if (fault.kind === 'delay') {
        await new Promise((resolve) => setTimeout(resolve, fault.hangMs));
        return next();
      }
      if (!fault.afterCommit) return failure(fault);
      await next();
      // The work is saved; the client gets the failure instead of the answer.
      c.res = await failure(fault);
    };
  }
}

async function failure(fault: Fault): Promise<Response> {
  switch (fault.kind) {
    case 'timeout':
      await new Promise((resolve) => setTimeout(resolve, fault.hangMs));
      return new Response('Gateway Timeout', { status: 504 });
    case '429':
      return fault.problem === 'day'
        ? new Response('oauth_problem=rate limit exceeded', {
            status: 429,
            headers: { 'Retry-After': '43200', 'X-Rate-Limit-Problem': 'day', 'X-DayLimit-Remaining': '0' },
          })
        : new Response('oauth_problem=rate limit exceeded', { status: 429, headers: { 'Retry-After': '1', 'X-Rate-Limit-Problem': 'minute' } });
    case '401': {
      const headers = { 'WWW-Authenticate': 'Bearer error="invalid_token"' };
      if (fault.shape === 'oauth_problem') {
        return new Response('oauth_problem=token_expired&oauth_problem_advice=The%20access%20token%20has%20expired', {
          status: 401,
          headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
        });
      }
      return Response.json(
        { Type: null, Title: 'Unauthorized', Status: 401, Detail: 'TokenExpired: token expired', Instance: crypto.randomUUID(), Extensions: {} },
        { status: 401, headers },
      );
    }
    case '503':
      return new Response('The Xero API is currently offline for maintenance', { status: 503 });
    default:
      return Response.json(
        {
          ErrorNumber: 500,
          Type: 'UnknownErrorException',
          Message: 'An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.',
        },
        { status: 500 },
      );
  }
}
