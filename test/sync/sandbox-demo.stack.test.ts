import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billTotals } from '../emulators/clio/bill-totals';
import { SANDBOX_DEMO } from '../emulators/clio/sandbox-demo';
import { outstanding } from '../emulators/xero/documents';
import { startSyncStack, type SyncStack } from './stack';

/**
 * The sandbox's demo firm synced as a newcomer would: the admin saves the settings, choosing the
 * 0 % rate the settings page offers for untaxed lines, and reads Xero back. GST-free disbursements
 * go out untaxed, the overpayment is a named error saying what to enter, and the USD matter is a
 * USD invoice whose part payment went at the invoice's rate.
 */
let s: SyncStack;
const tenDaysBefore = (day: string) => new Date(Date.parse(day) - 10 * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  s = await startSyncStack({ sandboxDemo: true, settings: (day) => ({ invoiceStatus: 'AUTHORISED', billDateFrom: tenDaysBefore(day) }) });
  await s.settled('the first sync');
}, 180_000);
afterAll(() => s?.stack.stop());

const billOf = (client: string) => {
  const c = s
    .clio()
    .contacts.all()
    .find((x) => x.name === client)!;
  const [bill] = s
    .clio()
    .bills.all()
    .filter((b) => b.client_id === c.id);
  return bill!;
};
const invoiceOf = (client: string) => {
  const found = s.invoiceByNumber(billOf(client).number);
  expect(found, `the invoice of ${client}`).toHaveLength(1);
  return found[0]!;
};

describe('the sandbox demo firm in Xero', { timeout: 120_000 }, () => {
  it('offers the organisation’s 0 % rates for untaxed lines, and its GST-free disbursements go out on the one chosen, with no tax', async () => {
    const rates = (await s.call('GET', '/api/xero/tax-rates')).body.taxRates as { taxType: string; rate: number }[];
    expect(rates.filter((r) => r.rate === 0).map((r) => r.taxType)).toContain('EXEMPTOUTPUT');
    const settings = (await s.call('GET', '/api/settings')).body.settings as { expenseUntaxedTaxType: string };
    expect(settings.expenseUntaxedTaxType).toBe('EXEMPTOUTPUT');

    const inv = invoiceOf(SANDBOX_DEMO.untaxed);
    expect(inv.LineItems.map((l) => [l.TaxType, l.LineAmount, l.TaxAmount, l.AccountCode])).toEqual([
      ['OUTPUT', 1125, 112.5, '200'],
      ['EXEMPTOUTPUT', 185.4, 0, '210'],
      ['EXEMPTOUTPUT', 642, 0, '210'],
    ]);
    const totals = billTotals(s.clio(), billOf(SANDBOX_DEMO.untaxed));
    expect([inv.Total, inv.TotalTax, outstanding(s.tenant(), inv)]).toEqual([totals.total, totals.total_tax, totals.balance]);
  });

  it('the overpayment pays its invoice, and the 150.00 over is CLIO_OVERPAYMENT_NOT_IN_XERO', async () => {
    const inv = invoiceOf(SANDBOX_DEMO.overpaid);
    expect([inv.Status, outstanding(s.tenant(), inv)]).toEqual(['PAID', 0]);
    const client = s
      .clio()
      .contacts.all()
      .find((c) => c.name === SANDBOX_DEMO.overpaid)!;
    const payment = s
      .clio()
      .payments.all()
      .find((p) => p.contact_id === client.id)!;
    const group = (await s.errors()).find((e) => e.code === 'CLIO_OVERPAYMENT_NOT_IN_XERO');
    expect(group).toMatchObject({ kind: 'payment_credit', clioIds: [String(payment.id)] });
  });

  it('the USD matter is a USD invoice, its part payment at the invoice’s rate, the rest due', () => {
    const inv = invoiceOf(SANDBOX_DEMO.foreign);
    expect(inv.CurrencyCode).toBe('USD');
    expect(inv.CurrencyRate).not.toBe(1);
    const payments = [...s.tenant().payments.values()].filter((p) => p.InvoiceID === inv.id && p.Status !== 'DELETED');
    expect(payments.map((p) => [p.Amount, p.CurrencyRate])).toEqual([[500, inv.CurrencyRate]]);
    expect([inv.Total, outstanding(s.tenant(), inv)]).toEqual([1320, 820]);
  });
});
