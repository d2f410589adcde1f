import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ClioApiError, ClioNotConnectedError } from '../clio/errors';
import type { Logger } from '../log';
import { SettingsInvalidError } from '../settings/service';
import { XeroChartUnavailableError } from '../settings/xero-chart';
import { XeroApiError, XeroNotConnectedError, XeroTenantTakenError } from '../xero/errors';

/** The closed set of error codes any response of ours can carry. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  /** A dry run of this firm is still running: one at a time (issue 15). */
  PREVIEW_RUNNING: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE_ENTITY: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: unknown };
}

export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(ERROR_STATUS[code], { message });
    this.code = code;
    this.details = details;
  }
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;
interface DomainErrorRule<E extends Error = Error> {
  error: ErrorClass<E>;
  toApi(err: E): ApiError;
}
const rule = <E extends Error>(error: ErrorClass<E>, toApi: (err: E) => ApiError): DomainErrorRule => ({
  error,
  toApi: toApi as (err: Error) => ApiError,
});

/** Xero's own words reach the user (certification X10); a rate limit says when to try again. */
const xeroSaid = (err: XeroApiError) => err.validationMessages.join(' ') || err.message;
const xeroRateLimited = (err: XeroApiError) =>
  err.kind === 'rate_limited' ? new ApiError('TOO_MANY_REQUESTS', `Xero asked us to slow down. Try again in ${err.retryAfterSeconds ?? 60} seconds.`) : undefined;

/**
 * How the domain's errors reach the client, in one place: routes throw or let them propagate, and
 * the app's error handler answers with the first rule whose class matches (so a subclass goes
 * before its parent). Errors not listed here are ours, and answer 500 without their message.
 */
export const DOMAIN_ERRORS: readonly DomainErrorRule[] = [
  rule(SettingsInvalidError, (e) => new ApiError('UNPROCESSABLE_ENTITY', 'Some settings need attention before they can be saved.', { fieldErrors: e.fieldErrors })),
  rule(ClioNotConnectedError, () => new ApiError('CONFLICT', 'Sign in with Clio again to load your Clio lists.')),
  rule(ClioApiError, (e) => new ApiError('BAD_GATEWAY', `Clio did not answer as expected: ${e.message}`)),
  rule(XeroNotConnectedError, (e) => new ApiError('CONFLICT', e.message)),
  rule(XeroTenantTakenError, (e) => new ApiError('CONFLICT', e.message)),
  rule(XeroChartUnavailableError, (e) => xeroRateLimited(e.xero) ?? new ApiError('BAD_GATEWAY', `Xero could not give us your chart of accounts: ${xeroSaid(e.xero)}`)),
];

/** The envelope error a domain error maps to, or undefined when it is not one the client may see. */
export function apiErrorFor(err: Error): ApiError | undefined {
  return DOMAIN_ERRORS.find((r) => err instanceof r.error)?.toApi(err);
}

function codeForStatus(status: number): ErrorCode {
  const hit = Object.entries(ERROR_STATUS).find(([, s]) => s === status);
  if (hit) return hit[0] as ErrorCode;
  return status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
}

export function errorResponse(c: Context, code: ErrorCode, message: string, details?: unknown): Response {
  const body: ErrorBody = { error: { code, message, requestId: c.get('requestId') ?? '' } };
  if (details !== undefined) body.error.details = details;
  return c.json(body, ERROR_STATUS[code]);
}

/** Every thrown error ends here; only our own messages reach the client, never internals. */
export function handleError(err: Error, c: Context, logger: Logger): Response {
  const apiError = err instanceof ApiError ? err : apiErrorFor(err);
  if (apiError) return errorResponse(c, apiError.code, apiError.message, apiError.details);
  if (err instanceof HTTPException) {
    const code = codeForStatus(err.status);
    return errorResponse(c, code, err.message || code.toLowerCase().replaceAll('_', ' '));
  }
  logger.error({ err: { name: err.name, message: err.message, stack: err.stack }, requestId: c.get('requestId') }, 'unhandled error');
  return errorResponse(c, 'INTERNAL_SERVER_ERROR', 'Something went wrong on our side. It has been logged.');
}
