import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billTotals } from '../emulators/clio/bill-totals';
import { outstanding } from '../emulators/xero/documents';
import { startSyncStack, type SyncStack } from './stack';

/**
 * Bills in another currency than the firm's: the demo organisation has AUD and USD, so a matter
 * billed in US dollars becomes a USD invoice; a matter in euros is refused before any call, and
 * is sent once the bookkeeper enables EUR in Xero and retries. Payments and credit notes on a USD
 * invoice go in its currency at its rate (Xero's day rate moves from day to day: a payment left to
 * it would book a currency gain or loss Clio never had).
 */
let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack({ settings: (day) => ({ invoiceStatus: 'AUTHORISED', billDateFrom: day }) });
  await s.settled('the first sync');
}, 120_000);
afterAll(() => s?.stack.stop());

async function billIn(currency: string, name: string, price: number) {
  const { contactId } = await s.newClient(name);
  const matter = await s.clioControl('POST', '/matters', { client_id: contactId, description: `Advice in ${currency}`, currency });
  const b = await s.newApprovedBill(matter.id, price);
  await s.settled();
  return b;
}

const puts = <T>(path: string, key: string) =>
  s.stack.xero.emulator.requestLog.entries
    .filter((e) => e.method === 'PUT' && e.path === `/api.xro/2.0/${path}`)
    .flatMap((e) => ((e.body as Record<string, T[]>)[key] ?? []) as T[]);
const invoicePuts = () => puts<{ InvoiceNumber?: string }>('Invoices', 'Invoices');
const dayAfter = (day: string, n: number) => new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);

