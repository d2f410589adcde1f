import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { setup } from './harness';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny receiver on 127.0.0.1 whose answers the test scripts. */
async function receiver(answer: (r: Received) => { status: number; headers?: Record<string, string> }) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const r = { headers: req.headers, body };
      received.push(r);
      const { status, headers } = answer(r);
      res.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks/clio`;
  servers.push(server);
  return { url, received };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Echoes the handshake secret; answers deliveries with `status`. */
const echoing =
  (status = 200) =>
  (r: Received) =>
    r.headers['x-hook-secret'] ? { status: 200, headers: { 'X-Hook-Secret': String(r.headers['x-hook-secret']) } } : { status };

describe('webhooks', () => {
  it('enables on an echoed handshake, then delivers signed payloads with the chosen fields', async () => {
    const t = setup({ webhookRetryDelayMs: 1 });
    const hook = await receiver(echoing());
    const created = await t.call('POST', '/api/v4/webhooks.json?fields=id,status,shared_secret,expires_at,events', {
      data: { url: hook.url, model: 'contact', events: ['created', 'updated', 'deleted'], fields: 'id,name,etag' },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ status: 'pending', expires_at: '2026-11-28T10:00:00Z' });
    await t.emu.flushWebhooks();
    expect(hook.received[0]?.headers['x-hook-secret']).toBe(created.body.data.shared_secret);
    const shown = await t.call('GET', `/api/v4/webhooks/${created.body.data.id}.json?fields=status`);
    expect(shown.body.data.status).toBe('enabled');

    const contact = await t.control('POST', '/contacts', { type: 'Company', name: 'Hooked Ltd' });
    await t.call('PATCH', `/api/v4/contacts/${contact.body.data.id}.json`, { data: { name: 'Hooked Pty Ltd' } });
    await t.call('DELETE', `/api/v4/contacts/${contact.body.data.id}.json`);
    await t.emu.flushWebhooks();
    const deliveries = hook.received.slice(1);
    expect(deliveries.map((d) => JSON.parse(d.body).meta)).toEqual([
      { event: 'created', webhook_id: created.body.data.id },
      { event: 'updated', webhook_id: created.body.data.id },
      { event: 'deleted', webhook_id: created.body.data.id },
    ]);
    expect(JSON.parse(deliveries[1]?.body ?? '{}').data).toEqual({ id: contact.body.data.id, name: 'Hooked Pty Ltd', etag: expect.any(String) });
    for (const d of deliveries) {
      const expected = createHmac('sha256', created.body.data.shared_secret).update(d.body).digest('hex');
      expect(d.headers['x-hook-signature']).toBe(expected);
    }
  });

  it('stays pending without an echo until activated with the secret', async () => {
    const t = setup();
    const hook = await receiver(() => ({ status: 200 }));
    const created = await t.call('POST', '/api/v4/webhooks.json?fields=id,shared_secret', { data: { url: hook.url, model: 'bill', fields: 'id' } });
    await t.emu.flushWebhooks();
    const id = created.body.data.id;
    expect((await t.call('GET', `/api/v4/webhooks/${id}.json?fields=status`)).body.data.status).toBe('pending');
    const wrong = await t.emu.app.request(`/api/v4/webhooks/${id}/activate`, { method: 'PUT', headers: { authorization: `Bearer ${t.token}`, 'X-Hook-Secret': 'nope' } });
    expect(wrong.status).toBe(422);
    const ok = await t.emu.app.request(`/api/v4/webhooks/${id}/activate`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${t.token}`, 'X-Hook-Secret': created.body.data.shared_secret },
    });
    expect(ok.status).toBe(200);
    expect((await t.call('GET', `/api/v4/webhooks/${id}.json?fields=status`)).body.data.status).toBe('enabled');
  });

  it('fires updated only when a watched field changes, except the first time', async () => {
    const t = setup();
    const hook = await receiver(echoing());
    await t.call('POST', '/api/v4/webhooks.json', { data: { url: hook.url, model: 'bill', events: ['updated'], fields: 'id,memo' } });
    await t.emu.flushWebhooks();
    const bill = t.emu.state.bills.all().find((b) => b.state === 'draft');
    await t.call('PATCH', `/api/v4/bills/${bill?.id}.json`, { data: { subject: 'first change' } });
    await t.call('PATCH', `/api/v4/bills/${bill?.id}.json`, { data: { subject: 'unwatched change' } });
    await t.call('PATCH', `/api/v4/bills/${bill?.id}.json`, { data: { memo: 'watched change' } });
    await t.emu.flushWebhooks();
    expect(hook.received.slice(1).map((d) => JSON.parse(d.body).data.memo)).toEqual([null, 'watched change']);
  });

  it('fires for a fee earner in Clio: payments update bills and create Clio Payments payments', async () => {
    const t = setup();
    const hook = await receiver(echoing());
    await t.call('POST', '/api/v4/webhooks.json', { data: { url: hook.url, model: 'clio_payments_payment', events: ['created'], fields: 'id,amount,state' } });
    await t.call('POST', '/api/v4/webhooks.json', { data: { url: hook.url, model: 'bill', events: ['updated'], fields: 'id,state,balance' } });
    await t.emu.flushWebhooks();
    const bill = t.emu.state.bills.all().find((b) => b.state === 'awaiting_payment' && t.emu.state.allocations.where('bill_id', b.id).length === 0);
    const balance = (await t.call('GET', `/api/v4/bills/${bill?.id}.json?fields=balance`)).body.data.balance;
    const paid = await t.control('POST', `/bills/${bill?.id}/payments`, { amount: balance, method: 'clio_payments' });
    expect(paid.status).toBe(201);
    await t.emu.flushWebhooks();
    const bodies = hook.received.slice(2).map((d) => JSON.parse(d.body));
    expect(bodies).toContainEqual({ data: { id: paid.body.clio_payment.id, amount: balance, state: 'completed' }, meta: expect.objectContaining({ event: 'created' }) });
    expect(bodies).toContainEqual({ data: { id: bill?.id, state: 'paid', balance: 0 }, meta: expect.objectContaining({ event: 'updated' }) });
  });

  it('retries failures, and a 410 disables the webhook', async () => {
    const t = setup({ webhookRetries: 2, webhookRetryDelayMs: 1 });
    let answer = 500;
    const hook = await receiver((r) => (r.headers['x-hook-secret'] ? echoing()(r) : { status: answer }));
    const created = await t.call('POST', '/api/v4/webhooks.json?fields=id', { data: { url: hook.url, model: 'contact', fields: 'id' } });
    await t.emu.flushWebhooks();
    await t.control('POST', '/contacts', { type: 'Company', name: 'Retry Co' });
    await t.emu.flushWebhooks();
    expect(t.emu.deliveries()).toEqual([expect.objectContaining({ attempts: 3, status: 500, delivered: false })]);
    answer = 410;
    await t.control('POST', '/contacts', { type: 'Company', name: 'Gone Co' });
    await t.emu.flushWebhooks();
    expect((await t.call('GET', `/api/v4/webhooks/${created.body.data.id}.json?fields=status`)).body.data.status).toBe('suspended');
    await t.control('POST', '/contacts', { type: 'Company', name: 'Silent Co' });
    await t.emu.flushWebhooks();
    expect(t.emu.deliveries()).toHaveLength(2);
  });

  it('limits expiry to 31 days, refuses http to other hosts, bad fields and events, and stops after expiry', async () => {
    const t = setup();
    const hook = await receiver(echoing());
    const base = { url: hook.url, model: 'contact', fields: 'id' };
    expect((await t.call('POST', '/api/v4/webhooks.json', { data: { ...base, expires_at: '2026-12-27T10:00:00Z' } })).status).toBe(422);
    expect((await t.call('POST', '/api/v4/webhooks.json', { data: { ...base, url: 'http://example.com/hook' } })).status).toBe(422);
    expect((await t.call('POST', '/api/v4/webhooks.json', { data: { ...base, events: ['matter_opened'] } })).status).toBe(422);
    expect((await t.call('POST', '/api/v4/webhooks.json', { data: { ...base, fields: 'id,nope' } })).status).toBe(400);
    const ok = await t.call('POST', '/api/v4/webhooks.json?fields=id,expires_at', { data: { ...base, expires_at: '2026-12-26T10:00:00Z' } });
    expect(ok.body.data.expires_at).toBe('2026-12-26T10:00:00Z');
    const renewed = await t.call('PATCH', `/api/v4/webhooks/${ok.body.data.id}.json?fields=expires_at`, { data: { expires_at: '2026-12-20T00:00:00Z' } });
    expect(renewed.body.data.expires_at).toBe('2026-12-20T00:00:00Z');
    await t.emu.flushWebhooks();
    await t.control('POST', '/contacts', { type: 'Company', name: 'In Time Co' });
    await t.emu.flushWebhooks();
    expect(t.emu.deliveries()).toHaveLength(1);
    t.clock.set(new Date('2026-12-21T00:00:00Z'));
    await t.control('POST', '/contacts', { type: 'Company', name: 'Too Late Co' });
    await t.emu.flushWebhooks();
    expect(t.emu.deliveries()).toHaveLength(1);
    expect((await t.call('DELETE', `/api/v4/webhooks/${ok.body.data.id}.json`)).status).toBe(204);
  });
});
