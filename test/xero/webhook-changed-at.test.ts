import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TENANTS, signWebhookBody } from '../emulators/xero/index';
import { connectedFirm, holdFirmQueue, queuedJobs, startXeroStack, type XeroStack } from './stack';

let stack: XeroStack;
let firmId: string;
beforeAll(async () => {
  stack = await startXeroStack();
  ({ firmId } = await connectedFirm(stack));
  await holdFirmQueue(stack, firmId);
});
afterAll(() => stack?.stop());

const event = (resourceId: string, eventDateUtc: string) => ({
  resourceId,
  eventDateUtc,
  eventType: 'UPDATE',
  eventCategory: 'CONTACT',
  tenantId: SEED_TENANTS.primary.tenantId,
  tenantType: 'ORGANISATION',
  resourceUrl: `https://api.xero.com/api.xro/2.0/Contacts/${resourceId}`,
});

describe('POST /webhooks/xero: the time each record changed', () => {
  // The job skips a change dated before our own last write to the record (its echo); were the
  // earlier of two changes kept, a real later change could be taken for an echo and missed.
  it('keeps the latest of several changes to one record in a delivery, whatever their order', async () => {
    const id = randomUUID();
    const body = JSON.stringify({
      events: [event(id, '2026-12-01T10:05:00.000'), event(id, '2026-12-01T10:00:00.000')],
      firstEventSequence: 1,
      lastEventSequence: 2,
      entropy: 'ZYXWVUTSRQPONMLKJIHG',
    });
    const res = await fetch(`${stack.baseUrl}/webhooks/xero`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-xero-signature': signWebhookBody(body, stack.config.xero.webhookKey) },
      body,
    });
    expect(res.status).toBe(200);
    const jobs = (await queuedJobs(stack, firmId)).filter((j) => j.task === 'sync_records');
    expect(jobs).toEqual([
      { task: 'sync_records', payload: { firmId, source: 'xero', kind: 'contact', ids: [id], reason: 'webhook', changedAt: { [id]: '2026-12-01T10:05:00.000' } } },
    ]);
  });
});
