import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClioHarness, control, manual, startClioHarness, accountOwner, plainClerk } from './harness';
import { sessionTokenFrom } from '../support/stack';

let h: ClioHarness;
let firmId: string;
beforeAll(async () => {
  h = await startClioHarness();
  const out = await h.install({ clioUserId: admin().id });
  firmId = (await h.deps.sessions.verify(sessionTokenFrom(out.location))).firmId;
  await h.install({ clioUserId: clerk().id });
});
afterAll(() => h?.stop());

const emu = () => h.clio.us.emulator;
const admin = () => accountOwner(h);
const clerk = () => plainClerk(h);
const contact = () => emu().state.contacts.all()[0]!;
const action = (userId: number, ui: string) =>
  emu()
    .state.customActions.all()
    .find((a) => a.user_id === userId && a.ui_reference === ui)!;

/** What Clio opens when `userId` clicks the contact page's action. */
async function click(userId = admin().id, ui = 'contacts/show', subjectId = contact().id): Promise<URL> {
  const { url } = await control(h.clio.us.url, `/custom_actions/${action(userId, ui).id}/click`, { subject_id: subjectId });
  return new URL(url);
}

async function expectRefused(url: URL | string, words: RegExp) {
  const before = (await h.jobs()).length;
  const res = await manual(url.toString());
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toContain('text/html');
  const body = await res.text();
  expect(body).toMatch(words);
  expect(body).not.toMatch(/at .*\.ts|Error:|#token=/);
  expect(await h.jobs()).toHaveLength(before);
}

describe('custom action clicks', () => {
  it('a verified click queues a manual sync of that record and opens its page with a session', async () => {
    const res = await manual((await click()).toString());
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/app/records/contact/${contact().id}#token=`));
    expect(await h.deps.sessions.verify(sessionTokenFrom(location))).toMatchObject({ firmId, isAdmin: true });
    const jobs = await h.jobs();
    expect(jobs.at(-1)).toEqual({
      task_identifier: 'sync_records',
      queue_name: `firm:${firmId}`,
      payload: { firmId, source: 'clio', kind: 'contact', ids: [String(contact().id)], reason: 'manual' },
    });
  });

  it("the session is the clicking user's: a clerk's click never opens an admin session", async () => {
    const res = await manual((await click(clerk().id)).toString());
    expect(res.status).toBe(302);
    const session = await h.deps.sessions.verify(sessionTokenFrom(res.headers.get('location')!));
    expect(session).toMatchObject({ firmId, isAdmin: false });
    const user = await h.t.db.selectFrom('users').select(['clio_user_id', 'is_admin']).where('id', '=', session.userId).executeTakeFirstOrThrow();
    expect({ clioUserId: Number(user.clio_user_id), isAdmin: user.is_admin }).toEqual({ clioUserId: clerk().id, isAdmin: false });
  });

  it('matter and activity pages queue their own kinds', async () => {
    const matter = emu().state.matters.all()[0]!;
    const activity = emu().state.activities.all()[0]!;
    expect((await manual((await click(admin().id, 'matters/show', matter.id)).toString())).headers.get('location')).toMatch(`/app/records/matter/${matter.id}#`);
    expect((await manual((await click(admin().id, 'activities/show', activity.id)).toString())).headers.get('location')).toMatch(`/app/records/activity/${activity.id}#`);
    expect((await h.jobs()).slice(-2).map((j) => j.payload.kind)).toEqual(['matter', 'activity']);
  });

  it('a replayed click is refused', async () => {
    const url = await click();
    expect((await manual(url.toString())).status).toBe(302);
    await expectRefused(url, /expired, was already used/);
  });

  it('an expired nonce is refused', async () => {
    const url = await click();
    await control(h.clio.us.url, '/clock', { advance_ms: 61_000 });
    await expectRefused(url, /Clio did not confirm/);
  });

  it('a forged nonce is refused', async () => {
    const url = await click();
    url.searchParams.set('custom_action_nonce', 'f'.repeat(32));
    await expectRefused(url, /Clio did not confirm/);
  });

  it("another user's click cannot be passed off as mine", async () => {
    const url = await click(admin().id);
    url.searchParams.set('user_id', String(clerk().id));
    await expectRefused(url, /belongs to someone else/);
  });

  it('an unknown Clio user gets the same refusal as a bad nonce (nothing tells installed users apart)', async () => {
    const url = await click();
    url.searchParams.set('user_id', '987654321');
    await expectRefused(url, /Clio did not confirm this click.*not installed for your Clio user/);
  });

  it('a subject_url that is not a relative Clio record path is never fetched', async () => {
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');
    for (const subject of ['https://evil.example/api/v4/contacts/1', '/api/v4/bills/1', '/api/v4/contacts/1/../../users/who_am_i', '//evil.example/api/v4/contacts/1']) {
      const url = await click();
      url.searchParams.set('subject_url', subject);
      await expectRefused(url, /not a custom action from Clio/);
    }
    const calls = (await control(h.clio.us.url, '/requests', undefined, 'GET')).data as { path: string }[];
    expect(calls.filter((c) => !c.path.startsWith('/_emulator'))).toEqual([]);
  });

  it('a click without the parameters is refused', async () => {
    await expectRefused(`${h.url}/actions/clio`, /not a custom action from Clio/);
  });
});
