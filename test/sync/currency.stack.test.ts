import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billTotals } from '../emulators/clio/bill-totals';
import { outstanding } from '../emulators/xero/documents';
import { startSyncStack, type SyncStack } from './stack';

/**
 * Bills in another currency than the firm's: the demo organisation has AUD and USD, so a matter
 * billed in US dollars becomes a USD invoice; a matter in euros is refused before any call, and
 * is sent once the bookkeeper enables EUR in Xero and retries.
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

const invoicePuts = () =>
  s.stack.xero.emulator.requestLog.entries
    .filter((e) => e.method === 'PUT' && e.path === '/api.xro/2.0/Invoices')
    .flatMap((e) => (e.body as { Invoices?: { InvoiceNumber?: string }[] }).Invoices ?? []);

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
});
