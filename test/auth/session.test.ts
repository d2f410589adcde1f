import { Hono } from 'hono';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createSessionIssuer, deriveSessionKey } from '../../server/auth/session';
import { requireAdmin, requireSession } from '../../server/http/session';
import { handleError } from '../../server/http/errors';
import { createLogger } from '../../server/log';

const key = deriveSessionKey(Buffer.alloc(32, 5));
const issuer = createSessionIssuer(key, 900);
const alice = { firmId: '0b1c5a8e-0000-4000-8000-000000000001', userId: 'u-alice', isAdmin: true };

function app() {
  const a = new Hono();
  a.onError((err, c) => handleError(err, c, createLogger('silent')));
  a.get('/me', requireSession(issuer), (c) => c.json(c.get('session')));
  a.put('/settings', requireSession(issuer), requireAdmin, (c) => c.json({ ok: true }));
  return a;
}

const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

describe('session tokens', () => {
  it('round-trips firm, user and admin flag', async () => {
    const res = await app().request('/me', bearer(await issuer.issue(alice)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(alice);
  });

  it('401 without a token, with a forged one, or one signed by another key', async () => {
    expect((await app().request('/me')).status).toBe(401);
    expect((await app().request('/me', bearer('not.a.jwt'))).status).toBe(401);
    const other = createSessionIssuer(deriveSessionKey(Buffer.alloc(32, 6)), 900);
    const res = await app().request('/me', bearer(await other.issue(alice)));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });

  it('401 with a plain-words message once expired', async () => {
    const stale = await new SignJWT({ firm: alice.firmId, adm: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(alice.userId)
      .setIssuer('clio-xero-sync')
      .setAudience('clio-xero-sync-ui')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const res = await app().request('/me', bearer(stale));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
  });

  it('refuses an unsigned (alg none) token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'x', firm: alice.firmId, adm: true })).toString('base64url');
    expect((await app().request('/me', bearer(`${header}.${body}.`))).status).toBe(401);
  });

  it('403 for a non-admin on an admin route', async () => {
    const res = await app().request('/settings', { method: 'PUT', ...bearer(await issuer.issue({ ...alice, isAdmin: false })) });
    expect(res.status).toBe(403);
    expect((await app().request('/settings', { method: 'PUT', ...bearer(await issuer.issue(alice)) })).status).toBe(200);
  });

  it('derives a signing key different from the encryption key', () => {
    expect(Buffer.from(key).equals(Buffer.alloc(32, 5))).toBe(false);
  });
});
