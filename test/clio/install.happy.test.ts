import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOM_ACTIONS, WEBHOOK_MODELS } from '../../server/clio/app-definition';
import { connectionTokens, openClioForUser } from '../../server/clio/tokens';
import { type ClioHarness, control, startClioHarness, storedTokens, accountOwner, plainClerk } from './harness';
import { sessionTokenFrom } from '../support/stack';

let h: ClioHarness;
let firmId: string;
beforeAll(async () => {
  h = await startClioHarness();
});
afterAll(() => h?.stop());

const emu = () => h.clio.us.emulator;
const admin = () => accountOwner(h);
const clerk = () => plainClerk(h);
const tokenCalls = async (url: string) =>
  ((await control(url, '/requests', undefined, 'GET')).data as { method: string; path: string }[]).filter((r) => r.path === '/oauth/token');

describe('clio install', () => {
  it('installs an admin: firm, admin user, sealed tokens, custom actions, handshaken webhooks, a session', async () => {
    const out = await h.install({ clioUserId: admin().id });
    expect(out.status).toBe(302);
    expect(out.location).toMatch(/^\/app\/#token=.+/);
    const session = await h.deps.sessions.verify(sessionTokenFrom(out.location));
    expect(session.isAdmin).toBe(true);

    const firm = await h.t.db.selectFrom('firms').selectAll().executeTakeFirstOrThrow();
    firmId = firm.id;
    expect(session.firmId).toBe(firm.id);
    expect(firm).toMatchObject({ name: emu().state.account.name, clio_region: 'us', status: 'active' });
    const user = await h.t.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
    expect(user).toMatchObject({ clio_user_id: String(admin().id), is_admin: true, email: admin().email });

    const actions = emu().state.customActions.all();
    expect(actions.map((a) => [a.ui_reference, a.label, a.target_url, a.user_id])).toEqual(
      CUSTOM_ACTIONS.map((a) => [a.uiReference, a.label, `${h.url}/actions/clio`, admin().id]),
    );
    const hooks = emu().state.webhooks.all();
    expect(hooks.map((w) => w.model).sort()).toEqual(WEBHOOK_MODELS.map((m) => m.model).sort());
    expect(hooks.every((w) => w.status === 'enabled' && w.url.startsWith(`${h.url}/webhooks/clio/`))).toBe(true);
    const rows = await h.t.db.selectFrom('clio_webhooks').selectAll().execute();
    expect(rows.every((r) => r.status === 'enabled' && r.secret_enc !== null)).toBe(true);
  });

  it('stores no token or webhook secret in plaintext', async () => {
    const conn = await h.t.db.selectFrom('connections').select('id').executeTakeFirstOrThrow();
    const { access, refresh } = await storedTokens(h, conn.id);
    const secrets = emu()
      .state.webhooks.all()
      .map((w) => w.shared_secret);
    const dump = (await sql<{ t: string }>`select (select json_agg(c) from connections c)::text || (select json_agg(w) from clio_webhooks w)::text as t`.execute(h.t.db))
      .rows[0]!.t;
    for (const plain of [access, refresh, ...secrets]) expect(dump).not.toContain(plain);
    expect(h.logs.join('\n')).not.toContain(access);
    expect(h.logs.join('\n')).not.toContain(refresh);
  });

  it('reinstalling creates no second custom action, webhook, user or connection', async () => {
    const out = await h.install({ clioUserId: admin().id });
    expect(out.status).toBe(302);
    expect(emu().state.customActions.all()).toHaveLength(CUSTOM_ACTIONS.length);
    expect(emu().state.webhooks.all()).toHaveLength(WEBHOOK_MODELS.length);
    expect(await h.t.db.selectFrom('connections').select('id').execute()).toHaveLength(1);
    expect(await h.t.db.selectFrom('users').select('id').execute()).toHaveLength(1);
  });

  it('a second, non-admin user gets custom actions of their own and no new webhooks', async () => {
    const out = await h.install({ clioUserId: clerk().id });
    const session = await h.deps.sessions.verify(sessionTokenFrom(out.location));
    expect(session).toMatchObject({ firmId, isAdmin: false });
    expect(
      emu()
        .state.customActions.all()
        .filter((a) => a.user_id === clerk().id),
    ).toHaveLength(CUSTOM_ACTIONS.length);
    expect(emu().state.webhooks.all()).toHaveLength(WEBHOOK_MODELS.length);
    // Webhooks stay with the admin, whose token sees every record.
    expect(
      emu()
        .state.webhooks.all()
        .every((w) => w.user_id === admin().id),
    ).toBe(true);
  });

  it("an Add to Clio install finishes at the region host's app_integrations_callback", async () => {
    const out = await h.install({ clioUserId: admin().id, a2c: true });
    expect(out).toEqual({ status: 302, location: `${h.clio.us.url}/app_integrations_callback` });
  });

  it('each region authorizes and exchanges codes at its own host', async () => {
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');
    const start = await fetch(`${h.url}/oauth/clio/start?region=ca`, { redirect: 'manual' });
    expect(new URL(start.headers.get('location')!).origin).toBe(h.clio.ca.url);
    const out = await h.install({ region: 'ca' });
    expect(out.status).toBe(302);
    const caFirm = await h.t.db.selectFrom('firms').selectAll().where('clio_region', '=', 'ca').executeTakeFirstOrThrow();
    expect(caFirm.id).not.toBe(firmId);
    expect(await tokenCalls(h.clio.ca.url)).not.toHaveLength(0);
    expect(await tokenCalls(h.clio.us.url)).toHaveLength(0);
    expect(h.clio.ca.emulator.state.webhooks.all()).toHaveLength(WEBHOOK_MODELS.length);
  });
});

describe('clio tokens', () => {
  const adminConnection = async () => {
    const row = await h.t.db
      .selectFrom('connections')
      .innerJoin('users', 'users.id', 'connections.user_id')
      .select(['connections.id', 'connections.firm_id', 'connections.user_id'])
      .where('users.clio_user_id', '=', String(admin().id))
      .where('connections.firm_id', '=', firmId)
      .executeTakeFirstOrThrow();
    return { id: row.id, firmId: row.firm_id, userId: row.user_id!, region: 'us' as const };
  };

  it('refreshes before the stored expiry, once even when asked twice at the same time', async () => {
    const conn = await adminConnection();
    const before = await storedTokens(h, conn.id);
    await h.t.db
      .updateTable('connections')
      .set({ access_expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', conn.id)
      .execute();
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');
    const source = connectionTokens(h.deps, conn);
    const [a, b] = await Promise.all([source.accessToken(), source.accessToken()]);
    expect(a).toBe(b);
    expect(a).not.toBe(before.access);
    expect(await tokenCalls(h.clio.us.url)).toHaveLength(1);
    const after = await storedTokens(h, conn.id);
    expect(after).toEqual({ access: a, refresh: before.refresh });
    const row = await h.t.db.selectFrom('connections').select('access_expires_at').where('id', '=', conn.id).executeTakeFirstOrThrow();
    expect(row.access_expires_at!.getTime()).toBeGreaterThan(Date.now() + 86_400_000);
  });

  it('refreshes and retries once when Clio rejects a token before its stated expiry', async () => {
    const conn = await adminConnection();
    const { access } = await storedTokens(h, conn.id);
    await control(h.clio.us.url, '/tokens/expire', { access_token: access });
    const client = await openClioForUser(h.deps, firmId, conn.userId);
    const me = await client.get<{ id: number }>('/users/who_am_i.json', { fields: 'id' });
    expect(me.id).toBe(admin().id);
    expect((await storedTokens(h, conn.id)).access).not.toBe(access);
  });
});
