import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billTotals } from '../emulators/clio/bill-totals';
import { outstanding } from '../emulators/xero/documents';
import { settingsForSeededChart } from '../ui-api/connected-stack';
import { startSyncStack, type SyncStack } from './stack';

/**
 * Tax line by line, end to end: each Clio line's Xero tax type follows what Clio did to it, Xero
 * computes the tax from the type (no TaxAmount is ever sent), one rounding line on the
 * organisation's ROUNDING account (860 in the seeded AU organisation) takes the cents Xero's
 * per-line rounding leaves, and where the two sides' rates disagree the bill is a named error and
 * nothing reaches Xero. The Clio firm taxes at 10 % GST (region AU, test/emulators/start.ts), as Xero’s OUTPUT.
 */
let s: SyncStack;

const entry = (matterId: number, body: Record<string, unknown>) => s.clioControl('POST', '/activities', { matter: { id: matterId }, ...body });

async function approvedBill(activities: { id: number }[], discount?: Record<string, unknown>): Promise<{ id: number; number: string }> {
  const b = await s.clioControl('POST', '/bills', { activity_ids: activities.map((a) => a.id), issued_at: s.today });
  if (discount) await s.clioControl('PATCH', `/bills/${b.id}`, discount);
  await s.clioControl('POST', `/bills/${b.id}/approve`);
  await s.settled();
  return b;
}

/** Every line item of every invoice write the engine sent since `from` (the Xero emulator's request log). */
function sentInvoiceLines(from: number): Record<string, unknown>[] {
  return s.stack.xero.emulator.requestLog.entries
    .slice(from)
    .filter((e) => e.method !== 'GET' && /\/Invoices/.test(e.path))
    .flatMap((e) => ((e.body as { Invoices?: { LineItems?: Record<string, unknown>[] }[] })?.Invoices ?? []).flatMap((i) => i.LineItems ?? []));
}

const failureOf = async (billId: number) => JSON.stringify((await s.call('GET', `/api/records/bill/${billId}`)).body);
const errorGroup = async (code: string) => (await s.errors()).find((e) => e.code === code);

beforeAll(async () => {
  s = await startSyncStack({ settings: (day) => ({ invoiceStatus: 'AUTHORISED', billDateFrom: day }) });
  await s.settled('the first sync');
}, 120_000);
afterAll(() => s?.stack.stop());

