import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncSettings } from '../../server/api-contract';
import { billTotals } from '../emulators/clio/bill-totals';
import { outstanding } from '../emulators/xero/documents';
import { startSyncStack, type SyncStack } from './stack';

/**
 * Credit notes reverse the tax of the bill they credit, and a fresh firm's invoices are approved.
 * The firm saves the settings a new firm starts with (as the settings page would, changing only the
 * accounts), so what is asserted is the product's default. Its bills mix a taxed time entry (GST
 * 10%, OUTPUT) and a GST-free expense (EXEMPTOUTPUT); a credit memo on one becomes a Xero credit
 * note whose lines, tax and allocation are read back from the Xero organisation.
 */
let s: SyncStack;
let defaults: { invoiceStatus: SyncSettings['invoiceStatus']; creditNoteTaxMode: SyncSettings['creditNoteTaxMode'] };

beforeAll(async () => {
  s = await startSyncStack({
    // The firm's settings row before anything is saved: what GET /api/settings shows a new firm.
    beforeSettings: async (stack) => {
      const row = await stack.db.selectFrom('settings').select(['invoice_status', 'credit_note_tax_mode']).executeTakeFirstOrThrow();
      defaults = { invoiceStatus: row.invoice_status, creditNoteTaxMode: row.credit_note_tax_mode };
    },
    settings: (day) => ({ ...defaults, billDateFrom: day }),
  });
  await s.settled('the first sync');
}, 120_000);
afterAll(() => s?.stack.stop());

/** An approved bill of 1,000.00 of time, taxed, and 200.00 of expense, untaxed: 1,300.00 with 100.00 GST. */
async function mixedBill(name: string) {
  const { matterId } = await s.newClient(name);
  const time = await s.clioControl('POST', '/activities', {
    type: 'TimeEntry',
    quantity: 3600,
    price: 1000,
    matter: { id: matterId },
    note: 'Advice',
    tax_setting: 'tax_1_only',
  });
  const expense = await s.clioControl('POST', '/activities', {
    type: 'ExpenseEntry',
    quantity: 1,
    price: 200,
    matter: { id: matterId },
    note: 'Court fee',
    tax_setting: 'no_tax',
  });
  const bill = await s.clioControl('POST', '/bills', { activity_ids: [time.id, expense.id], issued_at: s.today });
  await s.clioControl('POST', `/bills/${bill.id}/approve`);
  await s.settled();
  const [invoice] = s.invoiceByNumber(bill.number);
  expect(invoice, `invoice ${bill.number}`).toBeDefined();
  // The credit follows the invoice's own lines: check they are what this test reasons from.
  expect(invoice!.LineItems.map((l) => [l.TaxType, l.LineAmount, l.TaxAmount])).toEqual([
    ['OUTPUT', 1000, 100],
    ['EXEMPTOUTPUT', 200, 0],
  ]);
  expect(invoice!.Total).toBe(1300);
  return { bill: bill as { id: number; number: string }, invoiceId: invoice!.id };
}

const noteFor = (memoId: number) => {
  const found = [...s.tenant().creditNotes.values()].filter((n) => n.Number === `CLIO-CM-${memoId}`);
  expect(found, `credit notes numbered CLIO-CM-${memoId}`).toHaveLength(1);
  return found[0]!;
};
const linesOf = (note: ReturnType<typeof noteFor>) =>
  note.LineItems.map((l) => ({ TaxType: l.TaxType, LineAmount: l.LineAmount, TaxAmount: l.TaxAmount, AccountCode: l.AccountCode }));
const dueOn = (invoiceId: string) => outstanding(s.tenant(), s.tenant().invoices.get(invoiceId)!);
const allocationsOf = (noteId: string) =>
  [...s.tenant().allocations.values()].filter((a) => a.CreditNoteID === noteId && !a.IsDeleted).map((a) => [a.InvoiceID, a.Amount]);