describe('currencies', () => {
  it('a bill on a USD matter becomes a USD invoice, line by line, with its amount due', async () => {
    const b = await billIn('USD', 'Pacific Freight Inc', 420);
    const [inv] = s.invoiceByNumber(b.number);
    const totals = billTotals(s.clio(), s.clio().bills.require(b.id));
    expect(inv).toMatchObject({ CurrencyCode: 'USD', Status: 'AUTHORISED', Total: totals.total, TotalTax: totals.total_tax });
    expect(outstanding(s.tenant(), inv!)).toBe(totals.total);
    expect(inv!.LineItems.map((l) => ({ LineAmount: l.LineAmount, AccountCode: l.AccountCode, Quantity: l.Quantity, UnitAmount: l.UnitAmount }))).toEqual([
      { LineAmount: 420, AccountCode: '200', Quantity: 1, UnitAmount: 420 },
    ]);
  });

  it('a bill in a currency the organisation lacks is XERO_CURRENCY_NOT_ENABLED and never sent; enabled in Xero and retried, it is sent', async () => {
    const b = await billIn('EUR', 'Rhein Logistik GmbH', 300);
    expect(s.invoiceByNumber(b.number)).toHaveLength(0);
    expect(invoicePuts().filter((i) => i.InvoiceNumber === b.number)).toHaveLength(0);
    const group = (await s.call('GET', '/api/sync/errors')).body.errors.find((e: { code: string }) => e.code === 'XERO_CURRENCY_NOT_ENABLED');
    expect(group).toMatchObject({ kind: 'bill', clioIds: [String(b.id)] });

    s.tenant().currencies.push({ Code: 'EUR', Description: 'Euro' });
    expect((await s.call('POST', `/api/sync/errors/${group.id}/retry`)).status).toBeLessThan(300);
    await s.settled();
    const sent = s.invoiceByNumber(b.number);
    expect(sent).toEqual([expect.objectContaining({ CurrencyCode: 'EUR', Total: 330, TotalTax: 30 })]);
    expect(outstanding(s.tenant(), sent[0]!)).toBe(330);
    expect((await s.call('GET', '/api/sync/errors')).body.errors.filter((e: { code: string }) => e.code === 'XERO_CURRENCY_NOT_ENABLED')).toEqual([]);
  });

  it('a payment in Clio on a USD bill goes at the invoice’s rate, two days later, and leaves nothing due', async () => {
    const b = await billIn('USD', 'Harbour Shipping LLC', 500);
    const [inv] = s.invoiceByNumber(b.number);
    expect(inv!.CurrencyRate).not.toBe(1);
    const total = billTotals(s.clio(), s.clio().bills.require(b.id)).total;
    await s.clioControl('POST', `/bills/${b.id}/payments`, { amount: total, date: dayAfter(s.today, 2) });
    await s.settled();
    const payments = [...s.tenant().payments.values()].filter((p) => p.InvoiceID === inv!.id && p.Status !== 'DELETED');
    expect(payments.map((p) => ({ Amount: p.Amount, CurrencyRate: p.CurrencyRate, Date: new Date(p.Date).toISOString().slice(0, 10) }))).toEqual([
      { Amount: total, CurrencyRate: inv!.CurrencyRate, Date: dayAfter(s.today, 2) },
    ]);
    const after = s.tenant().invoices.get(inv!.id)!;
    expect([after.Status, outstanding(s.tenant(), after), after.CurrencyCode]).toEqual(['PAID', 0, 'USD']);
  });

  it('a bill linked before links kept their invoice’s rate has it read from Xero once, and its payment goes at it', async () => {
    const b = await billIn('USD', 'Sierra Timber Corp', 300);
    const [inv] = s.invoiceByNumber(b.number);
    const link = () =>
      s.stack.db.selectFrom('links').selectAll().where('firm_id', '=', s.firmId).where('kind', '=', 'bill').where('clio_id', '=', String(b.id)).executeTakeFirstOrThrow();
    const { currency: _c, currencyRate: _r, ...older } = (await link()).base_snapshot as Record<string, unknown>;
    expect([_c, _r]).toEqual(['USD', inv!.CurrencyRate]);
    await s.stack.db
      .updateTable('links')
      .set({ base_snapshot: JSON.stringify(older) })
      .where('firm_id', '=', s.firmId)
      .where('kind', '=', 'bill')
      .where('clio_id', '=', String(b.id))
      .execute();

    await s.clioControl('POST', `/bills/${b.id}/payments`, { amount: 100, date: dayAfter(s.today, 3) });
    await s.settled();
    const payments = [...s.tenant().payments.values()].filter((p) => p.InvoiceID === inv!.id && p.Status !== 'DELETED');
    expect(payments.map((p) => [p.Amount, p.CurrencyRate])).toEqual([[100, inv!.CurrencyRate]]);
    expect((await link()).base_snapshot).toMatchObject({ currency: 'USD', currencyRate: inv!.CurrencyRate });
  });

  it('a credit memo on a USD bill is a USD credit note at the invoice’s rate, allocated to it', async () => {
    const b = await billIn('USD', 'Golden Gate Imports Inc', 800);
    const [inv] = s.invoiceByNumber(b.number);
    const memo = await s.clioControl('POST', `/bills/${b.id}/credit_memos`, { amount: 110, description: 'Reduced fee' });
    await s.settled();
    const notes = [...s.tenant().creditNotes.values()].filter((n) => n.Number === `CLIO-CM-${memo.id}`);
    expect(notes.map((n) => ({ CurrencyCode: n.CurrencyCode, CurrencyRate: n.CurrencyRate, Total: n.Total, Status: n.Status }))).toEqual([
      { CurrencyCode: 'USD', CurrencyRate: inv!.CurrencyRate, Total: 110, Status: 'PAID' },
    ]);
    expect(notes[0]!.LineItems.map((l) => [l.TaxType, l.LineAmount, l.TaxAmount, l.AccountCode])).toEqual([['OUTPUT', 110, 10, '280']]);
    const allocations = [...s.tenant().allocations.values()].filter((a) => a.CreditNoteID === notes[0]!.id && !a.IsDeleted);
    expect(allocations.map((a) => [a.InvoiceID, a.Amount])).toEqual([[inv!.id, 110]]);
    const total = billTotals(s.clio(), s.clio().bills.require(b.id));
    expect(outstanding(s.tenant(), s.tenant().invoices.get(inv!.id)!)).toBe(total.balance);
    expect(total.balance).toBe(880 - 110);
  });

  it('a credit memo in a currency the organisation no longer has is XERO_CURRENCY_NOT_ENABLED, never sent', async () => {
    const b = await billIn('USD', 'Redwood Analytics Inc', 200);
    expect(s.invoiceByNumber(b.number)).toHaveLength(1);
    // USD gone from the organisation and from what the connection remembers of it.
    s.tenant().currencies = s.tenant().currencies.filter((c) => c.Code !== 'USD');
    await s.stack.db
      .updateTable('connections')
      .set({ xero_currencies: JSON.stringify(['AUD', 'EUR']) })
      .where('firm_id', '=', s.firmId)
      .execute();
    try {
      const memo = await s.clioControl('POST', `/bills/${b.id}/credit_memos`, { amount: 50, description: 'Goodwill' });
      await s.settled();
      expect(puts<{ CreditNoteNumber?: string }>('CreditNotes', 'CreditNotes').filter((n) => n.CreditNoteNumber === `CLIO-CM-${memo.id}`)).toEqual([]);
      const group = (await s.errors()).find((e) => e.code === 'XERO_CURRENCY_NOT_ENABLED' && e.kind === 'credit_memo');
      expect(group).toMatchObject({ clioIds: [String(memo.id)] });
    } finally {
      s.tenant().currencies.push({ Code: 'USD', Description: 'United States Dollar' });
    }
  });
});
