/**
 * Typed failures of Xero calls. xero-node rejects with a JSON string (or a plain object) holding
 * the response status, body and headers; callers should never have to parse that themselves.
 */

export type XeroErrorKind = 'auth_revoked' | 'token_expired' | 'forbidden' | 'rate_limited' | 'validation' | 'not_found' | 'server' | 'timeout' | 'other';

export type RateLimitProblem = 'minute' | 'day' | 'concurrent' | 'appminute' | 'unknown';

export interface RateLimitHeaders {
  problem?: RateLimitProblem;
  dayRemaining?: number;
  minuteRemaining?: number;
  appMinuteRemaining?: number;
}

export interface XeroApiErrorInit {
  kind: XeroErrorKind;
  status: number;
  message: string;
  validationMessages?: string[];
  rateLimit?: RateLimitHeaders;
  retryAfterSeconds?: number;
}

export class XeroApiError extends Error {
  override name = 'XeroApiError';
  readonly kind: XeroErrorKind;
  /** HTTP status; 0 when no response arrived (timeout, network). */
  readonly status: number;
  /** Xero's own words (Elements[].ValidationErrors[].Message, or its Message/Detail), for the user. */
  readonly validationMessages: string[];
  readonly rateLimit: RateLimitHeaders;
  readonly retryAfterSeconds?: number;

