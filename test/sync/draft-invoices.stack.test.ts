import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billTotals } from '../emulators/clio/bill-totals';
import { outstanding } from '../emulators/xero/documents';
import { eventually } from '../support/eventually';
import { startSyncStack, type SyncStack } from './stack';

/**
 * Invoices created as drafts (a choice in the settings): Xero takes no payment or credit on a draft,
 * so those wait; the bookkeeper approves the invoice in Xero — with "sync bill updates from Xero"
 * off, nothing tells us — and what waited follows on the next sweep.
 */
let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack({ settings: (day) => ({ invoiceStatus: 'DRAFT', billDateFrom: day, syncFromXero: false }) });
  await s.settled('the first sync');
}, 120_000);

/** An approved bill of one hour, synced: its invoice is a draft in Xero. */
async function draftInvoice(name: string) {
  const contact = await s.clioControl('POST', '/contacts', { type: 'Company', name });
  const matter = await s.clioControl('POST', '/matters', { client_id: contact.id, description: 'Lease review' });
  const entry = await s.clioControl('POST', '/activities', { type: 'TimeEntry', quantity: 3600, price: 400, matter: { id: matter.id }, tax_setting: 'tax_1_only' });
  const bill = await s.clioControl('POST', '/bills', { activity_ids: [entry.id], issued_at: s.today });
  await s.clioControl('POST', `/bills/${bill.id}/approve`);
  await s.settled();
  const [invoice] = s.invoiceByNumber(bill.number);
  expect(invoice?.Status).toBe('DRAFT');
  return { bill, invoice: invoice! };
}
const paymentsOn = (invoiceId: string) => [...s.tenant().payments.values()].filter((p) => p.InvoiceID === invoiceId && p.Status !== 'DELETED');
const approveInXero = async (invoiceId: string) => {
  const approved = await s.xeroControl('POST', '/invoices', { InvoiceID: invoiceId, Status: 'AUTHORISED' });
  expect(approved.Status ?? approved.Invoices?.[0]?.Status).toBe('AUTHORISED');
};
afterAll(() => s?.stack.stop());

describe('invoices sent as drafts', { timeout: 120_000 }, () => {
  it('a payment and a credit wait while the invoice is a draft, and follow on the next sweep once the bookkeeper approves it in Xero', async () => {
    const { bill: b, invoice } = await draftInvoice('Draft First Pty Ltd');
    await s.clioControl('POST', `/bills/${b.id}/payments`, { amount: 100 });
    await s.clioControl('POST', `/bills/${b.id}/credit_memos`, { amount: 25, description: 'Courtesy' });
    await s.settled();
    const payments = () => paymentsOn(invoice.id);
    const credits = () => [...s.tenant().allocations.values()].filter((a) => a.InvoiceID === invoice.id && !a.IsDeleted);
    expect(payments()).toEqual([]);
    expect(credits()).toEqual([]);
    // Each waiting item says which invoice it waits on, by the number the bookkeeper sees in Xero.
    const why = `waits until invoice ${b.number} is approved in Xero`;
    expect((await s.links('payment_allocation')).map((l) => [l.state, l.error_message])).toEqual([['pending', why]]);
    expect((await s.links('credit_memo')).map((l) => [l.state, l.error_message])).toEqual([['pending', why]]);
    // The Status tab says it too, under the counts.
    const status = (await s.call('GET', '/api/sync/status')).body as { waiting: { kind: string; reason: string; count: number }[] };
    expect(status.waiting.filter((w) => w.reason === why)).toEqual([
      { kind: 'credit_memo', reason: why, count: 1 },
      { kind: 'payment_allocation', reason: why, count: 1 },
    ]);

    // The bookkeeper approves it in Xero, and its webhook is lost: the sweep finds what waits.
    await s.withoutXeroWebhooks(async () => {
      await approveInXero(invoice.id);
      await s.stack.xero.emulator.webhooks.flush();
      await s.settled();
      expect(payments()).toEqual([]);
    });
    await s.scheduledSweep();
    expect(payments().map((p) => p.Amount)).toEqual([100]);
    expect(credits().map((a) => a.Amount)).toEqual([25]);
    const total = billTotals(s.clio(), s.clio().bills.require(b.id)).total;
    expect(outstanding(s.tenant(), s.tenant().invoices.get(invoice.id)!)).toBe(Math.round((total - 125) * 100) / 100);
    // Nothing waits any more, so the next sweep sends nothing again.
    await s.scheduledSweep();
    expect(payments()).toHaveLength(1);
    expect(credits()).toHaveLength(1);
  });

  it('a payment waiting on a draft follows within seconds of the approval, by the invoice’s webhook', async () => {
    const { bill, invoice } = await draftInvoice('Quick Approver Pty Ltd');
    await s.clioControl('POST', `/bills/${bill.id}/payments`, { amount: 50 });
    await s.settled();
    expect(paymentsOn(invoice.id)).toEqual([]);
    await approveInXero(invoice.id);
    await s.stack.xero.emulator.webhooks.flush();
    await s.settled();
    expect(paymentsOn(invoice.id).map((p) => p.Amount)).toEqual([50]);
  });

  it('a backfill that creates a draft invoice and finds a payment on it does not read that invoice back; the next run looks once', async () => {
    const invoiceReads = () => s.stack.xero.emulator.requestLog.entries.filter((e) => e.method === 'GET' && e.path === '/api.xro/2.0/Invoices').length;
    // Issued yesterday, before the sync's start date: nothing syncs it until the backfill.
    const yesterday = new Date(Date.parse(s.today) - 86_400_000).toISOString().slice(0, 10);
    const contact = await s.clioControl('POST', '/contacts', { type: 'Company', name: 'Backfilled Draft Pty Ltd' });
    const matter = await s.clioControl('POST', '/matters', { client_id: contact.id, description: 'Conveyance' });
    const entry = await s.clioControl('POST', '/activities', { type: 'TimeEntry', quantity: 3600, price: 300, matter: { id: matter.id }, tax_setting: 'tax_1_only' });
    const bill = await s.clioControl('POST', '/bills', { activity_ids: [entry.id], issued_at: yesterday });
    await s.clioControl('POST', `/bills/${bill.id}/approve`);
    await s.clioControl('POST', `/bills/${bill.id}/payments`, { amount: 60 });
    await s.settled();
    expect(s.invoiceByNumber(bill.number)).toEqual([]);

    const before = invoiceReads();
    const ran = await s.lastSuccess();
    expect((await s.call('POST', '/api/sync/backfill', { from: yesterday, to: yesterday })).status).toBe(202);
    await eventually(async () => ((await s.lastSuccess()) ?? 0) > (ran ?? 0), 'the backfill to finish');
    await s.settled();
    const [invoice] = s.invoiceByNumber(bill.number);
    expect(invoice?.Status).toBe('DRAFT');
    expect(paymentsOn(invoice!.id)).toEqual([]);
    expect(invoiceReads()).toBe(before);
    // The next run looks again: the bookkeeper may have approved it since.
    await s.scheduledSweep();
    expect(invoiceReads()).toBe(before + 1);
  });
});
