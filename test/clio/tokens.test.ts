import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getClioConnection } from '../../server/clio/connections-repository';
import { ClioNotConnectedError } from '../../server/clio/errors';
import { openClioForUser } from '../../server/clio/tokens';
import { type ClioHarness, installAndSignIn, control, startClioHarness, storedTokens } from './harness';

let h: ClioHarness;
let firmId: string;
let userId: string;
beforeAll(async () => {
  h = await startClioHarness();
  const session = await installAndSignIn(h);
  firmId = session.firmId;
  userId = session.userId;
});
afterAll(() => h?.stop());

type Logged = { method: string; path: string; status: number };
const requests = async () => (await control(h.clio.us.url, '/requests', undefined, 'GET')).data as Logged[];
const tokenCalls = async () => (await requests()).filter((r) => r.path === '/oauth/token');

describe('a refresh token Clio refuses', () => {
  it('marks the connection needs_reconnect (committed), and later calls ask Clio for nothing', async () => {
    const connection = (await getClioConnection(h.deps.db, firmId, userId))!;
    await control(h.clio.us.url, '/tokens/revoke', { access_token: (await storedTokens(h, connection.id)).access });
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');

    // The revoked access token earns a 401, which forces a refresh, which Clio refuses (invalid_grant).
    await expect((await openClioForUser(h.deps, firmId, userId)).get('/users/who_am_i.json')).rejects.toBeInstanceOf(ClioNotConnectedError);
    expect((await tokenCalls()).map((r) => r.status)).toEqual([400]);
    const row = await h.t.db.selectFrom('connections').select(['status', 'status_reason']).where('id', '=', connection.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('needs_reconnect');
    expect(row.status_reason).toMatch(/install again/);

    await control(h.clio.us.url, '/requests', undefined, 'DELETE');
    await expect((await openClioForUser(h.deps, firmId, userId)).get('/users/who_am_i.json')).rejects.toBeInstanceOf(ClioNotConnectedError);
    expect(await requests()).toEqual([]);
  });

  it('installing again makes the connection active once more', async () => {
    await h.install();
    const row = await h.t.db.selectFrom('connections').select('status').where('firm_id', '=', firmId).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
    const me = await h.t.db.selectFrom('users').select('clio_user_id').where('id', '=', userId).executeTakeFirstOrThrow();
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');
    const whoAmI = await (await openClioForUser(h.deps, firmId, userId)).get<{ id: number }>('/users/who_am_i.json');
    expect(whoAmI).toMatchObject({ id: Number(me.clio_user_id) });
    expect((await requests()).map((r) => [r.path, r.status])).toEqual([['/api/v4/users/who_am_i.json', 200]]);
  });
});