  constructor(init: XeroApiErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.status = init.status;
    this.validationMessages = init.validationMessages ?? [];
    this.rateLimit = init.rateLimit ?? {};
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** The firm has no usable Xero connection: callers (sync jobs) should stop, not retry. */
export class XeroNotConnectedError extends Error {
  override name = 'XeroNotConnectedError';
  constructor(
    readonly firmId: string,
    readonly status: 'not_connected' | 'needs_reconnect' | 'pending_choice',
    readonly reason?: string,
  ) {
    super(reason ?? `Xero is not connected for this firm (${status}).`);
  }
}

/** The organisation is already actively connected to another firm (one organisation, one Clio account). */
export class XeroTenantTakenError extends Error {
  override name = 'XeroTenantTakenError';
  constructor(readonly tenantId: string) {
    super('This Xero organisation is already connected to another Clio account. Disconnect it there first, or choose a different organisation.');
  }
}

/** The token endpoint refused (invalid_grant and friends); the user has to connect again. */
export class XeroOAuthError extends Error {
  override name = 'XeroOAuthError';
  constructor(
    readonly code: string,
    readonly status: number,
  ) {
    super(`Xero's sign-in service refused the request (${code}).`);
  }
}

function headerNumber(headers: Record<string, unknown>, name: string): number | undefined {
  const raw = headers[name] ?? headers[name.toLowerCase()];
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw === undefined || raw === null || raw === '' || !Number.isFinite(n) ? undefined : n;
}

function lowerKeys(headers: unknown): Record<string, unknown> {
  if (!headers || typeof headers !== 'object') return {};
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

export function readRateLimitHeaders(headers: unknown): RateLimitHeaders {
  const h = lowerKeys(headers);
  const problemRaw = String(h['x-rate-limit-problem'] ?? '').toLowerCase();
  const problem: RateLimitProblem | undefined = !problemRaw
    ? undefined
    : problemRaw.startsWith('min')
      ? 'minute'
      : problemRaw.startsWith('day') || problemRaw.startsWith('daily')
        ? 'day'
        : problemRaw.startsWith('conc')
          ? 'concurrent'
          : problemRaw.startsWith('appmin')
            ? 'appminute'
            : 'unknown';
  const out: RateLimitHeaders = {};
  if (problem) out.problem = problem;
  const day = headerNumber(h, 'x-daylimit-remaining');
  const minute = headerNumber(h, 'x-minlimit-remaining');
  const app = headerNumber(h, 'x-appminlimit-remaining');
  if (day !== undefined) out.dayRemaining = day;
  if (minute !== undefined) out.minuteRemaining = minute;
  if (app !== undefined) out.appMinuteRemaining = app;
  return out;
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    // Xero's OAuth layer answers some 401s form-encoded: `oauth_problem=token_expired&oauth_problem_advice=…`.
    if (/^oauth_problem=/.test(body.trim())) {
      const form = new URLSearchParams(body.trim());
      const advice = form.get('oauth_problem_advice');
      return { Detail: `${form.get('oauth_problem')}${advice ? `: ${advice}` : ''}` };
    }
    return body;
  }
}

/** Xero's messages in the order it gives them; never the raw body (it may echo what we sent). */
function messagesOf(body: unknown): string[] {
  if (!body || typeof body !== 'object') return typeof body === 'string' && body.length < 300 ? [body] : [];
  const b = body as Record<string, unknown>;
  const fromElements = Array.isArray(b.Elements)
    ? b.Elements.flatMap((e) =>
        Array.isArray((e as Record<string, unknown>)?.ValidationErrors)
          ? (e as { ValidationErrors: unknown[] }).ValidationErrors.map((v) => (v as { Message?: unknown })?.Message).filter((m): m is string => typeof m === 'string')
          : [],
      )
    : [];
  if (fromElements.length) return [...new Set(fromElements)];
  for (const key of ['Message', 'Detail', 'Title', 'message', 'detail']) {
    if (typeof b[key] === 'string' && b[key]) return [b[key] as string];
  }
  return [];
}

/** What Xero says (Detail/Message) on a 403 when the tenant connection is gone. */
const CONNECTION_GONE = /AuthenticationUnsuccessful|tenant.*(not connected|disconnected)|connection.*(revoked|removed|not found)/i;

function kindFor(status: number, messages: string[]): XeroErrorKind {
  // Both of Xero's expired-token shapes: a problem whose Detail starts `TokenExpired: …`, and the
  // form-encoded `oauth_problem=token_expired` (parsed into `token_expired: <advice>`).
  if (status === 401) return messages.some((m) => /\b(TokenExpired|token_expired)\b/i.test(m)) ? 'token_expired' : 'auth_revoked';
  // Xero answers 403 both when the organisation's connection is gone and when the app may not
  // use this endpoint (missing scope, no permission); only the former needs a reconnect.
  if (status === 403) return messages.some((m) => CONNECTION_GONE.test(m)) ? 'auth_revoked' : 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status === 400) return 'validation';
  if (status === 404) return 'not_found';
  if (status === 504 || status === 408) return 'timeout';
  if (status >= 500) return 'server';
  return 'other';
}

const SUMMARY: Record<XeroErrorKind, string> = {
  auth_revoked: 'Xero no longer accepts this connection; it was probably disconnected in Xero.',
  token_expired: 'The Xero access token expired.',
  forbidden:
    'Xero does not allow this app to do that in your organisation (a missing permission or scope). Your connection is unchanged; ask your Xero administrator, or reconnect to grant the permission.',
  rate_limited: 'Xero is limiting how many calls we make; the work will continue later.',
  validation: 'Xero rejected the data.',
  not_found: 'Xero could not find the record.',
  server: 'Xero had a problem answering.',
  timeout: 'Xero did not answer in time.',
  other: 'The Xero call failed.',
};

export function xeroApiError(status: number, body: unknown, headers: unknown): XeroApiError {
  const parsed = parseBody(body);
  const validationMessages = messagesOf(parsed);
  const kind = kindFor(status, validationMessages);
  const retryAfter = headerNumber(lowerKeys(headers), 'retry-after');
  const detail = validationMessages.length ? ` ${validationMessages.join(' ')}` : '';
  return new XeroApiError({
    kind,
    status,
    message: `${SUMMARY[kind]}${detail}`.trim(),
    validationMessages,
    rateLimit: readRateLimitHeaders(headers),
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
  });
}

export function timeoutError(timeoutMs: number): XeroApiError {
  return new XeroApiError({ kind: 'timeout', status: 0, message: `${SUMMARY.timeout} (no answer within ${timeoutMs} ms)` });
}

/**
 * Turns whatever xero-node rejected with into a XeroApiError. Its rejections are a JSON string
 * `{response:{statusCode,body,headers}}`, or `{response, body}` with an axios response for a
 * non-2xx that axios let through; anything else (a network failure) is kept as `other`.
 */
export function fromXeroNodeRejection(rejection: unknown, timeoutMs: number): XeroApiError {
  if (rejection instanceof XeroApiError) return rejection;
  const parsed = parseBody(rejection) as { response?: Record<string, unknown>; body?: unknown } | undefined;
  const response = parsed && typeof parsed === 'object' ? parsed.response : undefined;
  if (response && typeof response === 'object') {
    const status = Number(response.statusCode ?? response.status ?? 0);
    const body = response.body ?? response.data ?? parsed?.body;
    if (status > 0) return xeroApiError(status, body, response.headers);
    // No status: axios gave up. Its message says whether it was our timeout/abort.
    if (typeof body === 'string' && /timeout|aborted|canceled/i.test(body)) return timeoutError(timeoutMs);
  }
  return new XeroApiError({ kind: 'other', status: 0, message: `${SUMMARY.other} (no response from Xero)` });
}
