import { z } from 'zod';
import type { ClioRegionApp } from '../config';
import { ClioOAuthError, readClioError } from './errors';

const tokenResponse = z.object({
  access_token: z.string().min(1),
  // Clio Manage refresh tokens do not rotate: a refresh answer may leave this out.
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().int().positive(),
});
export type ClioTokens = z.infer<typeof tokenResponse>;

export function authorizeUrl(app: ClioRegionApp, p: { redirectUri: string; state: string }): string {
  const url = new URL('/oauth/authorize', app.baseUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: p.redirectUri,
    state: p.state,
    // Without it a "Deny" strands the user on Clio's page instead of coming back to us.
    redirect_on_decline: 'true',
  }).toString();
  return url.toString();
}

export function exchangeCode(app: ClioRegionApp, code: string, redirectUri: string): Promise<ClioTokens> {
  return tokenCall(app, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
}

export function refreshTokens(app: ClioRegionApp, refreshToken: string): Promise<ClioTokens> {
  return tokenCall(app, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** Revokes the grant at Clio; a token Clio no longer knows counts as revoked already. */
export async function revokeToken(app: ClioRegionApp, accessToken: string): Promise<void> {
  const res = await fetch(new URL('/oauth/deauthorize', app.baseUrl), {
    method: 'POST',
    headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: accessToken }),
    signal: AbortSignal.timeout(15_000),
  });
  if (res.ok || res.status === 401) {
    await res.body?.cancel();
    return;
  }
  throw await readClioError(res);
}

async function tokenCall(app: ClioRegionApp, params: Record<string, string>): Promise<ClioTokens> {
  const res = await fetch(new URL('/oauth/token', app.baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, ...params }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) {
    const err = await readClioError(res);
    throw new ClioOAuthError(res.status, err.kind, err.message);
  }
  const parsed = tokenResponse.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new ClioOAuthError(res.status, 'invalid_response', 'Clio sent a token response we could not read');
  return parsed.data;
}