describe('a new firm', { timeout: 120_000 }, () => {
  it('starts with approved invoices and credit notes taxed pro rata', () => {
    expect(defaults).toEqual({ invoiceStatus: 'AUTHORISED', creditNoteTaxMode: 'pro_rata' });
  });

  it('sends an approved bill as an AUTHORISED invoice, and a payment made in Clio lands on it without waiting', async () => {
    const { matterId } = await s.newClient('Paid Promptly Pty Ltd');
    const b = await s.newApprovedBill(matterId, 440);
    await s.settled();
    const [invoice] = s.invoiceByNumber(b.number);
    expect(invoice?.Status).toBe('AUTHORISED');
    const total = billTotals(s.clio(), s.clio().bills.require(b.id)).total;
    await s.clioControl('POST', `/bills/${b.id}/payments`, { amount: total });
    await s.settled();
    const payments = [...s.tenant().payments.values()].filter((p) => p.InvoiceID === invoice!.id && p.Status !== 'DELETED');
    expect(payments.map((p) => p.Amount)).toEqual([total]);
    expect(s.tenant().invoices.get(invoice!.id)!.Status).toBe('PAID');
    expect((await s.links('payment_allocation')).filter((l) => l.state === 'pending')).toEqual([]);
  });
});

describe('credit note tax', { timeout: 120_000 }, () => {
  it('pro rata: the credit is split over the bill’s taxed and untaxed amounts to the cent, Xero taking the tax out of each line', async () => {
    const { bill, invoiceId } = await mixedBill('Credit Tax Pty Ltd');
    const memo = await s.clioControl('POST', `/bills/${bill.id}/credit_memos`, { amount: 123.45, description: 'Reduced fee' });
    await s.settled();
    const note = noteFor(memo.id);
    // 123.45 × 1,100/1,300 = 104.4577 and × 200/1,300 = 18.9923: the odd cent goes to the larger remainder (.77).
    // Xero's tax on 104.46 inclusive at 10%: 104.46 / 11 = 9.4964 → 9.50.
    expect(note.LineAmountTypes).toBe('Inclusive');
    expect(linesOf(note)).toEqual([
      { TaxType: 'OUTPUT', LineAmount: 104.46, TaxAmount: 9.5, AccountCode: '280' },
      { TaxType: 'EXEMPTOUTPUT', LineAmount: 18.99, TaxAmount: 0, AccountCode: '280' },
    ]);
    expect([note.SubTotal, note.TotalTax, note.Total]).toEqual([113.95, 9.5, 123.45]);
    expect(note.Status).toBe('PAID');
    expect(allocationsOf(note.id)).toEqual([[invoiceId, 123.45]]);
    expect(dueOn(invoiceId)).toBe(1176.55);
    expect(billTotals(s.clio(), s.clio().bills.require(bill.id)).balance).toBe(1176.55);
  });

  it('untaxed (the firm’s choice): one NoTax line of the whole credit, no tax reversed', async () => {
    const current = (await s.call('GET', '/api/settings')).body.settings as SyncSettings;
    const saved = await s.call('PUT', '/api/settings', { ...current, creditNoteTaxMode: 'untaxed' });
    expect(saved.status).toBe(200);
    await s.settled();
    const { bill, invoiceId } = await mixedBill('Untaxed Credit Pty Ltd');
    const memo = await s.clioControl('POST', `/bills/${bill.id}/credit_memos`, { amount: 123.45, description: 'Goodwill' });
    await s.settled();
    const note = noteFor(memo.id);
    expect(note.LineAmountTypes).toBe('NoTax');
    expect(linesOf(note)).toEqual([{ TaxType: expect.any(String), LineAmount: 123.45, TaxAmount: 0, AccountCode: '280' }]);
    expect([note.SubTotal, note.TotalTax, note.Total]).toEqual([123.45, 0, 123.45]);
    expect(allocationsOf(note.id)).toEqual([[invoiceId, 123.45]]);
    expect(dueOn(invoiceId)).toBe(1176.55);
  });
});
