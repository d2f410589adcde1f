import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_LIFETIME_DAYS, WEBHOOK_MODELS } from '../../server/clio/app-definition';
import { signClioWebhook, verifyClioWebhook } from '../../server/clio/webhook-signature';
import { renewClioWebhooks } from '../../server/clio/webhooks';
import { TASK } from '../../server/jobs/enqueue';
import { CRON, createTasks } from '../../server/jobs/tasks';
import { unwiredTaskDeps } from '../support/task-deps';
import { type ClioHarness, control, startClioHarness } from './harness';
import { sessionTokenFrom } from '../support/stack';

let h: ClioHarness;
let firmId: string;
beforeAll(async () => {
  h = await startClioHarness();
  const out = await h.install();
  firmId = (await h.deps.sessions.verify(sessionTokenFrom(out.location))).firmId;
});
afterAll(() => h?.stop());

const DAY = 86_400_000;
const emu = () => h.clio.us.emulator;
const hookFor = (model: string) =>
  emu()
    .state.webhooks.all()
    .find((w) => w.model === model)!;
const contactHook = () => hookFor('contact');
const activityHook = () => hookFor('activity');
const billHook = () => hookFor('bill');
const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
const syncJobs = async () => (await h.jobs()).filter((j) => j.task_identifier === 'sync_records');

/** The model's last delivery, replayed signed with `field` set to each value: each is refused as unreadable, and nothing is queued. */
async function expectRefusedWith(model: string, field: string, values: unknown[]): Promise<void> {
  const hook = hookFor(model);
  const delivery = emu()
    .deliveries()
    .findLast((d) => d.webhook_id === hook.id)!;
  const before = (await syncJobs()).length;
  for (const value of values) {
    const body = JSON.stringify({ ...JSON.parse(delivery.body), data: { ...JSON.parse(delivery.body).data, etag: `bad-${String(value)}`, [field]: value } });
    const res = await post(delivery.url, body, { 'X-Hook-Signature': signClioWebhook(hook.shared_secret, body) });
    expect(res.status, String(value)).toBe(400);
    expect((await res.json()).error.code).toBe('BAD_REQUEST');
  }
  expect(await syncJobs()).toHaveLength(before);
}

async function createContactInClio(lastName: string) {
  await control(h.clio.us.url, '/contacts', { type: 'Person', first_name: 'Ada', last_name: lastName });
  await emu().flushWebhooks();
}

describe('webhook signatures', () => {
  it('is lowercase hex HMAC-SHA256 of the raw body, compared strictly', () => {
    const sig = signClioWebhook('s3cret', '{"a":1}');
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyClioWebhook('s3cret', '{"a":1}', sig)).toBe(true);
    expect(verifyClioWebhook('s3cret', '{"a":1} ', sig)).toBe(false);
    expect(verifyClioWebhook('other', '{"a":1}', sig)).toBe(false);
    expect(verifyClioWebhook('s3cret', '{"a":1}', sig.toUpperCase())).toBe(false);
    expect(verifyClioWebhook('s3cret', '{"a":1}', undefined)).toBe(false);
  });

  it('refuses, without throwing, a good signature with anything before or after it', () => {
    const sig = signClioWebhook('s3cret', '{"a":1}');
    for (const padded of [`z${sig}`, `${sig}00`, ` ${sig}`, `${sig}\n`]) expect(verifyClioWebhook('s3cret', '{"a":1}', padded)).toBe(false);
  });
});

