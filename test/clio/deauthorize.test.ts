import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK, syncRecordsJobSpec } from '../../server/jobs/enqueue';
import { WEBHOOK_MODELS } from '../../server/clio/app-definition';
import { forgetDeauthorizationProbes } from '../../server/clio/uninstall';
import { type ClioHarness, control, startClioHarness, storedTokens, accountOwner, plainClerk } from './harness';
import { sessionTokenFrom } from '../support/stack';

let h: ClioHarness;
const sessions: Record<'admin' | 'clerk' | 'caAdmin', string> = { admin: '', clerk: '', caAdmin: '' };
let firmId: string;
beforeAll(async () => {
  h = await startClioHarness();
  sessions.admin = sessionTokenFrom((await h.install({ clioUserId: admin().id })).location);
  sessions.clerk = sessionTokenFrom((await h.install({ clioUserId: clerk().id })).location);
  sessions.caAdmin = sessionTokenFrom((await h.install({ region: 'ca' })).location);
  firmId = (await h.deps.sessions.verify(sessions.admin)).firmId;
});
afterAll(() => h?.stop());

const emu = () => h.clio.us.emulator;
const admin = () => accountOwner(h);
const clerk = () => plainClerk(h);
const api = (token: string, method: string) => fetch(`${h.url}/api/clio/connection`, { method, headers: { authorization: `Bearer ${token}` } });
const deauthorize = (body: Record<string, unknown>, form = false) =>
  fetch(`${h.url}/oauth/clio/deauthorize`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body as Record<string, string>) : JSON.stringify(body),
  });
const connectionOf = async (clioUserId: number) =>
  h.t.db
    .selectFrom('connections')
    .innerJoin('users', 'users.id', 'connections.user_id')
    .select('connections.id')
    .where('connections.firm_id', '=', firmId)
    .where('users.clio_user_id', '=', String(clioUserId))
    .executeTakeFirst();

describe('firm isolation of the connection API', () => {
  it('each firm sees only its own Clio connection', async () => {
    const us = await (await api(sessions.admin, 'GET')).json();
    const ca = await (await api(sessions.caAdmin, 'GET')).json();
    expect(us).toMatchObject({ connected: true, region: 'us', connectedUsers: 2 });
    expect(us.webhooks).toHaveLength(WEBHOOK_MODELS.length);
    expect(ca).toMatchObject({ connected: true, region: 'ca', connectedUsers: 1 });
  });

  it('needs a session, and disconnecting needs an admin', async () => {
    expect((await fetch(`${h.url}/api/clio/connection`, { method: 'DELETE' })).status).toBe(401);
    expect((await api(sessions.clerk, 'DELETE')).status).toBe(403);
    expect(await connectionOf(clerk().id)).toBeDefined();
  });
});

describe('clio deauthorization callback', () => {
  it('refuses a client id that is not ours, and a body without the fields', async () => {
    expect((await deauthorize({ client_id: 'someone-else', user_id: admin().id })).status).toBe(401);
    expect((await deauthorize({ user_id: admin().id })).status).toBe(400);
  });

  it('ignores a callback for a grant Clio still honours (a forged call changes nothing)', async () => {
    expect((await deauthorize({ client_id: 'sandbox', user_id: admin().id })).status).toBe(204);
    expect(await connectionOf(admin().id)).toBeDefined();
  });

  it('probes Clio once for repeated callbacks within a few minutes', async () => {
    forgetDeauthorizationProbes(h.deps);
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');
    for (let i = 0; i < 3; i++) expect((await deauthorize({ client_id: 'sandbox', user_id: admin().id })).status).toBe(204);
    const calls = (await control(h.clio.us.url, '/requests', undefined, 'GET')).data as { method: string; path: string }[];
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/v4/users/who_am_i.json']);
    expect(await connectionOf(admin().id)).toBeDefined();
  });

  it('answers an installed user whose probe Clio fails exactly as an unknown one (issue 15: no oracle of who is installed)', async () => {
    forgetDeauthorizationProbes(h.deps);
    await control(h.clio.us.url, '/faults', { method: 'GET', path_prefix: '/api/v4/users/who_am_i', count: 20, kind: 500 });
    try {
      const installed = await deauthorize({ client_id: 'sandbox', user_id: admin().id });
      const unknown = await deauthorize({ client_id: 'sandbox', user_id: 987_654_321 });
      expect([installed.status, unknown.status]).toEqual([204, 204]);
      expect(await installed.text()).toBe(await unknown.text());
    } finally {
      await control(h.clio.us.url, '/faults', undefined, 'DELETE');
    }
    // Clio could not say the grant is gone, so it stays (the next API call with it would find out).
    expect(await connectionOf(admin().id)).toBeDefined();
    forgetDeauthorizationProbes(h.deps);
  });

  it("removes a revoked user's tokens and moves the firm's webhooks to a remaining user", async () => {
    const conn = (await connectionOf(admin().id))!;
    await control(h.clio.us.url, '/tokens/revoke', { access_token: (await storedTokens(h, conn.id)).access });
    forgetDeauthorizationProbes(h.deps); // the probes above are past their window
    const res = await deauthorize({ client_id: 'sandbox', user_id: String(admin().id) }, true);
    expect(res.status).toBe(204);
    expect(await connectionOf(admin().id)).toBeUndefined();
    await emu().flushWebhooks();
    const hooks = emu()
      .state.webhooks.all()
      .filter((w) => w.user_id === clerk().id && w.status === 'enabled');
    expect(hooks.map((w) => w.model).sort()).toEqual(WEBHOOK_MODELS.map((m) => m.model).sort());
    const rows = await h.t.db.selectFrom('clio_webhooks').selectAll().where('firm_id', '=', firmId).execute();
    expect(rows).toHaveLength(WEBHOOK_MODELS.length);
    const firm = await h.t.db.selectFrom('firms').select('status').where('id', '=', firmId).executeTakeFirstOrThrow();
    expect(firm.status).toBe('active');
  });

  it('is idempotent on replay', async () => {
    expect((await deauthorize({ client_id: 'sandbox', user_id: admin().id })).status).toBe(204);
    expect(await connectionOf(clerk().id)).toBeDefined();
  });
});

