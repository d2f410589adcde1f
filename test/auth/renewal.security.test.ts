// Issue 8, finding 2: removed users and demoted admins kept access through session renewal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../server/auth/session';
import { forgetDeauthorizationProbes } from '../../server/clio/uninstall';
import { type ClioHarness, control, installAndSignIn, startClioHarness, storedTokens, accountOwner, plainClerk } from '../clio/harness';

let h: ClioHarness;
beforeAll(async () => {
  h = await startClioHarness();
});
afterAll(() => h?.stop());

const emu = () => h.clio.us.emulator;
const owner = () => accountOwner(h);
const clerk = () => plainClerk(h);
const now = () => Math.floor(Date.now() / 1000);
const call = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${h.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const renew = async (token: string) => {
  const res = await call(token, 'POST', '/api/session/renew');
  return { status: res.status, session: res.status === 200 ? await h.deps.sessions.verify(((await res.json()) as { token: string }).token) : undefined };
};
/** The same session as it would stand some minutes later (the admin flag last read from Clio `agoSeconds` ago). */
const aged = (s: Session, agoSeconds: number) => h.deps.sessions.issue({ ...s, adminCheckedAt: now() - agoSeconds });

describe('session renewal', () => {
  it('a demoted admin loses admin at the first renewal after a few minutes: the session ends, and the next sign-in is not an admin', async () => {
    const admin = owner();
    const s = await installAndSignIn(h, { clioUserId: admin.id });
    expect(s.isAdmin).toBe(true);
    const settings = await (await call(await h.deps.sessions.issue(s), 'GET', '/api/settings')).json();
    // Clio takes the administrator role away; nothing tells us.
    const roles = admin.roles;
    Object.assign(admin, { account_owner: false, roles: [] });
    try {
      // Within the recheck window the flag stands without a Clio call.
      expect((await renew(await aged(s, 10))).session?.isAdmin).toBe(true);
      // Issue 15: the demotion ends every session signed in as an admin, not only this renewal.
      expect((await renew(await aged(s, h.deps.config.ADMIN_RECHECK_SECONDS + 1))).status).toBe(401);
      const put = await call(await h.deps.sessions.issue(s), 'PUT', '/api/settings', settings.settings);
      expect(put.status).toBe(401);
      const row = await h.t.db.selectFrom('users').select('is_admin').where('id', '=', s.userId).executeTakeFirstOrThrow();
      expect(row.is_admin).toBe(false);
      const again = await installAndSignIn(h, { clioUserId: admin.id });
      expect(again.isAdmin).toBe(false);
      expect((await call(await h.deps.sessions.issue(again), 'PUT', '/api/settings', settings.settings)).status).toBe(403);
    } finally {
      Object.assign(admin, { account_owner: true, roles });
    }
  });

  it("a deauthorized user's old token is not renewed", async () => {
    const s = await installAndSignIn(h, { clioUserId: clerk().id });
    const token = await h.deps.sessions.issue(s);
    expect((await renew(token)).status).toBe(200);
    const conn = await h.t.db.selectFrom('connections').select('id').where('user_id', '=', s.userId).executeTakeFirstOrThrow();
    await control(h.clio.us.url, '/tokens/revoke', { access_token: (await storedTokens(h, conn.id)).access });
    forgetDeauthorizationProbes(h.deps);
    const res = await fetch(`${h.url}/oauth/clio/deauthorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'sandbox', user_id: String(clerk().id) }),
    });
    expect(res.status).toBe(204);
    // The user row stays (the firm is still installed by its admin), the grant does not.
    expect(await h.t.db.selectFrom('users').select('id').where('id', '=', s.userId).executeTakeFirst()).toBeDefined();
    expect((await renew(token)).status).toBe(401);
  });

  it('a grant revoked at Clio without a callback ends the session at the next check', async () => {
    const s = await installAndSignIn(h, { clioUserId: owner().id });
    const conn = await h.t.db.selectFrom('connections').select('id').where('user_id', '=', s.userId).executeTakeFirstOrThrow();
    const tokens = await storedTokens(h, conn.id);
    await control(h.clio.us.url, '/tokens/revoke', { access_token: tokens.access });
    await control(h.clio.us.url, '/tokens/revoke', { access_token: tokens.refresh });
    expect((await renew(await aged(s, h.deps.config.ADMIN_RECHECK_SECONDS + 1))).status).toBe(401);
  });

  it('every session ends a fixed time after sign-in, however often it was renewed', async () => {
    const s = await installAndSignIn(h, { clioUserId: owner().id });
    const old = await h.deps.sessions.issue({ ...s, signedInAt: now() - h.deps.sessions.maxAgeSeconds - 5 });
    expect((await renew(old)).status).toBe(401);
    const me = await call(old, 'GET', '/api/settings');
    expect(me.status).toBe(401);
    expect(((await me.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
    expect(h.deps.sessions.maxAgeSeconds).toBe(12 * 3600);
  });
});
