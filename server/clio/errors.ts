/** Clio failures as types callers can branch on. Messages carry Clio's words, never a token. */
export class ClioApiError extends Error {
  override name = 'ClioApiError';
  constructor(
    readonly status: number,
    /** Clio's error type (`{"error":{"type"}}`) or OAuth error code (`invalid_token`, `invalid_grant`). */
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * 401 from Clio. Clio answers in two shapes: `{"error":{"type","message"}}` for a missing or
 * malformed header, RFC 6750 `{"error":"invalid_token"}` for an expired or revoked token; only the
 * second is worth a refresh.
 */
export class ClioAuthError extends ClioApiError {
  override name = 'ClioAuthError';
  get tokenRejected(): boolean {
    return this.kind === 'invalid_token';
  }
}

/** The token endpoint refused (bad code, revoked refresh token, wrong region's client). */
export class ClioOAuthError extends ClioApiError {
  override name = 'ClioOAuthError';
}

/** The stored Clio connection is gone or can no longer get a token: the user must install again. */
export class ClioNotConnectedError extends Error {
  override name = 'ClioNotConnectedError';
}

export async function readClioError(res: Response): Promise<ClioApiError> {
  const body = (await res.json().catch(() => null)) as { error?: string | { type?: string; message?: string }; error_description?: string } | null;
  const err = body?.error;
  const kind = typeof err === 'string' ? err : (err?.type ?? `http_${res.status}`);
  const message = typeof err === 'string' ? (body?.error_description ?? err) : (err?.message ?? `Clio answered ${res.status}`);
  return res.status === 401 ? new ClioAuthError(401, kind, message) : new ClioApiError(res.status, kind, message);
}
