import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from './api-env';
import { createManualClock } from './dates';
import { contactId, first, invoiceInput, setup } from './harness';
import { SEED_TENANTS } from './index';
import { LIMITS, RateLimiter } from './rate-limit';
import type { Tenant } from './store';

describe('idempotency', () => {
  it('same key + same request within 6 minutes replays without acting; another body is a 400; later it is new', async () => {
    const h = setup();
    const jane = await contactId(h, 'Jane Citizen');
    const body = { Invoices: [invoiceInput(jane)] };
    const headers = { 'Idempotency-Key': 'bill-123-v1' };
    const a = await h.call('PUT', '/Invoices', { body, headers });
    const b = await h.call('PUT', '/Invoices', { body, headers });
    expect(b.status).toBe(200);
    expect(first(b, 'Invoices').InvoiceID).toBe(first(a, 'Invoices').InvoiceID);
    expect((await h.call('GET', '/Invoices')).body.Invoices).toHaveLength(1);
    const other = await h.call('PUT', '/Invoices', { body: { Invoices: [invoiceInput(jane, { Reference: 'x' })] }, headers });
    expect(other.status).toBe(400);
    expect((await h.call('GET', '/Invoices')).body.Invoices).toHaveLength(1);
    h.clock.advance(6 * 60_000);
    await h.call('PUT', '/Invoices', { body, headers });
    expect((await h.call('GET', '/Invoices')).body.Invoices).toHaveLength(2);
  });

  it('refuses keys longer than 128 characters', async () => {
    const h = setup();
    const r = await h.call('PUT', '/Contacts', { body: { Contacts: [{ Name: 'K' }] }, headers: { 'Idempotency-Key': 'k'.repeat(129) } });
    expect(r.status).toBe(400);
  });
});

describe('rate limits through the API', () => {
  it('counts down X-MinLimit/X-DayLimit/X-AppMinLimit-Remaining and answers 429 with Retry-After after 60 a minute', async () => {
    const h = setup();
    const r1 = await h.call('GET', '/Organisation');
    expect([r1.headers.get('X-MinLimit-Remaining'), r1.headers.get('X-DayLimit-Remaining'), r1.headers.get('X-AppMinLimit-Remaining')]).toEqual(['59', '4999', '9999']);
    for (let i = 0; i < 59; i++) await h.call('GET', '/Organisation');
    h.clock.advance(15_000);
    const limited = await h.call('GET', '/Organisation');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('X-Rate-Limit-Problem')).toBe('minute');
    expect(limited.headers.get('Retry-After')).toBe('45');
    // Limits are per tenant: the other organisation still has its minute.
    expect((await h.call('GET', '/Organisation', { tenantId: SEED_TENANTS.secondary.tenantId })).status).toBe(200);
    h.clock.advance(45_000);
    expect((await h.call('GET', '/Organisation')).status).toBe(200);
    await h.control('POST', '/rate-limits/reset');
    expect((await h.call('GET', '/Organisation')).headers.get('X-MinLimit-Remaining')).toBe('59');
  });

  it('timeScale shrinks the windows but keeps the limits', async () => {
    const h = setup({ timeScale: 0.01 });
    for (let i = 0; i < 60; i++) await h.call('GET', '/Organisation');
    expect((await h.call('GET', '/Organisation')).status).toBe(429);
    h.clock.advance(600);
    expect((await h.call('GET', '/Organisation')).status).toBe(200);
  });
});

describe('rate limiter', () => {
  const tenant = { organisation: { OrganisationID: 't1' } } as Tenant;
  function limitedApp(timeScale = 1) {
    const clock = createManualClock(0);
    const limiter = new RateLimiter(clock, timeScale);
    const gates: (() => void)[] = [];
    const app = new Hono<ApiEnv>();
    app.use(
      '*',
      async (c, next) => {
        c.set('tenant', tenant);
        await next();
      },
      limiter.middleware(),
    );
    app.get('/slow', async (c) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      return c.text('ok');
    });
    app.get('/fast', (c) => c.text('ok'));
    return { app, clock, gates, limiter };
  }

  it('allows 5 calls in flight per tenant and refuses the sixth with X-Rate-Limit-Problem: concurrent', async () => {
    const { app, gates } = limitedApp();
    const slow = Array.from({ length: LIMITS.concurrent }, () => app.request('/slow'));
    await new Promise((resolve) => setImmediate(resolve));
    const sixth = await app.request('/fast');
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('X-Rate-Limit-Problem')).toBe('concurrent');
    gates.forEach((open) => open());
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await app.request('/fast')).status).toBe(200);
  });

  it('enforces the daily limit with a day-long Retry-After', async () => {
    const { app, clock } = limitedApp();
    for (let i = 0; i < LIMITS.day; i++) {
      if (i % LIMITS.minute === 0) clock.advance(60_000);
      expect((await app.request('/fast')).status).toBe(200);
    }
    clock.advance(60_000);
    const refused = await app.request('/fast');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('X-Rate-Limit-Problem')).toBe('day');
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(3600);
    expect(refused.headers.get('X-DayLimit-Remaining')).toBe('0');
  });

  it('cannot be switched off', () => {
    expect(() => new RateLimiter(createManualClock(0), 0)).toThrow();
  });
});