describe('tax to Xero, line by line', () => {
  it('a taxed entry, an untaxed expense, 17 minutes at 412.3456 and a whole-bill discount land line by line, the cents on 860', async () => {
    const before = s.stack.xero.emulator.requestLog.entries.length;
    const { matterId } = await s.newClient('Lucas Wilson Legal');
    const advice = await entry(matterId, { type: 'TimeEntry', quantity: 7200, price: 350, note: 'Advice', tax_setting: 'tax_1_only' });
    const search = await entry(matterId, { type: 'ExpenseEntry', quantity: 1, price: 55, note: 'Title search', tax_setting: 'no_tax' });
    const letter = await entry(matterId, { type: 'TimeEntry', quantity: 17 * 60, price: 412.3456, note: 'Drafting letter', tax_setting: 'tax_1_only' });
    const b = await approvedBill([advice, search, letter], { discount: { rate: 50, type: 'money' }, discount_services_only: false });

    const clio = billTotals(s.clio(), s.clio().bills.require(b.id));
    const [inv, ...more] = s.invoiceByNumber(b.number);
    expect(more).toEqual([]);
    const lines = inv!.LineItems.map((l) => ({
      Description: l.Description,
      AccountCode: l.AccountCode,
      TaxType: l.TaxType,
      Quantity: l.Quantity,
      UnitAmount: l.UnitAmount,
      DiscountAmount: l.DiscountAmount,
      LineAmount: l.LineAmount,
      TaxAmount: l.TaxAmount,
    }));
    const rounding = Math.round((clio.total - 898.81) * 100) / 100;
    expect(rounding).not.toBe(0);
    expect(lines).toEqual([
      {
        Description: 'TimeEntry — Advice',
        AccountCode: '200',
        TaxType: 'OUTPUT',
        Quantity: 2,
        UnitAmount: 350,
        DiscountAmount: undefined,
        LineAmount: 700,
        TaxAmount: 70,
      },
      // Clio leaves the search fee untaxed: GST-free income, not a taxable sale with no tax.
      {
        Description: 'ExpenseEntry — Title search',
        AccountCode: '210',
        TaxType: 'EXEMPTOUTPUT',
        Quantity: 1,
        UnitAmount: 55,
        DiscountAmount: undefined,
        LineAmount: 55,
        TaxAmount: 0,
      },
      // As the client saw it: 412.3456 an hour, 17 minutes said in words; 0.2833 × 412.3456 = 116.8175 → 116.82 (Clio: 116.83).
      {
        Description: 'TimeEntry — Drafting letter (17 min)',
        AccountCode: '200',
        TaxType: 'OUTPUT',
        Quantity: 0.2833,
        UnitAmount: 412.3456,
        DiscountAmount: undefined,
        LineAmount: 116.82,
        TaxAmount: 11.68,
      },
      // 50.00 over the time (816.83) and the expense (55.00) as Clio spreads it: 46.85 / 3.15, each taxed as its lines.
      {
        Description: 'Discount',
        AccountCode: '200',
        TaxType: 'OUTPUT',
        Quantity: 1,
        UnitAmount: -46.85,
        DiscountAmount: undefined,
        LineAmount: -46.85,
        TaxAmount: -4.69,
      },
      {
        Description: 'Discount',
        AccountCode: '210',
        TaxType: 'EXEMPTOUTPUT',
        Quantity: 1,
        UnitAmount: -3.15,
        DiscountAmount: undefined,
        LineAmount: -3.15,
        TaxAmount: 0,
      },
      // Xero's lines come to 898.81; Clio's bill to its own total: the difference, once, with no tax.
      {
        Description: 'Rounding',
        AccountCode: '860',
        TaxType: 'BASEXCLUDED',
        Quantity: 1,
        UnitAmount: rounding,
        DiscountAmount: undefined,
        LineAmount: rounding,
        TaxAmount: 0,
      },
    ]);
    expect(inv).toMatchObject({ Status: 'AUTHORISED', Total: clio.total, SubTotal: Math.round((821.82 + rounding) * 100) / 100 });
    expect(outstanding(s.tenant(), inv!)).toBe(clio.balance);
    // Xero's tax differs from Clio's by per-line rounding only; the rounding line holds the difference.
    expect(Math.abs(inv!.TotalTax - clio.total_tax)).toBeLessThanOrEqual(0.02);

    const sent = sentInvoiceLines(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((l) => 'TaxAmount' in l || 'LineAmount' in l)).toEqual([]);
  });

  it('a bill Clio taxes at 20 % against the 10 % OUTPUT type is TAX_RATE_MISMATCH, and nothing reaches Xero', async () => {
    const before = s.stack.xero.emulator.requestLog.entries.length;
    await s.clioControl('PATCH', '/settings/billing', { tax_rate: 20 });
    try {
      const { matterId } = await s.newClient('Twenty Percent Pty');
      const b = await approvedBill([await entry(matterId, { type: 'TimeEntry', quantity: 3600, price: 300, note: 'Advice', tax_setting: 'tax_1_only' })]);
      expect(s.clio().bills.require(b.id).tax_rate).toBe(20);
      expect(s.invoiceByNumber(b.number)).toEqual([]);
      expect(sentInvoiceLines(before)).toEqual([]);
      expect(await errorGroup('TAX_RATE_MISMATCH')).toMatchObject({ kind: 'bill', clioIds: [String(b.id)] });
      expect(await failureOf(b.id)).toContain(
        `Bill ${b.number} for Twenty Percent Pty: Clio taxes this line at 20 % (“TimeEntry”) but the Xero tax rate OUTPUT is 10 %. Choose the Xero tax rate that matches Clio's, or correct the bill's tax in Clio.`,
      );

      // Saving settings compares the taxed rates with Clio's: the field says so, and nothing is saved.
      const refused = await s.call(
        'PUT',
        '/api/settings',
        settingsForSeededChart({ syncHardCosts: false, categoryAccounts: [], invoiceStatus: 'AUTHORISED', billDateFrom: s.today }),
      );
      expect(refused.status).toBe(422);
      expect(refused.body.error.details.fieldErrors).toEqual({
        timeTaxType:
          "GST on Income is 10 % in Xero, but Clio taxes bills at 20 %. Choose the Xero tax rate that matches Clio's, or change the tax rate in Clio (Settings → Billing).",
        expenseTaxType:
          "GST on Income is 10 % in Xero, but Clio taxes bills at 20 %. Choose the Xero tax rate that matches Clio's, or change the tax rate in Clio (Settings → Billing).",
      });
    } finally {
      await s.clioControl('PATCH', '/settings/billing', { tax_rate: 10 });
    }
  });

  it('an untaxed expense with no untaxed tax rate chosen is SETTINGS_INCOMPLETE with the setting to choose; chosen, it syncs', async () => {
    const settings = settingsForSeededChart({
      syncHardCosts: false,
      categoryAccounts: [],
      invoiceStatus: 'AUTHORISED',
      billDateFrom: s.today,
      expenseUntaxedTaxType: null,
    });
    expect((await s.call('PUT', '/api/settings', settings)).status).toBe(200);
    await s.settled();
    const before = s.stack.xero.emulator.requestLog.entries.length;
    const { matterId } = await s.newClient('Untaxed Costs Pty');
    const b = await approvedBill([await entry(matterId, { type: 'ExpenseEntry', quantity: 2, price: 40, note: 'Filing fee', tax_setting: 'no_tax' })]);
    expect(s.invoiceByNumber(b.number)).toEqual([]);
    expect(sentInvoiceLines(before)).toEqual([]);
    expect(await errorGroup('SETTINGS_INCOMPLETE')).toMatchObject({ kind: 'bill', clioIds: [String(b.id)] });
    expect(await failureOf(b.id)).toContain('Choose a tax rate for untaxed expenses in the sync settings.');

    // Saving the setting syncs now: the expense goes out GST-free.
    expect((await s.call('PUT', '/api/settings', { ...settings, expenseUntaxedTaxType: 'EXEMPTOUTPUT' })).status).toBe(200);
    await s.settled();
    const [inv] = s.invoiceByNumber(b.number);
    expect(inv?.LineItems.map((l) => [l.AccountCode, l.TaxType, l.LineAmount, l.TaxAmount])).toEqual([['210', 'EXEMPTOUTPUT', 80, 0]]);
    expect(inv).toMatchObject({ Total: 80, TotalTax: 0 });
  });
});
