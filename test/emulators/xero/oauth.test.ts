import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SANDBOX_CLIENT, SEED_TENANTS } from './index';
import { setup, type Harness } from './harness';

const REDIRECT = 'http://localhost:5173/oauth/callback';
const basic = `Basic ${Buffer.from(`${SANDBOX_CLIENT.clientId}:${SANDBOX_CLIENT.clientSecret}`).toString('base64')}`;
const SCOPE = 'offline_access accounting.contacts accounting.settings accounting.invoices accounting.payments accounting.banktransactions';

async function authorize(h: Harness, params: Record<string, string> = {}) {
  const q = new URLSearchParams({ response_type: 'code', client_id: 'sandbox', redirect_uri: REDIRECT, scope: SCOPE, state: 'st-1', ...params });
  return h.emulator.app.request(`/identity/connect/authorize?${q.toString()}`);
}

async function codeFrom(h: Harness, params: Record<string, string> = {}): Promise<string> {
  const res = await authorize(h, params);
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') ?? '');
  expect(location.searchParams.get('state')).toBe('st-1');
  return location.searchParams.get('code') ?? '';
}

async function token(h: Harness, form: Record<string, string>, auth = basic) {
  const res = await h.emulator.app.request('/connect/token', {
    method: 'POST',
    body: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: auth } : {}) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const api = (h: Harness, accessToken: string, tenantId: string = SEED_TENANTS.primary.tenantId) =>
  h.emulator.app.request('/api.xro/2.0/Organisation', { headers: { authorization: `Bearer ${accessToken}`, 'xero-tenant-id': tenantId, accept: 'application/json' } });

describe('authorize', () => {
  it('approves at once and redirects with code and state', async () => {
    const h = setup();
    expect(await codeFrom(h)).toMatch(/^[0-9a-f]{48}$/);
  });

  it('refuses unknown clients and unregistered redirect URIs, accepts registered ones', async () => {
    const h = setup();
    expect((await authorize(h, { client_id: 'nope' })).status).toBe(400);
    expect((await authorize(h, { redirect_uri: 'https://evil.example/cb' })).status).toBe(400);
    await h.control('POST', '/oauth/redirect-uris', { uri: 'https://app.example/cb' });
    expect((await authorize(h, { redirect_uri: 'https://app.example/cb' })).status).toBe(302);
  });

  it('returns access_denied once when told to', async () => {
    const h = setup();
    await h.control('POST', '/oauth/deny-next');
    const denied = new URL((await authorize(h)).headers.get('location') ?? '');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('st-1');
    expect(await codeFrom(h)).not.toBe('');
  });
});

describe('token endpoint', () => {
  it('exchanges a code once (Basic auth) for a 30-minute JWT-looking token and a refresh token', async () => {
    const h = setup();
    const code = await codeFrom(h);
    const ok = await token(h, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 1800, scope: SCOPE });
    expect(String(ok.body.access_token).split('.')).toHaveLength(3);
    expect(ok.body.refresh_token).toEqual(expect.any(String));
    expect((await token(h, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body).toEqual({ error: 'invalid_grant' });
  });

  it('accepts client credentials in the body and rejects a wrong secret', async () => {
    const h = setup();
    const code = await codeFrom(h);
    expect((await token(h, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'sandbox', client_secret: 'wrong' }, '')).body).toEqual({
      error: 'invalid_client',
    });
    expect((await token(h, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'sandbox', client_secret: 'sandbox-secret' }, '')).status).toBe(
      200,
    );
  });

  it('expires codes after 5 minutes', async () => {
    const h = setup();
    const code = await codeFrom(h);
    h.clock.advance(5 * 60_000 + 1);
    expect((await token(h, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body).toEqual({ error: 'invalid_grant' });
  });

  it('verifies PKCE S256', async () => {
    const h = setup();
    const verifier = 'a'.repeat(20) + '-._~' + 'B'.repeat(30);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
    const wrong = await token(h, { grant_type: 'authorization_code', code: await codeFrom(h, pkce), redirect_uri: REDIRECT, code_verifier: `${verifier}x` });
    expect(wrong.body).toEqual({ error: 'invalid_grant' });
    const missing = await token(h, { grant_type: 'authorization_code', code: await codeFrom(h, pkce), redirect_uri: REDIRECT });
    expect(missing.body).toEqual({ error: 'invalid_grant' });
    const right = await token(h, { grant_type: 'authorization_code', code: await codeFrom(h, pkce), redirect_uri: REDIRECT, code_verifier: verifier });
    expect(right.status).toBe(200);
  });

  it('rotates refresh tokens; the old one replays the same pair for 30 minutes, then invalid_grant', async () => {
    const h = setup();
    const first = await token(h, { grant_type: 'authorization_code', code: await codeFrom(h), redirect_uri: REDIRECT });
    const old = String(first.body.refresh_token);
    const rotated = await token(h, { grant_type: 'refresh_token', refresh_token: old });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(old);
    h.clock.advance(29 * 60_000);
    expect((await token(h, { grant_type: 'refresh_token', refresh_token: old })).body).toEqual(rotated.body);
    h.clock.advance(2 * 60_000);
    expect((await token(h, { grant_type: 'refresh_token', refresh_token: old })).body).toEqual({ error: 'invalid_grant' });
    const next = await token(h, { grant_type: 'refresh_token', refresh_token: String(rotated.body.refresh_token) });
    expect(next.status).toBe(200);
    expect((await token(h, { grant_type: 'refresh_token', refresh_token: 'garbage' })).body).toEqual({ error: 'invalid_grant' });
  });

  it('issues no refresh token without offline_access', async () => {
    const h = setup();
    const r = await token(h, { grant_type: 'authorization_code', code: await codeFrom(h, { scope: 'accounting.settings' }), redirect_uri: REDIRECT });
    expect(r.body.refresh_token).toBeUndefined();
  });
});

describe('connections and API access', () => {
  async function connected(h: Harness) {
    const r = await token(h, { grant_type: 'authorization_code', code: await codeFrom(h), redirect_uri: REDIRECT });
    return String(r.body.access_token);
  }
  const connections = async (h: Harness, access: string) => {
    const res = await h.emulator.app.request('/connections', { headers: { authorization: `Bearer ${access}` } });
    return (await res.json()) as Record<string, unknown>[];
  };

  it('lists every organisation by default, or the control-chosen subset', async () => {
    const h = setup();
    const list = await connections(h, await connected(h));
    expect(list.map((c) => c.tenantName).sort()).toEqual(['Harbour Legal Pty Ltd', 'Riverside Law Group Pty Ltd']);
    expect(list[0]).toEqual({
      id: expect.any(String),
      authEventId: expect.any(String),
      tenantId: expect.any(String),
      tenantType: 'ORGANISATION',
      tenantName: expect.any(String),
      createdDateUtc: '2026-11-25T09:00:00',
      updatedDateUtc: '2026-11-25T09:00:00',
    });
    await h.control('PUT', '/oauth/authorised-tenants', { tenantIds: [SEED_TENANTS.secondary.tenantId] });
    expect((await connections(h, await connected(h))).map((c) => c.tenantId)).toEqual([SEED_TENANTS.secondary.tenantId]);
  });

  it('after DELETE /connections/{id} the tenant answers 403 while the other still works', async () => {
    const h = setup();
    const access = await connected(h);
    const primary = (await connections(h, access)).find((c) => c.tenantId === SEED_TENANTS.primary.tenantId);
    expect((await api(h, access)).status).toBe(200);
    const del = await h.emulator.app.request(`/connections/${String(primary?.id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${access}` } });
    expect(del.status).toBe(204);
    expect((await api(h, access)).status).toBe(403);
    expect((await api(h, access, SEED_TENANTS.secondary.tenantId)).status).toBe(200);
  });

  it('401 without or with a dead token, 400 without a tenant header, 401 after the access token expires', async () => {
    const h = setup();
    const access = await connected(h);
    const noAuth = await h.emulator.app.request('/api.xro/2.0/Organisation', { headers: { accept: 'application/json' } });
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({ Title: 'Unauthorized', Status: 401 });
    const noTenant = await h.emulator.app.request('/api.xro/2.0/Organisation', { headers: { authorization: `Bearer ${access}`, accept: 'application/json' } });
    expect(noTenant.status).toBe(400);
    h.clock.advance(30 * 60_000);
    const expired = await api(h, access);
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { Detail: string }).Detail).toMatch(/TokenExpired/);
  });

  it('control API: revoke a token, or disconnect a tenant from inside Xero', async () => {
    const h = setup();
    const a = await connected(h);
    const b = await connected(h);
    await h.control('POST', '/oauth/revoke', { token: a });
    expect((await api(h, a)).status).toBe(401);
    expect((await api(h, b)).status).toBe(200);
    await h.control('POST', `/tenants/${SEED_TENANTS.primary.tenantId}/disconnect`);
    expect((await api(h, b)).status).toBe(403);
  });

  it('POST /connect/revocation with the refresh token kills the grant', async () => {
    const h = setup();
    const t = await token(h, { grant_type: 'authorization_code', code: await codeFrom(h), redirect_uri: REDIRECT });
    const res = await h.emulator.app.request('/connect/revocation', {
      method: 'POST',
      body: new URLSearchParams({ token: String(t.body.refresh_token) }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
    });
    expect(res.status).toBe(200);
    expect((await api(h, String(t.body.access_token))).status).toBe(401);
    expect((await token(h, { grant_type: 'refresh_token', refresh_token: String(t.body.refresh_token) })).body).toEqual({ error: 'invalid_grant' });
  });

  it('refuses non-JSON Accept (real Xero would answer XML)', async () => {
    const h = setup();
    const res = await h.emulator.app.request('/api.xro/2.0/Organisation', {
      headers: { authorization: `Bearer ${h.token.access_token}`, 'xero-tenant-id': SEED_TENANTS.primary.tenantId },
    });
    expect(res.status).toBe(406);
  });
});