describe('clio webhooks', () => {
  it('the handshake was echoed and the secret stored sealed against the subscription', async () => {
    expect(emu().state.webhooks.all()).toHaveLength(WEBHOOK_MODELS.length);
    for (const hook of emu().state.webhooks.all()) {
      expect(hook.status).toBe('enabled');
      const id = hook.url.split('/').at(-1)!;
      const row = await h.t.db.selectFrom('clio_webhooks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.clio_webhook_id).toBe(String(hook.id));
      expect(row.secret_enc).not.toContain(hook.shared_secret);
      expect(h.deps.secrets.open(row.secret_enc!, `clio-webhook:${id}`)).toBe(hook.shared_secret);
    }
  });

  it('a signed delivery becomes one sync_records job for that record', async () => {
    await createContactInClio('Lovelace');
    const created = emu().state.contacts.all().at(-1)!;
    const delivery = emu()
      .deliveries()
      .find((d) => d.webhook_id === contactHook().id && d.body.includes(`"id":${created.id}`))!;
    expect(delivery.status).toBe(200);
    const jobs = await syncJobs();
    expect(jobs.filter((j) => (j.payload.ids as string[]).includes(String(created.id)))).toEqual([
      {
        task_identifier: 'sync_records',
        queue_name: `firm:${firmId}`,
        payload: { firmId, source: 'clio', kind: 'contact', ids: [String(created.id)], reason: 'webhook' },
      },
    ]);
  });

  it('a redelivered event is accepted and queues nothing new', async () => {
    const last = emu().deliveries().at(-1)!;
    const before = (await syncJobs()).length;
    const res = await post(last.url, last.body, { 'X-Hook-Signature': last.signature });
    expect(res.status).toBe(200);
    expect(await syncJobs()).toHaveLength(before);
  });

  it('each later change of the same record is a new event, though the event name repeats', async () => {
    const contact = emu().state.contacts.all().at(-1)!;
    const before = (await syncJobs()).length;
    await control(h.clio.us.url, `/contacts/${contact.id}`, { first_name: 'Augusta' }, 'PATCH');
    await emu().flushWebhooks();
    await control(h.clio.us.url, `/contacts/${contact.id}`, { first_name: 'Ada Augusta' }, 'PATCH');
    await emu().flushWebhooks();
    // Two "updated" deliveries for one record, told apart only by the record's etag.
    const updates = emu()
      .deliveries()
      .filter((d) => d.webhook_id === contactHook().id && d.body.includes(`"id":${contact.id}`) && d.body.includes('"updated"'));
    expect(updates).toHaveLength(2);
    expect(updates.map((d) => d.status)).toEqual([200, 200]);
    expect(new Set(updates.map((d) => JSON.parse(d.body).data.etag)).size).toBe(2);
    expect(await syncJobs()).toHaveLength(before + 2);
  });

  it('a wrong or missing signature gets 401 and queues nothing', async () => {
    const last = emu().deliveries().at(-1)!;
    const before = (await syncJobs()).length;
    const forged = last.body.replace(/"id":\d+/, '"id":424242');
    const wrong = await post(last.url, forged, { 'X-Hook-Signature': last.signature });
    expect(wrong.status).toBe(401);
    const signedWithOtherKey = await post(last.url, forged, { 'X-Hook-Signature': signClioWebhook('guess', forged) });
    expect(signedWithOtherKey.status).toBe(401);
    const missing = await post(last.url, forged);
    expect(missing.status).toBe(401);
    expect(await syncJobs()).toHaveLength(before);
  });

  it("an activity delivery carries the activity's type into its job", async () => {
    const matter = emu().state.matters.all()[0]!;
    const entry = (await control(h.clio.us.url, '/activities', { type: 'TimeEntry', quantity: 600, price: 200, matter: { id: matter.id } })).data;
    await emu().flushWebhooks();
    const jobs = (await syncJobs()).filter((j) => j.payload.kind === 'activity' && (j.payload.ids as string[]).includes(String(entry.id)));
    expect(jobs.map((j) => j.payload)).toEqual([
      { firmId, source: 'clio', kind: 'activity', ids: [String(entry.id)], reason: 'webhook', types: { [entry.id]: 'TimeEntry' } },
    ]);
  });

  it('an activity delivery naming a type Clio does not have is refused as unreadable, and queues nothing', async () => {
    await expectRefusedWith('activity', 'type', ['Invoice', 'timeentry', 7, null]);
  });

  it("a bill delivery carries the bill's state into its job", async () => {
    const matter = emu().state.matters.all()[0]!;
    const entry = (await control(h.clio.us.url, '/activities', { type: 'TimeEntry', quantity: 900, price: 200, matter: { id: matter.id } })).data;
    const bill = (await control(h.clio.us.url, '/bills', { activity_ids: [entry.id] })).data;
    await emu().flushWebhooks();
    const jobs = (await syncJobs()).filter((j) => j.payload.kind === 'bill' && (j.payload.ids as string[]).includes(String(bill.id)));
    expect(jobs.map((j) => j.payload)).toEqual([{ firmId, source: 'clio', kind: 'bill', ids: [String(bill.id)], reason: 'webhook', states: { [bill.id]: 'draft' } }]);
  });

  it('a bill delivery naming a state Clio does not have is refused as unreadable, and queues nothing', async () => {
    await expectRefusedWith('bill', 'state', ['approved', 'Draft', 3, null]);
  });

  it('an enabled webhook cannot be re-keyed by a second handshake', async () => {
    const hook = contactHook();
    const res = await post(hook.url, '{}', { 'X-Hook-Secret': 'attacker-chosen' });
    expect(res.status).toBe(401);
    const again = await post(hook.url, '{}', { 'X-Hook-Secret': hook.shared_secret });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-hook-secret')).toBe(hook.shared_secret);
  });

  it('an unknown subscription answers 410 so Clio stops; a malformed one 404', async () => {
    expect((await post(`${h.url}/webhooks/clio/00000000-0000-4000-8000-000000000000`, '{}', { 'X-Hook-Signature': 'a'.repeat(64) })).status).toBe(410);
    expect((await post(`${h.url}/webhooks/clio/not-a-uuid`, '{}')).status).toBe(404);
  });

  it('the renewal job extends only webhooks that lapse within a week', async () => {
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');
    expect(await renewClioWebhooks(h.deps)).toEqual({ renewed: 0, created: 0 });

    // Ones created before their model's fields grew (the activity's `type`, the bill's `state`) are brought up to date as they are extended.
    emu().state.webhooks.update(activityHook().id, { fields: 'id,etag,updated_at' });
    emu().state.webhooks.update(billHook().id, { fields: 'id,etag,updated_at' });
    const later = new Date(Date.now() + (WEBHOOK_LIFETIME_DAYS - 5) * DAY);
    await control(h.clio.us.url, '/clock', { now: later.toISOString() });
    expect(await renewClioWebhooks(h.deps, later)).toEqual({ renewed: WEBHOOK_MODELS.length, created: 0 });
    const calls = ((await control(h.clio.us.url, '/requests', undefined, 'GET')).data as { method: string; path: string; status: number }[]).filter(
      (r) => r.method === 'PATCH',
    );
    expect(calls.map((c) => c.path).sort()).toEqual(
      emu()
        .state.webhooks.all()
        .map((w) => `/api/v4/webhooks/${w.id}.json`)
        .sort(),
    );
    expect(calls).toHaveLength(WEBHOOK_MODELS.length);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    for (const hook of emu().state.webhooks.all()) {
      expect(Date.parse(hook.expires_at)).toBeGreaterThan(later.getTime() + 20 * DAY);
      expect(hook.fields, hook.model).toBe(WEBHOOK_MODELS.find((m) => m.model === hook.model)!.fields);
    }
  });

  it('the renewal job recreates a webhook that disappeared at Clio', async () => {
    const hook = contactHook();
    emu().state.webhooks.remove(hook.id);
    const now = emu().state.clock.now();
    await h.t.db.updateTable('clio_webhooks').set({ expires_at: now }).where('clio_webhook_id', '=', String(hook.id)).execute();
    expect(await renewClioWebhooks(h.deps, now)).toMatchObject({ created: 1 });
    await emu().flushWebhooks();
    expect(
      emu()
        .state.webhooks.all()
        .filter((w) => w.model === 'contact' && w.status === 'enabled'),
    ).toHaveLength(1);
  });

  it('runs hourly through the job runner', () => {
    expect(CRON.some((c) => c.task === TASK.renewClioWebhooks)).toBe(true);
    const tasks = createTasks({ db: h.t.db, logger: h.deps.logger, syncFirm: async () => {}, syncRecords: async () => {}, ...unwiredTaskDeps });
    expect(typeof tasks[TASK.renewClioWebhooks]).toBe('function');
  });
});