describe('in-app disconnect', () => {
  it('revokes at Clio, deletes the webhooks there, drops tokens and queued jobs, uninstalls the firm', async () => {
    // The admin installs again to disconnect the whole firm (the clerk may not).
    sessions.admin = sessionTokenFrom((await h.install({ clioUserId: admin().id })).location);
    await h.deps.jobs.addJob(TASK.syncRecords, { firmId, source: 'clio', kind: 'contact', ids: ['1'], reason: 'manual' }, syncRecordsJobSpec(firmId));
    const caFirmId = (await h.deps.sessions.verify(sessions.caAdmin)).firmId;
    await h.deps.jobs.addJob(TASK.syncRecords, { firmId: caFirmId, source: 'clio', kind: 'contact', ids: ['1'], reason: 'manual' }, syncRecordsJobSpec(caFirmId));
    const tokens = await Promise.all([admin().id, clerk().id].map(async (id) => storedTokens(h, (await connectionOf(id))!.id)));
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');

    expect((await api(sessions.admin, 'DELETE')).status).toBe(204);

    const calls = (await control(h.clio.us.url, '/requests', undefined, 'GET')).data as { method: string; path: string; status: number }[];
    expect(calls.filter((c) => c.method === 'DELETE' && c.path.startsWith('/api/v4/webhooks/') && c.status === 204)).toHaveLength(WEBHOOK_MODELS.length);
    expect(calls.filter((c) => c.path === '/oauth/deauthorize' && c.status === 200)).toHaveLength(2);
    // Only the webhooks we held: the revoked admin's old ones could not be deleted with a dead token.
    expect(
      emu()
        .state.webhooks.all()
        .filter((w) => w.user_id === clerk().id),
    ).toEqual([]);
    for (const t of tokens) {
      const probe = await fetch(`${h.clio.us.url}/api/v4/users/who_am_i.json`, { headers: { authorization: `Bearer ${t.access}` } });
      expect(probe.status).toBe(401);
    }
    expect(await h.t.db.selectFrom('connections').select('id').where('firm_id', '=', firmId).execute()).toEqual([]);
    expect(await h.t.db.selectFrom('clio_webhooks').select('id').where('firm_id', '=', firmId).execute()).toEqual([]);
    const firm = await h.t.db.selectFrom('firms').select('status').where('id', '=', firmId).executeTakeFirstOrThrow();
    expect(firm.status).toBe('uninstalled');
    // The UI's open session ends at its next renewal, though the user row is still there.
    expect(await h.t.db.selectFrom('users').select('id').where('firm_id', '=', firmId).execute()).not.toEqual([]);
    const renewed = await fetch(`${h.url}/api/session/renew`, { method: 'POST', headers: { authorization: `Bearer ${sessions.admin}` } });
    expect(renewed.status).toBe(401);
    const queues = (await h.jobs()).map((j) => j.queue_name);
    expect(queues).not.toContain(`firm:${firmId}`);
    expect(queues).toContain(`firm:${caFirmId}`);
    // The other firm is untouched.
    expect(await (await api(sessions.caAdmin, 'GET')).json()).toMatchObject({ connected: true, region: 'ca' });
  });

  it('a webhook left behind at Clio gets 410 Gone, which makes Clio disable it', async () => {
    const leftover = emu().state.webhooks.all()[0]!;
    expect(leftover.user_id).toBe(admin().id);
    const res = await fetch(leftover.url, { method: 'POST', body: '{}', headers: { 'X-Hook-Signature': 'a'.repeat(64) } });
    expect(res.status).toBe(410);
  });

  it("the uninstalled firm's old session can neither repeat the disconnect nor read the connection", async () => {
    expect((await api(sessions.admin, 'DELETE')).status).toBe(401);
    expect((await api(sessions.admin, 'GET')).status).toBe(401);
  });

  it('a deauthorization of the last user uninstalls the firm', async () => {
    const caFirmId = (await h.deps.sessions.verify(sessions.caAdmin)).firmId;
    const conn = await h.t.db.selectFrom('connections').select('id').where('firm_id', '=', caFirmId).executeTakeFirstOrThrow();
    const caUser = await h.t.db.selectFrom('users').select('clio_user_id').where('firm_id', '=', caFirmId).executeTakeFirstOrThrow();
    await control(h.clio.ca.url, '/tokens/revoke', { access_token: (await storedTokens(h, conn.id)).access });
    forgetDeauthorizationProbes(h.deps); // the replay above probed this grant too (same client id and user id)
    expect((await deauthorize({ client_id: 'sandbox', user_id: caUser.clio_user_id })).status).toBe(204);
    const firm = await h.t.db.selectFrom('firms').select('status').where('id', '=', caFirmId).executeTakeFirstOrThrow();
    expect(firm.status).toBe('uninstalled');
    expect((await h.jobs()).map((j) => j.queue_name)).not.toContain(`firm:${caFirmId}`);
  });

  it('logs no token', async () => {
    const log = h.logs.join('\n');
    expect(log).not.toMatch(/"(access|refresh)_token":"[^[]/);
    expect(log).not.toMatch(/Bearer [0-9a-f]{16}/);
  });
});
