import { createHmac } from 'node:crypto';
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
    expect(await res.json()).toEqual({ ...alice, signedInAt: expect.any(Number), adminCheckedAt: expect.any(Number) });
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

  it('refuses a correctly signed token whose claims are missing or of the wrong type', async () => {
    const signed = (claims: Record<string, unknown>, sub: string | null = alice.userId) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('clio-xero-sync')
        .setAudience('clio-xero-sync-ui')
        .setIssuedAt()
        .setExpirationTime('5m');
      return (sub === null ? jwt : jwt.setSubject(sub)).sign(key);
    };
    for (const token of [
      await signed({ adm: true }),
      await signed({ firm: 42, adm: true }),
      await signed({ firm: alice.firmId }),
      await signed({ firm: alice.firmId, adm: 'true' }),
      await signed({ firm: alice.firmId, adm: true }, null),
      await signed({ firm: alice.firmId, adm: true, ack: 1 }),
      await signed({ firm: alice.firmId, adm: true, sat: 1 }),
    ]) {
      const res = await app().request('/me', bearer(token));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe('Invalid session token.');
    }
    // The same claims, complete, pass: the refusals above are about the claims.
    const at = Math.floor(Date.now() / 1000);
    expect((await app().request('/me', bearer(await signed({ firm: alice.firmId, adm: false, sat: at, ack: at })))).status).toBe(200);
  });

  it('takes the token only from an "Authorization: Bearer" header', async () => {
    const token = await issuer.issue(alice);
    for (const authorization of [`Token ${token}`, `xBearer ${token}`, token, 'Bearer ']) {
      const res = await app().request('/me', { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe('Sign in through Clio to use the add-on.');
    }
    expect((await app().request('/me', { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
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

  it('derives the signing key from the secret key with HKDF-SHA256 (RFC 5869), labelled for session tokens', () => {
    // Computed here by the RFC's two steps with plain HMAC, not by the function under test:
    // extract with the empty salt (HashLen zero bytes), then one expand block with the info label.
    const secret = Buffer.alloc(32, 5);
    const prk = createHmac('sha256', Buffer.alloc(32)).update(secret).digest();
    const okm = createHmac('sha256', prk)
      .update(Buffer.concat([Buffer.from('session-token-v1'), Buffer.from([1])]))
      .digest();
    expect(Buffer.from(key).toString('hex')).toBe(okm.toString('hex'));
    expect(Buffer.from(deriveSessionKey(Buffer.alloc(32, 6))).equals(Buffer.from(key))).toBe(false);
  });

  it('refuses a token signed with the secret key itself rather than the derived one', async () => {
    const raw = createSessionIssuer(new Uint8Array(Buffer.alloc(32, 5)), 900);
    expect((await app().request('/me', bearer(await raw.issue(alice)))).status).toBe(401);
  });
});