describe('fault injection and request log', () => {
  it('fails the next N matching calls with the chosen status, by prefix or regex and method', async () => {
    const h = setup({ faultHangMs: 20 });
    await h.control('POST', '/faults', { kind: '503', pathPrefix: '/api.xro/2.0/Contacts', method: 'GET', count: 2 });
    expect((await h.call('GET', '/Contacts')).status).toBe(503);
    expect((await h.call('GET', '/Organisation')).status).toBe(200);
    expect((await h.call('PUT', '/Contacts', { body: { Contacts: [{ Name: 'Fault Free' }] } })).status).toBe(200);
    expect((await h.call('GET', '/Contacts')).status).toBe(503);
    expect((await h.call('GET', '/Contacts')).status).toBe(200);

    await h.control('POST', '/faults', { kind: '500', pathRegex: '^/api\\.xro/2\\.0/Invoices/[^/]+$' });
    await h.control('POST', '/faults', { kind: '429', pathPrefix: '/connect/token' });
    await h.control('POST', '/faults', { kind: 'timeout', pathPrefix: '/api.xro/2.0/TaxRates' });
    expect((await h.call('GET', '/Invoices')).status).toBe(200);
    const err = await h.call('GET', '/Invoices/abc');
    expect(err.status).toBe(500);
    const token = await h.emulator.app.request('/connect/token', { method: 'POST' });
    expect([token.status, token.headers.get('Retry-After')]).toEqual([429, '1']);
    expect((await h.call('GET', '/TaxRates')).status).toBe(504);
    expect((await h.control('GET', '/faults')).body).toEqual([]);
    expect((await h.control('POST', '/faults', { kind: '418' })).status).toBe(400);
  });

  it('answers a 401 fault in either of Xero’s expired-token shapes', async () => {
    const h = setup();
    await h.control('POST', '/faults', { kind: '401', pathPrefix: '/api.xro/2.0/Organisation' });
    await h.control('POST', '/faults', { kind: '401', shape: 'oauth_problem', pathPrefix: '/api.xro/2.0/Organisation' });
    const json = await h.call('GET', '/Organisation');
    expect(json.status).toBe(401);
    expect(json.body).toMatchObject({ Title: 'Unauthorized', Status: 401, Detail: expect.stringMatching(/^TokenExpired: /) });
    // xero-api.md §3 error shapes: "401 … body is form-encoded `oauth_problem=…`".
    const form = await h.call('GET', '/Organisation');
    expect(form.status).toBe(401);
    expect(form.headers.get('content-type')).toMatch(/application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(form.text))).toMatchObject({ oauth_problem: 'token_expired', oauth_problem_advice: expect.any(String) });
    expect((await h.call('GET', '/Organisation')).status).toBe(200);
    expect((await h.control('POST', '/faults', { kind: '500', shape: 'oauth_problem' })).status).toBe(400);
    expect((await h.control('POST', '/faults', { kind: '401', shape: 'xml' })).status).toBe(400);
  });

  it('logs method, path, query, headers (with Idempotency-Key), body and status', async () => {
    const h = setup();
    await h.call('PUT', '/Contacts?summarizeErrors=false', { body: { Contacts: [{ Name: 'Logged' }] }, headers: { 'Idempotency-Key': 'log-1' } });
    const log = (await h.control('GET', '/requests?pathPrefix=/api.xro/2.0/Contacts')).body as Record<string, unknown>[];
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      method: 'PUT',
      path: '/api.xro/2.0/Contacts',
      query: { summarizeErrors: 'false' },
      body: { Contacts: [{ Name: 'Logged' }] },
      status: 200,
    });
    expect((log[0]?.headers as Record<string, string>)['idempotency-key']).toBe('log-1');
    await h.control('DELETE', '/requests');
    expect((await h.control('GET', '/requests')).body).toEqual([]);
  });

  it('reset restores the seed and seed scales it', async () => {
    const h = setup();
    await h.call('PUT', '/Contacts', { body: { Contacts: [{ Name: 'Temporary' }] } });
    await h.control('POST', '/seed', { scale: 2 });
    const tenants = (await h.control('GET', '/tenants')).body as { name: string; contacts: number; invoices: number }[];
    expect(tenants.map((t) => [t.name, t.contacts, t.invoices])).toEqual([
      ['Harbour Legal Pty Ltd', 46, 20],
      ['Riverside Law Group Pty Ltd', 1, 0],
    ]);
    await h.control('POST', '/reset');
    expect(((await h.control('GET', '/tenants')).body as { contacts: number }[])[0]?.contacts).toBe(6);
  });
});
