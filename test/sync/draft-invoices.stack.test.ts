import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billTotals } from '../emulators/clio/bill-totals';
import { outstanding } from '../emulators/xero/documents';
import { startSyncStack, TENANT, type SyncStack } from './stack';

/**
 * Invoices created as drafts (the settings' default): Xero takes no payment or credit on a draft,
 * so those wait; the bookkeeper approves the invoice in Xero — with "sync bill updates from Xero"
 * off, nothing tells us — and what waited follows on the next sweep.
 */
let s: SyncStack;
const clio = async (method: string, path: string, body?: unknown) => {
  const res = await s.stack.control('clio', method, path, body);
  return res?.data ?? res;
};
const xero = (method: string, path: string, body?: unknown) => s.stack.control('xero', method, `/tenants/${TENANT}${path}`, body);

beforeAll(async () => {
  s = await startSyncStack({ settings: (day) => ({ invoiceStatus: 'DRAFT', billDateFrom: day, syncFromXero: false }) });
  await s.settled('the first sync');
}, 120_000);
afterAll(() => s?.stack.stop());

describe('invoices sent as drafts', { timeout: 120_000 }, () => {
  it('a payment and a credit wait while the invoice is a draft, and follow once the bookkeeper approves it in Xero', async () => {
    const contact = await clio('POST', '/contacts', { type: 'Company', name: 'Draft First Pty Ltd' });
    const matter = await clio('POST', '/matters', { client_id: contact.id, description: 'Lease review' });
    const entry = await clio('POST', '/activities', { type: 'TimeEntry', quantity: 3600, price: 400, matter: { id: matter.id }, tax_setting: 'tax_1_only' });
    const b = await clio('POST', '/bills', { activity_ids: [entry.id], issued_at: s.today });
    await clio('POST', `/bills/${b.id}/approve`);
    await s.settled();
    const [invoice] = s.invoiceByNumber(b.number);
    expect(invoice?.Status).toBe('DRAFT');

    await clio('POST', `/bills/${b.id}/payments`, { amount: 100 });
    await clio('POST', `/bills/${b.id}/credit_memos`, { amount: 25, description: 'Courtesy' });
    await s.settled();
    const payments = () => [...s.tenant().payments.values()].filter((p) => p.InvoiceID === invoice!.id && p.Status !== 'DELETED');
    const credits = () => [...s.tenant().allocations.values()].filter((a) => a.InvoiceID === invoice!.id && !a.IsDeleted);
    expect(payments()).toEqual([]);
    expect(credits()).toEqual([]);
    expect((await s.links('payment_allocation')).map((l) => [l.state, l.error_message])).toEqual([['pending', 'waits for its invoice to be approved in Xero']]);

    // The bookkeeper approves it in Xero; no webhook reaches the sync for it.
    const approved = await xero('POST', '/invoices', { InvoiceID: invoice!.id, Status: 'AUTHORISED' });
    expect(approved.Status ?? approved.Invoices?.[0]?.Status).toBe('AUTHORISED');
    await s.scheduledSweep();
    expect(payments().map((p) => p.Amount)).toEqual([100]);
    expect(credits().map((a) => a.Amount)).toEqual([25]);
    const total = billTotals(s.clio(), s.clio().bills.require(b.id)).total;
    expect(outstanding(s.tenant(), s.tenant().invoices.get(invoice!.id)!)).toBe(Math.round((total - 125) * 100) / 100);
    // Nothing waits any more, so the next sweep sends nothing again.
    await s.scheduledSweep();
    expect(payments()).toHaveLength(1);
    expect(credits()).toHaveLength(1);
  });
});
