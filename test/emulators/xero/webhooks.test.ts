import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { expectValid } from '../../support/openapi';
import { contactId, createInvoice, setup, webhooksSpec } from './harness';
import { SEED_TENANTS } from './index';
import type { WebhookPayload } from './webhooks';

const KEY = 'sandbox-webhook-key';

interface Received {
  body: string;
  signature: string | undefined;
}

/** A tiny receiver on 127.0.0.1 that checks signatures itself, as the product must. */
async function receiver(answer: (valid: boolean, n: number) => number = (valid) => (valid ? 200 : 401)) {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers['x-xero-signature'] as string | undefined;
      const expected = Buffer.from(createHmac('sha256', KEY).update(raw).digest('base64'));
      const valid = signature !== undefined && expected.length === Buffer.byteLength(signature) && timingSafeEqual(expected, Buffer.from(signature));
      received.push({ body: raw.toString(), signature });
      res.statusCode = answer(valid, received.length);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/xero`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Spec disagrees: eventDateUtc is declared `date-time`, but the real service (and its own examples) send it without a zone. We follow the service. */
function expectWebhookSchema(payload: unknown) {
  const errors = webhooksSpec()
    .validateSchema('#/components/schemas/WebhookEvent', payload)
    .filter((e) => !/^\/events\/\d+\/eventDateUtc must match format "date-time"$/.test(e));
  expectValid(errors, 'webhook payload');
}

describe('webhooks', () => {
  it('sends signed, schema-valid event batches for API changes (contact, invoice, credit note)', async () => {
    const r = await receiver();
    cleanups.push(r.close);
    const h = setup({ webhookUrl: r.url });
    const jane = await contactId(h, 'Jane Citizen');
    await h.call('POST', `/Contacts/${jane}`, { body: { Contacts: [{ EmailAddress: 'jane2@example.com' }] } });
    const inv = await createInvoice(h, jane);
    await h.call('PUT', '/CreditNotes', {
      body: {
        CreditNotes: [
          { Type: 'ACCRECCREDIT', Contact: { ContactID: jane }, Date: '2026-11-23', LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 1, AccountCode: '280' }] },
        ],
      },
    });
    await h.emulator.webhooks.flush();

    expect(r.received).toHaveLength(1);
    const [delivery] = r.received;
    expect(delivery?.signature).toBe(
      createHmac('sha256', KEY)
        .update(delivery?.body ?? '')
        .digest('base64'),
    );
    const payload = JSON.parse(delivery?.body ?? '{}') as WebhookPayload;
    expectWebhookSchema(payload);
    expect(payload).toMatchObject({ firstEventSequence: 1, lastEventSequence: 3, entropy: expect.stringMatching(/^[A-Z]{20}$/) });
    expect(payload.events.map((e) => [e.eventCategory, e.eventType])).toEqual([
      ['CONTACT', 'UPDATE'],
      ['INVOICE', 'CREATE'],
      ['CREDITNOTE', 'CREATE'],
    ]);
    expect(payload.events[1]).toEqual({
      resourceUrl: `http://127.0.0.1:8789/api.xro/2.0/Invoices/${String(inv.InvoiceID)}`,
      resourceId: inv.InvoiceID,
      eventDateUtc: '2026-11-25T09:00:00.000',
      eventType: 'CREATE',
      eventCategory: 'INVOICE',
      tenantId: SEED_TENANTS.primary.tenantId,
      tenantType: 'ORGANISATION',
    });
    expect(payload.events[2]?.data).toEqual({ Type: 'ACCRECCREDIT', Status: 'DRAFT' });
    expectValid(
      webhooksSpec()
        .validateSchema('#/components/schemas/CreditNoteWebhookEvent', { ...payload, events: [payload.events[2]] })
        .filter((e) => !e.includes('eventDateUtc')),
      'credit note webhook',
    );
  });

  it('bookkeeper actions through the control API fire webhooks like real edits', async () => {
    const r = await receiver();
    cleanups.push(r.close);
    const h = setup();
    await h.control('PUT', '/webhooks', { url: r.url });
    const jane = await contactId(h, 'Jane Citizen');
    const inv = await createInvoice(h, jane);
    await h.emulator.webhooks.flush();
    const t = SEED_TENANTS.primary.tenantId;
    expect((await h.control('POST', `/tenants/${t}/contacts`, { ContactID: jane, Name: 'Jane Citizen-Smith' })).status).toBe(200);
    const payment = await h.control('POST', `/tenants/${t}/payments`, {
      Invoice: { InvoiceID: inv.InvoiceID },
      Account: { Code: '090' },
      Date: '2026-11-24',
      Amount: 611.05,
    });
    expect(payment.body).toMatchObject({ Amount: 611.05 });
    await h.control('POST', `/tenants/${t}/payments/${String((payment.body as { PaymentID: string }).PaymentID)}/delete`);
    expect((await h.control('POST', `/tenants/${t}/invoices`, { InvoiceID: inv.InvoiceID, Status: 'VOIDED' })).status).toBe(200);
    expect((await h.control('POST', `/tenants/${t}/contacts`, { ContactID: jane, ContactStatus: 'ARCHIVED' })).status).toBe(200);
    expect((await h.control('POST', `/tenants/${t}/invoices`, { InvoiceID: inv.InvoiceID, Status: 'AUTHORISED' })).status).toBe(400);
    await h.control('POST', '/webhooks/flush');
    const events = r.received.slice(1).flatMap((d) => (JSON.parse(d.body) as WebhookPayload).events);
    expect(events.map((e) => `${e.eventCategory}:${e.eventType}`)).toEqual(['CONTACT:UPDATE', 'INVOICE:UPDATE', 'INVOICE:UPDATE', 'INVOICE:UPDATE', 'CONTACT:UPDATE']);
    expect(first(await h.call('GET', `/Invoices/${String(inv.InvoiceID)}`)).Status).toBe('VOIDED');
  });

  // developer.xero.com/documentation/webhooks/configuring-your-server: "we will continue retrying the
  // request, with decreasing frequency for up to 24 hours. After 24 hours the webhook will be disabled".
  it('retries a delivery that did not get 200 on the emulator clock, at widening intervals', async () => {
    const r = await receiver((_valid, n) => (n <= 3 ? 500 : 200));
    cleanups.push(r.close);
    const h = setup({ webhookUrl: r.url });
    await h.call('PUT', '/Contacts', { body: { Contacts: [{ Name: 'Retry Me' }] } });
    await h.emulator.webhooks.flush();
    expect(r.received).toHaveLength(1);
    h.clock.advance(59_000);
    await h.emulator.webhooks.flush();
    expect(r.received, 'nothing before the first retry is due').toHaveLength(1);
    for (const step of [1_000, 4 * 60_000, 10 * 60_000]) {
      h.clock.advance(step);
      await h.control('POST', '/webhooks/flush');
    }
    expect(r.received).toHaveLength(4);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    const deliveries = (await h.control('GET', '/webhooks/deliveries')).body as { delivered: boolean; attempts: { at: number; status: number }[] }[];
    expect(deliveries[0]?.delivered).toBe(true);
    const first = deliveries[0]!.attempts[0]!.at;
    expect(deliveries[0]?.attempts.map((a) => [a.at - first, a.status])).toEqual([
      [0, 500],
      [60_000, 500],
      [5 * 60_000, 500],
      [15 * 60_000, 200],
    ]);
    expect((await h.control('GET', '/webhooks')).body).toMatchObject({ status: 'OK', disabledAt: null });
  });

  it('after 24 hours of failures disables the subscription: nothing is sent until an intent-to-receive passes', async () => {
    let failing = true;
    const r = await receiver((valid) => (!valid ? 401 : failing ? 503 : 200));
    cleanups.push(r.close);
    const h = setup({ webhookUrl: r.url });
    await h.call('PUT', '/Contacts', { body: { Contacts: [{ Name: 'Never Heard' }] } });
    await h.emulator.webhooks.flush();
    for (let hour = 0; hour < 23; hour++) {
      h.clock.advance(3_600_000);
      await h.emulator.webhooks.flush();
    }
    expect((await h.control('GET', '/webhooks')).body).toMatchObject({ status: 'OK' });
    h.clock.advance(3_600_000);
    await h.emulator.webhooks.flush();
    // Looked at hourly, the retries due within one hour collapse into one attempt.
    const deliveries = (await h.control('GET', '/webhooks/deliveries')).body as { attempts: { at: number }[] }[];
    const first = deliveries[0]!.attempts[0]!.at;
    expect(deliveries[0]!.attempts.map((a) => (a.at - first) / 3_600_000)).toEqual([0, 1, 2, 4, 8, 16, 24]);
    const attempts = r.received.length;
    expect((await h.control('GET', '/webhooks')).body).toEqual({ url: r.url, status: 'DISABLED', disabledAt: h.clock.now() });
    // Disabled (the token of the start has expired by now: a bookkeeper's edits instead): a new change is not sent, nor is anything retried, even once the receiver is healthy.
    failing = false;
    expect((await h.control('POST', `/tenants/${SEED_TENANTS.primary.tenantId}/contacts`, { Name: 'Also Unheard' })).status).toBe(200);
    h.clock.advance(48 * 3_600_000);
    await h.emulator.webhooks.flush();
    expect(r.received).toHaveLength(attempts);
    // Re-enabled through an intent-to-receive: changes are sent again.
    expect((await h.control('POST', '/webhooks/intent-to-receive')).body).toMatchObject({ status: 'OK' });
    expect((await h.control('GET', '/webhooks')).body).toMatchObject({ status: 'OK', disabledAt: null });
    expect((await h.control('POST', `/tenants/${SEED_TENANTS.primary.tenantId}/contacts`, { Name: 'Heard Again' })).status).toBe(200);
    await h.emulator.webhooks.flush();
    const last = JSON.parse(r.received.at(-1)!.body) as WebhookPayload;
    expect(last.events).toHaveLength(1);
    expect(r.received).toHaveLength(attempts + 3);
  });

  it('intent to receive: OK only when the receiver answers 200 to the good signature and 401 to the bad one', async () => {
    const good = await receiver();
    const lax = await receiver(() => 200);
    cleanups.push(good.close, lax.close);
    const h = setup();
    expect((await h.control('POST', '/webhooks/intent-to-receive')).status).toBe(409);
    await h.control('PUT', '/webhooks', { url: good.url });
    const ok = await h.control('POST', '/webhooks/intent-to-receive');
    expect(ok.body).toMatchObject({ status: 'OK', correctlySigned: 200, incorrectlySigned: 401 });
    expect(JSON.parse(good.received[0]?.body ?? '{}')).toEqual({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: expect.any(String) });
    await h.control('PUT', '/webhooks', { url: lax.url });
    await h.control('POST', '/webhooks/intent-to-receive');
    expect((await h.control('GET', '/webhooks/intent-to-receive')).body).toMatchObject({ status: 'FAILED', correctlySigned: 200, incorrectlySigned: 200 });
  });

  it('serves over real HTTP standalone', async () => {
    const h = setup();
    const server = serve({ fetch: h.emulator.app.fetch, port: 0, hostname: '127.0.0.1' });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api.xro/2.0/Organisation`, {
      headers: { authorization: `Bearer ${h.token.access_token}`, 'xero-tenant-id': SEED_TENANTS.primary.tenantId, accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { Organisations: { Name: string }[] }).Organisations[0]?.Name).toBe('Harbour Legal Pty Ltd');
  });
});

function first(r: { body: Record<string, unknown> }): Record<string, unknown> {
  return (r.body.Invoices as Record<string, unknown>[])[0] ?? {};
}
