import { describe, expect, it } from 'vitest';
import type { ClioHardCost, ClioPaymentAllocation } from '../../server/sync/mapping/clio-records';
import { hardCostScope, hardCostToSpend, type HardCostSettings } from '../../server/sync/mapping/hard-costs';
import { allocationToPayment } from '../../server/sync/mapping/payments';

const allocation = (over: Partial<ClioPaymentAllocation> = {}): ClioPaymentAllocation => ({
  id: 77,
  date: '2026-11-30',
  amount: 0.1 + 0.2,
  updated_at: '2026-11-30T10:00:00Z',
  bill: { id: 5 },
  parent: { id: 9, type: 'Payment' },
  ...over,
});

const cost = (over: Partial<ClioHardCost> = {}): ClioHardCost => ({
  id: 12,
  etag: '"e"',
  type: 'HardCostEntry',
  date: '2026-11-30',
  quantity: 3,
  price: 33.33,
  total: 99.99,
  note: 'Filing fee',
  tax_setting: 'tax_1_only',
  updated_at: '2026-11-30T10:00:00Z',
  vendor: { id: 4, name: 'Registry' },
  matter: { id: 2, display_number: '00002-Smith' },
  ...over,
});

const on: HardCostSettings = { syncHardCosts: true, hardCostStartDate: '2026-11-01', hardCostAccountCode: '310', hardCostBankAccountCode: '091' };

describe('a Clio payment allocation → a Xero payment', () => {
  it('goes to the chosen bank account on the invoice, in cents, dated as in Clio, with the reference that finds it again', () => {
    expect(allocationToPayment(allocation({ date: '2026-11-30T00:00:00Z' }), { id: 'inv-1' }, '090')).toEqual({
      ok: true,
      value: { invoiceId: 'inv-1', bankAccountCode: '090', date: '2026-11-30', amountCents: 30, reference: 'Clio payment 77' },
    });
  });

  it('on an invoice in another currency it goes at the invoice’s rate', () => {
    expect(allocationToPayment(allocation(), { id: 'inv-1', currencyRate: 0.653 }, '090')).toMatchObject({
      ok: true,
      value: { invoiceId: 'inv-1', currencyRate: 0.653 },
    });
  });

  it('without a payments bank account it is a settings problem, and a zero allocation is refused', () => {
    expect(allocationToPayment(allocation(), { id: 'inv-1' }, null)).toMatchObject({ ok: false, problem: { code: 'SETTINGS_INCOMPLETE' } });
    expect(allocationToPayment(allocation({ amount: 0 }), { id: 'inv-1' }, '090')).toMatchObject({ ok: false, problem: { code: 'CLIO_RECORD_INCOMPLETE' } });
  });
});

describe('a Clio hard cost → a Xero spend-money transaction', () => {
  it('only hard costs, only while the setting is on, only from the start date', () => {
    expect(hardCostScope(cost(), on)).toEqual({ in: true });
    expect(hardCostScope(cost({ type: 'SoftCostEntry' }), on)).toMatchObject({ in: false });
    expect(hardCostScope(cost({ type: 'ExpenseEntry' }), on)).toMatchObject({ in: false });
    expect(hardCostScope(cost(), { ...on, syncHardCosts: false })).toMatchObject({ in: false, reason: expect.stringContaining('off') });
    expect(hardCostScope(cost({ date: '2026-10-31' }), on)).toMatchObject({ in: false, reason: expect.stringContaining('2026-11-01') });
    expect(hardCostScope(cost({ date: '2026-11-01' }), on)).toEqual({ in: true });
  });

  it('the total on the hard-cost account from the hard-cost bank account; taxed costs inclusive, untaxed ones without tax', () => {
    const mapped = hardCostToSpend(cost(), on, 'https://clio/activities/12');
    expect(mapped).toEqual({
      ok: true,
      value: {
        date: '2026-11-30',
        reference: 'Clio hard cost 12',
        description: '00002-Smith: Filing fee',
        bankAccountCode: '091',
        accountCode: '310',
        lineAmountTypes: 'Inclusive',
        amountCents: 9999,
        url: 'https://clio/activities/12',
      },
    });
    expect(hardCostToSpend(cost({ tax_setting: 'no_tax' }), on, 'u')).toMatchObject({ ok: true, value: { lineAmountTypes: 'NoTax' } });
  });

  it('no vendor is an error with advice, not a guess; missing accounts are a settings problem', () => {
    expect(hardCostToSpend(cost({ vendor: null }), on, 'u')).toMatchObject({
      ok: false,
      problem: { code: 'CLIO_RECORD_INCOMPLETE', detail: expect.stringContaining('add the vendor in Clio') },
    });
    expect(hardCostToSpend(cost(), { ...on, hardCostBankAccountCode: null }, 'u')).toMatchObject({ ok: false, problem: { code: 'SETTINGS_INCOMPLETE' } });
  });
});
