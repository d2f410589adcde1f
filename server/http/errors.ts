import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../log';

/** The closed set of error codes any response of ours can carry. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
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
  if (err instanceof ApiError) return errorResponse(c, err.code, err.message, err.details);
  if (err instanceof HTTPException) {
    const code = codeForStatus(err.status);
    return errorResponse(c, code, err.message || code.toLowerCase().replaceAll('_', ' '));
  }
  logger.error({ err: { name: err.name, message: err.message, stack: err.stack }, requestId: c.get('requestId') }, 'unhandled error');
  return errorResponse(c, 'INTERNAL_SERVER_ERROR', 'Something went wrong on our side. It has been logged.');
}
