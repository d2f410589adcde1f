import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatEndsTheWait } from '../../server/status/waiting';
import { recordPushed, recordWaiting } from '../../server/sync/links';
import { expectEnvelope, PRODUCTION_ENV, uiApiHarness, type UiApiHarness } from '../ui-api/app-harness';

/** The Status tab's "Waiting" counts opened: each waiting record, why, and what ends the wait. */
let h: UiApiHarness;
beforeAll(async () => {
  h = await uiApiHarness(PRODUCTION_ENV);
});
afterAll(() => h?.stop());

describe('what ends a wait', () => {
  const bill = {
    kind: 'bill' as const,
    clioId: '31',
    xeroUrl: 'https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=x',
    clioUrl: 'https://app.clio.com/nc/#/bills/31',
  };
  // Every waiting reason the sync flows store (server/sync/flows), each with its own answer.
  it.each([
    ['waits for its invoice to be approved in Xero', /Approve the invoice in Xero/, bill.xeroUrl],
    ['waits until invoice 15 is approved in Xero', /Approve the invoice in Xero/, bill.xeroUrl],
    ['waits for an admin to review its match (Contacts to review)', /Settle the contact review/, '/app/settings#contact-reviews-title'],
    ['waits for its client to reach Xero', /contact reaches Xero/, null],
    ['waits for its vendor to reach Xero', /contact reaches Xero/, null],
    ['waits for its bill to reach Xero', /its bill reaches Xero/, bill.clioUrl],
    ['something new', /next sync/, null],
  ])('%s', (reason, text, url) => {
    const ends = whatEndsTheWait(reason, bill);
    expect(ends.text).toMatch(text);
    expect(ends.url).toBe(url);
  });
});

describe('GET /api/sync/waiting/:kind', () => {
  it('lists the kind’s waiting records, oldest first, each with why and a link to what ends the wait; one firm only', async () => {
    const a = await h.firmWithUser();
    const other = await h.firmWithUser();
    await recordPushed(h.db, a.firmId, 'bill', { clioId: '31', xeroId: 'c0ffee00-0000-4000-8000-000000000031', hash: 'h', snapshot: {} });
    await recordWaiting(h.db, a.firmId, 'payment_allocation', '501', 'waits for its invoice to be approved in Xero', '31');
    await recordWaiting(h.db, a.firmId, 'payment_allocation', '502', 'waits for its bill to reach Xero', '32');
    await recordWaiting(h.db, other.firmId, 'payment_allocation', '900', 'waits for its bill to reach Xero', '90');
    await recordPushed(h.db, a.firmId, 'payment_allocation', { clioId: '503', xeroId: 'c0ffee00-0000-4000-8000-000000000503', hash: 'h', snapshot: {} });

    const res = await h.call('GET', '/api/sync/waiting/payment_allocation', a.token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; records: { clioId: string; reason: string; ends: { text: string; url: string | null } }[] };
    expect(body.total).toBe(2);
    expect(body.records.map((r) => [r.clioId, r.reason, r.ends.url])).toEqual([
      ['501', 'waits for its invoice to be approved in Xero', 'https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=c0ffee00-0000-4000-8000-000000000031'],
      ['502', 'waits for its bill to reach Xero', 'https://app.clio.com/nc/#/bills/32'],
    ]);
    expect(body.records[0]!.ends.text).toMatch(/Approve the invoice in Xero/);

    const none = (await (await h.call('GET', '/api/sync/waiting/bill', a.token)).json()) as { total: number; records: unknown[] };
    expect(none).toMatchObject({ total: 0, records: [] });
    const refused = await h.call('GET', '/api/sync/waiting/links', a.token);
    expect(refused.status).toBe(404);
    expectEnvelope(await refused.json(), 'NOT_FOUND');
    const anonymous = await h.call('GET', '/api/sync/waiting/payment_allocation');
    expect(anonymous.status).toBe(401);
  });
});
