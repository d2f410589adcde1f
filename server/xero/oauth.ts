import { z } from 'zod';
import type { XeroApp } from '../config';
import { timeoutError, XeroOAuthError, xeroApiError } from './errors';
import { codeChallengeS256 } from './pkce';

/**
 * Xero's identity endpoints, called directly: xero-node's XeroClient hard-codes Xero's hosts,
 * which the sandbox and the tests replace with the emulator.
 */

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: Date;
  scope: string;
}

export interface XeroTenantConnection {
  id: string;
  tenantId: string;
  tenantName: string;
  tenantType: string;
  authEventId?: string;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1, 'no refresh token: offline_access was not granted'),
  expires_in: z.number().int().positive(),
  scope: z.string().optional(),
});

const connectionsResponse = z.array(
  z.object({
    id: z.string(),
    tenantId: z.string(),
    tenantName: z.string().nullable().optional(),
    tenantType: z.string(),
    authEventId: z.string().optional(),
  }),
);

export function authorizeUrl(app: XeroApp, params: { redirectUri: string; state: string; codeVerifier: string }): string {
  const url = new URL(`${app.loginUrl}/identity/connect/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: params.redirectUri,
    scope: app.scopes,
    state: params.state,
    code_challenge: codeChallengeS256(params.codeVerifier),
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

async function timedFetch(app: XeroApp, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(app.timeoutMs) });
  } catch (err) {
    if ((err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') throw timeoutError(app.timeoutMs);
    throw err;
  }
}

async function tokenRequest(app: XeroApp, form: Record<string, string>, now: Date): Promise<TokenSet> {
  const basic = Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64');
  const res = await timedFetch(app, `${app.identityUrl}/connect/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const code = typeof (body as { error?: unknown })?.error === 'string' ? (body as { error: string }).error : `http_${res.status}`;
    if (res.status >= 500 || res.status === 429) throw xeroApiError(res.status, body, Object.fromEntries(res.headers));
    throw new XeroOAuthError(code, res.status);
  }
  const parsed = tokenResponse.safeParse(body);
  if (!parsed.success) throw new XeroOAuthError('invalid_token_response', res.status);
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    accessExpiresAt: new Date(now.getTime() + parsed.data.expires_in * 1000),
    scope: parsed.data.scope ?? app.scopes,
  };
}

export function exchangeCode(app: XeroApp, params: { code: string; redirectUri: string; codeVerifier: string }, now = new Date()): Promise<TokenSet> {
  return tokenRequest(app, { grant_type: 'authorization_code', code: params.code, redirect_uri: params.redirectUri, code_verifier: params.codeVerifier }, now);
}

export function refreshTokenSet(app: XeroApp, refreshToken: string, now = new Date()): Promise<TokenSet> {
  return tokenRequest(app, { grant_type: 'refresh_token', refresh_token: refreshToken }, now);
}

/**
 * The consent that issued this access token (its `authentication_event_id` claim), read without
 * verifying the signature: it only narrows a list Xero itself returns for the same token.
 */
export function authEventIdOf(accessToken: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    return typeof claims.authentication_event_id === 'string' ? claims.authentication_event_id : undefined;
  } catch {
    return undefined;
  }
}

/** The organisations this token reaches; with `authEventId`, only those that one consent connected. */
export async function listTenantConnections(app: XeroApp, accessToken: string, authEventId?: string): Promise<XeroTenantConnection[]> {
  const query = authEventId ? `?authEventId=${encodeURIComponent(authEventId)}` : '';
  const res = await timedFetch(app, `${app.apiUrl}/connections${query}`, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw xeroApiError(res.status, body, Object.fromEntries(res.headers));
  return connectionsResponse
    .parse(body)
    .filter((c) => c.tenantType === 'ORGANISATION')
    .map((c) => ({
      id: c.id,
      tenantId: c.tenantId,
      tenantName: c.tenantName ?? '',
      tenantType: c.tenantType,
      ...(c.authEventId ? { authEventId: c.authEventId } : {}),
    }));
}

/** 404 counts as done: the connection is already gone at Xero. */
export async function deleteTenantConnection(app: XeroApp, accessToken: string, connectionId: string): Promise<void> {
  const res = await timedFetch(app, `${app.apiUrl}/connections/${encodeURIComponent(connectionId)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (!res.ok && res.status !== 404) throw xeroApiError(res.status, await res.text().catch(() => ''), Object.fromEntries(res.headers));
}
