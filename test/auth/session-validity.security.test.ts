// Issue 15, attack 2: sessions outlived a disconnect. The firm row is reused on reinstall, so a
// token signed in before the disconnect must stay refused after it, on every call and renewal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetDeauthorizationProbes } from '../../server/clio/uninstall';
import { type ClioHarness, control, startClioHarness, storedTokens, accountOwner, plainClerk } from '../clio/harness';
import { sessionTokenFrom } from '../support/stack';

let h: ClioHarness;
beforeAll(async () => {
  h = await startClioHarness();
});
afterAll(() => h?.stop());

const call = (token: string, method: string, path: string) => fetch(`${h.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
const signIn = async (clioUserId: number) => sessionTokenFrom((await h.install({ clioUserId })).location);
/** What the old token still gets: the firm's own data, and a renewal. */
const reach = async (token: string) => ({ me: (await call(token, 'GET', '/api/me')).status, renew: (await call(token, 'POST', '/api/session/renew')).status });

describe('sessions end for good (attack 2)', () => {
  it('Disconnect Clio, then a reinstall of the same firm: the token from before works neither on /api/me nor for renewal; the new sign-in does', async () => {
    const old = await signIn(accountOwner(h).id);
    expect(await reach(old)).toEqual({ me: 200, renew: 200 });
    expect((await call(old, 'DELETE', '/api/clio/connection')).status).toBe(204);
    const fresh = await signIn(accountOwner(h).id);
    expect((await h.deps.sessions.verify(fresh)).firmId).toBe((await h.deps.sessions.verify(old)).firmId);

    expect(await reach(old)).toEqual({ me: 401, renew: 401 });
    expect(await reach(fresh)).toEqual({ me: 200, renew: 200 });
  });

  it("a deauthorized user's token is refused at once, and stays refused after that user installs again", async () => {
    await signIn(accountOwner(h).id);
    const old = await signIn(plainClerk(h).id);
    const { userId } = await h.deps.sessions.verify(old);
    const conn = await h.t.db.selectFrom('connections').select('id').where('user_id', '=', userId).executeTakeFirstOrThrow();
    await control(h.clio.us.url, '/tokens/revoke', { access_token: (await storedTokens(h, conn.id)).access });
    forgetDeauthorizationProbes(h.deps);
    const res = await fetch(`${h.url}/oauth/clio/deauthorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'sandbox', user_id: String(plainClerk(h).id) }),
    });
    expect(res.status).toBe(204);
    expect(await reach(old)).toEqual({ me: 401, renew: 401 });

    const fresh = await signIn(plainClerk(h).id);
    expect(await reach(old)).toEqual({ me: 401, renew: 401 });
    expect(await reach(fresh)).toEqual({ me: 200, renew: 200 });
  });
});
