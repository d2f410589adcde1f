import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openXeroForFirm } from '../../server/xero/client';
import { SEED_TENANTS, signWebhookBody } from '../emulators/xero/index';
import { connectedFirm, holdFirmQueue, queuedJobs, startXeroStack, type XeroStack } from './stack';

let stack: XeroStack;
let firmId: string;
let adminToken: string;
beforeAll(async () => {
  stack = await startXeroStack();
  ({ firmId, token: adminToken } = await connectedFirm(stack));
  await stack.xero.control('PUT', '/webhooks', { url: `${stack.baseUrl}/webhooks/xero` });
  await holdFirmQueue(stack, firmId);
});
afterAll(() => stack?.stop());

const post = (body: string, signature?: string) =>
  fetch(`${stack.baseUrl}/webhooks/xero`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-xero-signature': signature }) },
    body,
  });

const itr = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: 'ABCDEFGHIJKLMNOPQRST' });

describe('POST /webhooks/xero', () => {
  it('passes the emulator’s intent-to-receive check', async () => {
    const result = await stack.xero.control('POST', '/webhooks/intent-to-receive');
    expect(result).toMatchObject({ status: 'OK', correctlySigned: 200, incorrectlySigned: 401 });
  });

  it('answers 200 with an empty body and no cookie when signed', async () => {
    const res = await post(itr, signWebhookBody(itr, stack.config.xero.webhookKey));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it.each([
    ['a wrong key', signWebhookBody(itr, 'not-the-key')],
    ['a signature of another body', signWebhookBody(`${itr} `, 'sandbox-webhook-key')],
    ['garbage', 'not base64 at all'],
    ['an empty header', ''],
    ['no header', undefined],
  ])('answers 401 with an empty body for %s', async (_label, signature) => {
    const res = await post(itr, signature);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('queues a record sync for a change made in Xero, and only once for a redelivery', async () => {
    const created = await stack.xero.control('POST', `/tenants/${SEED_TENANTS.primary.tenantId}/contacts`, { Name: 'Webhook Client Ltd' });
    await stack.xero.control('POST', '/webhooks/flush');
    const deliveries = await stack.xero.control('GET', '/webhooks/deliveries');
    const delivery = deliveries.at(-1);
    expect(delivery.attempts.at(-1).status).toBe(200);

    const jobs = () => queuedJobs(stack, firmId).then((j) => j.filter((x) => x.task === 'sync_records'));
    expect(await jobs()).toEqual([
      {
        task: 'sync_records',
        payload: { firmId, source: 'xero', kind: 'contact', ids: [created.ContactID], reason: 'webhook', changedAt: { [created.ContactID]: expect.any(String) } },
      },
    ]);

    // Xero delivers at least once: the same body again queues nothing new.
    const again = await post(delivery.body, delivery.signature);
    expect(again.status).toBe(200);
    expect(await jobs()).toHaveLength(1);
  });

  it('a second change of one record is queued again: the event date tells two updates apart', async () => {
    const xero = await openXeroForFirm({ config: stack.config, db: stack.db, secrets: stack.server.secrets, logger: stack.logger }, firmId);
    const created = await stack.xero.control('POST', `/tenants/${SEED_TENANTS.primary.tenantId}/contacts`, { Name: 'Twice Changed Ltd' });
    await stack.xero.control('POST', '/webhooks/flush');
    for (const firstName of ['Ann', 'Bea']) {
      await new Promise((r) => setTimeout(r, 5)); // event dates have millisecond resolution
      await xero.write(`twice-${firstName}`, (api, t, key) => api.updateContact(t, created.ContactID, { contacts: [{ contactID: created.ContactID, firstName }] }, key));
      await stack.xero.control('POST', '/webhooks/flush');
    }
    const updates = ((await stack.xero.control('GET', '/webhooks/events')) as Array<{ resourceId: string; eventType: string; eventDateUtc: string }>).filter(
      (e) => e.resourceId === created.ContactID && e.eventType === 'UPDATE',
    );
    expect(updates).toHaveLength(2);
    expect(updates[0]!.eventDateUtc).not.toBe(updates[1]!.eventDateUtc);
    const jobsFor = (await queuedJobs(stack, firmId)).filter((j) => j.task === 'sync_records' && (j.payload.ids as string[]).includes(created.ContactID));
    expect(jobsFor).toHaveLength(3); // created, updated, updated again
  });

  it('ignores events of organisations no firm has confirmed', async () => {
    const body = JSON.stringify({
      events: [
        {
          resourceUrl: 'x',
          resourceId: 'c0ffee00-0000-4000-8000-000000000001',
          eventDateUtc: '2026-11-25T10:00:00.000',
          eventType: 'UPDATE',
          eventCategory: 'INVOICE',
          tenantId: SEED_TENANTS.secondary.tenantId,
          tenantType: 'ORGANISATION',
        },
      ],
      firstEventSequence: 9,
      lastEventSequence: 9,
      entropy: 'x',
    });
    const dedupeRows = async () =>
      Number(
        (
          await stack.db
            .selectFrom('xero_webhook_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = { jobs: (await queuedJobs(stack, firmId)).length, rows: await dedupeRows() };
    expect(before.rows).toBeGreaterThan(0);
    expect((await post(body, signWebhookBody(body, stack.config.xero.webhookKey))).status).toBe(200);
    expect({ jobs: (await queuedJobs(stack, firmId)).length, rows: await dedupeRows() }).toEqual(before);
  });

  // Last: these take the firm's connection out of service.
  const eventFor = (resourceId: string) => {
    const body = JSON.stringify({
      events: [
        {
          resourceUrl: 'x',
          resourceId,
          eventDateUtc: '2026-11-25T11:00:00.000',
          eventType: 'UPDATE',
          eventCategory: 'CONTACT',
          tenantId: SEED_TENANTS.primary.tenantId,
          tenantType: 'ORGANISATION',
        },
      ],
      firstEventSequence: 20,
      lastEventSequence: 20,
      entropy: 'x',
    });
    return post(body, signWebhookBody(body, stack.config.xero.webhookKey));
  };
  const traces = async (resourceId: string) => ({
    jobs: (await queuedJobs(stack, firmId)).filter((j) => (j.payload.ids as string[] | undefined)?.includes(resourceId)).length,
    dedupeRows: (await stack.db.selectFrom('xero_webhook_events').select('event_key').where('firm_id', '=', firmId).execute()).length,
  });

  it('queues nothing for a connection that needs reconnecting', async () => {
    // Xero refuses the token twice: the client marks the connection needs_reconnect.
    await stack.xero.control('POST', '/faults', { kind: '401', shape: 'oauth_problem', pathPrefix: '/api.xro/2.0/Organisation', count: 2 });
    const xero = await openXeroForFirm({ config: stack.config, db: stack.db, secrets: stack.server.secrets, logger: stack.logger }, firmId);
    await expect(xero.getOrganisation()).rejects.toMatchObject({ name: 'XeroApiError', kind: 'token_expired' });
    expect((await stack.api(adminToken)('GET', '/api/xero/connection')).body).toMatchObject({ status: 'needs_reconnect' });

    const resourceId = 'c0ffee00-0000-4000-8000-00000000aa01';
    const before = await traces(resourceId);
    expect((await eventFor(resourceId)).status).toBe(200);
    expect(await traces(resourceId)).toEqual(before);
  });

  it('queues nothing for a firm that disconnected Xero', async () => {
    const gone = await stack.api(adminToken)('DELETE', '/api/xero/connection');
    expect(gone.body).toMatchObject({ status: 'not_connected' });
    const resourceId = 'c0ffee00-0000-4000-8000-00000000aa02';
    const before = await traces(resourceId);
    expect((await eventFor(resourceId)).status).toBe(200);
    expect(await traces(resourceId)).toEqual(before);
  });
});
