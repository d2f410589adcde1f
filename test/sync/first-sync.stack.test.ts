import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../server/sync/runs';
import { billTotals } from '../emulators/clio/bill-totals';
import { startSyncStack, type SyncStack } from './stack';

/**
 * The first sync of a seeded firm (60 bills in every state, payments, credits, interest): saving
 * the settings starts it; what must hold afterwards is the Xero organisation's state.
 */
let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack({ settings: { invoiceStatus: 'AUTHORISED' } });
  await s.settled('the first sync');
}, 120_000);
afterAll(() => s?.stack.stop());

describe('first sync of a seeded firm', () => {
  it('every approved bill is exactly one invoice whose total equals Clio’s to the cent; no draft or void bill is', async () => {
    const reviewed = new Set(
      (await s.stack.db.selectFrom('contact_match_reviews').select('clio_contact_id').where('firm_id', '=', s.firmId).where('resolved_at', 'is', null).execute()).map(
        (r) => Number(r.clio_contact_id),
      ),
    );
    const bills = s.clio().bills.all();
    const approved = bills.filter((b) => b.state === 'awaiting_payment' || b.state === 'paid');
    const ready = approved.filter((b) => !reviewed.has(b.client_id));
    expect(ready.length).toBeGreaterThan(10);
    for (const bill of ready) {
      const found = s.invoiceByNumber(bill.number);
      expect(found, `bill ${bill.number}`).toHaveLength(1);
      expect(found[0]!.Total, `bill ${bill.number}`).toBe(billTotals(s.clio(), bill).total);
      expect(found[0]!.Status).toMatch(/^(AUTHORISED|PAID)$/);
    }
    for (const bill of bills.filter((b) => !approved.includes(b))) expect(s.invoiceByNumber(bill.number), `bill ${bill.number} (${bill.state})`).toHaveLength(0);
    expect(await s.errors()).toEqual([]);
  });

  it('after its bills, the first sync counts through its payments for the Status tab, every one it listed', async () => {
    // The bills' progress came first; the last the run wrote is of the payments, done.
    const payments = s
      .clio()
      .allocations.all()
      .filter((a) => a.parent_type === 'Payment');
    const sent = (await s.links('payment_allocation')).filter((l) => l.xero_id);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(payments.length);
    expect(await getRun(s.stack.db, s.firmId)).toMatchObject({ progress_kind: 'payment_allocation', progress_done: payments.length, progress_total: payments.length });
  });

  it('a bill whose client waits for the admin’s contact review waits too, and says why', async () => {
    const reviewed = new Set(
      (await s.stack.db.selectFrom('contact_match_reviews').select('clio_contact_id').where('firm_id', '=', s.firmId).where('resolved_at', 'is', null).execute()).map(
        (r) => Number(r.clio_contact_id),
      ),
    );
    const waiting = s
      .clio()
      .bills.all()
      .filter((b) => (b.state === 'awaiting_payment' || b.state === 'paid') && reviewed.has(b.client_id));
    expect(waiting.length).toBeGreaterThan(0);
    const links = await s.links('bill');
    for (const bill of waiting) {
      expect(s.invoiceByNumber(bill.number)).toHaveLength(0);
      expect(links.find((l) => l.clio_id === String(bill.id))).toMatchObject({ state: 'pending', error_message: 'waits for its client to reach Xero' });
    }
  });

  it('once the admin settles a contact review, that client’s waiting bills follow at once', async () => {
    const reviews = await s.call('GET', '/api/contacts/match-reviews');
    const review = reviews.body.reviews[0];
    const resolved = await s.call('POST', `/api/contacts/match-reviews/${review.id}`, { createNew: true });
    expect(resolved.status).toBe(200);
    await s.settled('the sync after the review');
    const waiting = s
      .clio()
      .bills.all()
      .filter((b) => (b.state === 'awaiting_payment' || b.state === 'paid') && String(b.client_id) === review.clioContactId);
    expect(waiting.length).toBeGreaterThan(0);
    for (const bill of waiting) expect(s.invoiceByNumber(bill.number), `bill ${bill.number}`).toHaveLength(1);
  });

  it('a second sweep changes nothing in Xero', async () => {
    const before = JSON.stringify(s.invoices().map((i) => [i.id, i.updatedAt]));
    await s.sweep();
    expect(JSON.stringify(s.invoices().map((i) => [i.id, i.updatedAt]))).toBe(before);
  });
});
