import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TENANTS, signWebhookBody } from '../emulators/xero/index';
import { connectedFirm, holdFirmQueue, queuedJobs, startXeroStack, type XeroStack } from './stack';

let stack: XeroStack;
let firmId: string;
beforeAll(async () => {
  stack = await startXeroStack();
  firmId = (await connectedFirm(stack)).firmId;
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
      { task: 'sync_records', payload: { firmId, source: 'xero', kind: 'contact', ids: [created.ContactID], reason: 'webhook' } },
    ]);

    // Xero delivers at least once: the same body again queues nothing new.
    const again = await post(delivery.body, delivery.signature);
    expect(again.status).toBe(200);
    expect(await jobs()).toHaveLength(1);
  });

  it('ignores events of organisations no firm has confirmed', async () => {
    const body = JSON.stringify({
      events: [{ resourceUrl: 'x', resourceId: 'c0ffee00-0000-4000-8000-000000000001', eventDateUtc: '2026-11-25T10:00:00.000', eventType: 'UPDATE', eventCategory: 'INVOICE', tenantId: SEED_TENANTS.secondary.tenantId, tenantType: 'ORGANISATION' }],
      firstEventSequence: 9, lastEventSequence: 9, entropy: 'x',
    });
    const before = (await queuedJobs(stack, firmId)).length;
    expect((await post(body, signWebhookBody(body, stack.config.xero.webhookKey))).status).toBe(200);
    expect(await queuedJobs(stack, firmId)).toHaveLength(before);
    const count = await stack.db.selectFrom('xero_webhook_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });
});
