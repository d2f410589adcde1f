import { describe, expect, it } from 'vitest';
import type { ClioBill, ClioInterestCharge, ClioLineItem } from '../../../server/sync/mapping/clio-records';
import { type BillMappingInput, type LineAccounts, type XeroTaxBook, billToInvoice, invoiceStatusFor } from '../../../server/sync/mapping/invoices';
import type { DraftLine, InvoiceDraft, Mapped } from '../../../server/sync/mapping/xero-drafts';

/**
 * Xero's own line arithmetic, done exactly on integers: quantity and unit amount have at most 4
 * decimal places, LineAmount = round2(quantity × unitAmount) − discount (half away from zero).
 */
function xeroLineAmountCents(line: DraftLine): number {
  const q = Math.round(line.quantity * 10_000);
  const u = Math.round(line.unitAmount * 10_000);
  expect(Math.abs(line.quantity * 10_000 - q)).toBeLessThan(1e-6); // at most 4 dp
  expect(Math.abs(line.unitAmount * 10_000 - u)).toBeLessThan(1e-6);
  const product = BigInt(q) * BigInt(u); // scale 10^8
  const abs = product < 0n ? -product : product;
  const cents = (abs + 500_000n) / 1_000_000n;
  return Number(product < 0n ? -cents : cents) - line.discountCents;
}

const accounts: LineAccounts = {
  timeAccountCode: '200',
  expenseAccountCode: '260',
  interestAccountCode: '270',
  timeTaxType: 'OUTPUT',
  expenseTaxType: 'OUTPUT',
  interestTaxType: 'EXEMPTOUTPUT',
  timeUntaxedTaxType: 'EXEMPTOUTPUT',
  expenseUntaxedTaxType: 'EXEMPTOUTPUT',
};

/** The seeded AU organisation's rates (test/emulators/xero/seed.ts), a combined 15 % one, and its ROUNDING account 860. */
const xeroTax = (): XeroTaxBook => ({
  rates: new Map([
    ['OUTPUT', 10],
    ['EXEMPTOUTPUT', 0],
    ['BASEXCLUDED', 0],
    ['GSTPST', 15],
  ]),
  rounding: { accountCode: '860', taxType: 'BASEXCLUDED' },
});

/** Xero's tax on a line: round2(LineAmount × rate / 100), half away from zero, on cents. */
function xeroTaxOf(l: DraftLine): number {
  const x = (l.lineAmountCents * (xeroTax().rates.get(l.taxType!) ?? NaN)) / 100;
  return Math.sign(x) * Math.round(Math.abs(x)) + 0;
}

const line = (over: Partial<ClioLineItem> & Pick<ClioLineItem, 'id' | 'kind' | 'price' | 'quantity' | 'sub_total' | 'total' | 'tax'>): ClioLineItem => ({
  type: 'ActivityLineItem',
  description: null,
  secondary_tax: 0,
  taxable: true,
  secondary_taxable: false,
  bill: { id: 500 },
  ...over,
});

/*
 * The realistic bill, figured by hand with the Clio emulator's rule (test/emulators/clio/bill-totals.ts),
 * GST 10% on every line:
 *   L101 time 1200 s = 0.3333… h × 355     sub 118.33, 10% line discount 11.83 → total 106.50, tax 10.65
 *   L102 time 6000 s = 1.6666… h × 275     sub 458.33, money line discount 8.00 → total 450.33, tax 45.03
 *   L103 expense 3 × 29.50                 sub 88.50, no discount → total 88.50, tax 8.85
 * Bill discount 5%, services only: 5% × (106.50 + 450.33 = 556.83) = 27.8415 → 27.84, spread by
 *   largest remainder over 10650 : 45033 → 532.46 / 2251.54 → 5.32 / 22.52.
 * Net: L101 101.18 (tax 10.12), L102 427.81 (tax 42.78), L103 88.50 (tax 8.85).
 *   sub_total 617.49, total_tax 61.75, interest 12.34, total 691.58.
 * Σ line.total 645.33 − 617.49 = 27.84 discount; Σ line tax 64.53 − 61.75 = 2.78 tax removed.
 */
function realisticBill(): BillMappingInput {
  const bill: ClioBill = {
    id: 500,
    etag: 'e-1',
    number: '00042',
    state: 'awaiting_payment',
    issued_at: '2025-03-14',
    due_at: '2025-04-13',
    subject: 'March work',
    updated_at: '2025-03-14T10:00:00Z',
    sub_total: 617.49,
    total_tax: 61.75,
    total: 691.58,
    discount_services_only: 'true',
    client: { id: 7 },
    matters: [{ id: 3, display_number: '00017-Citizen', description: 'Purchase of 12 High St' }],
    currency: { code: 'AUD' },
    discount: { rate: 5, type: 'percentage', note: 'Loyal client' },
    interest: { total: 12.34 },
    tax_rate: 10,
    secondary_tax_rate: 0,
  };
  const lines: ClioLineItem[] = [
    line({
      id: 101,
      kind: 'Service',
      description: 'Review contract',
      note: 'urgent',
      price: 355,
      quantity: 1200 / 3600,
      sub_total: 118.33,
      total: 106.5,
      tax: 10.65,
      group_ordering: 2,
      discount: { rate: 10, type: 'percentage' },
    }),
    line({ id: 103, kind: 'Expense', description: 'Courier', price: 29.5, quantity: 3, sub_total: 88.5, total: 88.5, tax: 8.85, group_ordering: 3 }),
    line({
      id: 102,
      kind: 'Service',
      description: 'Negotiate terms',
      price: 275,
      quantity: 6000 / 3600,
      sub_total: 458.33,
      total: 450.33,
      tax: 45.03,
      group_ordering: 1,
      discount: { rate: 8, type: 'money' },
    }),
  ];
  const interest: ClioInterestCharge[] = [{ id: 9, date: '2025-03-14', description: 'Interest on overdue balance', total: 12.34, bill: { id: 500 } }];
  return {
    bill,
    lines,
    interest,
    accounts: { ...accounts },
    xeroTax: xeroTax(),
    categoryAccountForLine: new Map([[102, '210']]),
    approvedStatus: 'AUTHORISED',
    clioBillUrl: 'https://app.clio.com/nc/#/bills/500',
  };
}

function ok(result: Mapped<InvoiceDraft>): InvoiceDraft {
  if (!result.ok) throw new Error(`expected a draft, got ${result.problem.code}: ${result.problem.detail}`);
  return result.value;
}

describe('billToInvoice on a realistic bill', () => {
  it('keeps Clio’s quantities and rates, says the minutes, and lets Xero’s rates give the tax', () => {
    const draft = ok(billToInvoice(realisticBill()));
    expect(draft.lines).toStrictEqual([
      // group_ordering 1, then 2, then 3; the category override puts L102 on 210.
      // 6000 s = 1.6666… h: 1.6667 × 275 = 458.3425 → 458.34 (Clio 458.33), less Clio's 8.00 discount.
      {
        key: 'line:102',
        description: 'Negotiate terms (100 min)',
        quantity: 1.6667,
        unitAmount: 275,
        accountCode: '210',
        taxType: 'OUTPUT',
        discountCents: 800,
        lineAmountCents: 45034,
        taxCents: 4503,
      },
      // 1200 s: 0.3333 × 355 = 118.3215 → 118.32 (Clio 118.33), less 11.83 → 106.49; tax 10.649 → 10.65.
      {
        key: 'line:101',
        description: 'Review contract — urgent (20 min)',
        quantity: 0.3333,
        unitAmount: 355,
        accountCode: '200',
        taxType: 'OUTPUT',
        discountCents: 1183,
        lineAmountCents: 10649,
        taxCents: 1065,
      },
      {
        key: 'line:103',
        description: 'Courier',
        quantity: 3,
        unitAmount: 29.5,
        accountCode: '260',
        taxType: 'OUTPUT',
        discountCents: 0,
        lineAmountCents: 8850,
        taxCents: 885,
      },
      // 2784 over Clio's totals (200: 10650, 210: 45033) → 532 / 2252, each taxed at OUTPUT by Xero.
      {
        key: 'discount:200:OUTPUT',
        description: 'Discount (5%) — Loyal client',
        quantity: 1,
        unitAmount: -5.32,
        accountCode: '200',
        taxType: 'OUTPUT',
        discountCents: 0,
        lineAmountCents: -532,
        taxCents: -53,
      },
      {
        key: 'discount:210:OUTPUT',
        description: 'Discount (5%) — Loyal client',
        quantity: 1,
        unitAmount: -22.52,
        accountCode: '210',
        taxType: 'OUTPUT',
        discountCents: 0,
        lineAmountCents: -2252,
        taxCents: -225,
      },
      {
        key: 'interest:9',
        description: 'Interest on overdue balance',
        quantity: 1,
        unitAmount: 12.34,
        accountCode: '270',
        taxType: 'EXEMPTOUTPUT',
        discountCents: 0,
        lineAmountCents: 1234,
        taxCents: 0,
      },
    ]);
    // The cent L102 gains and the cent L101 loses cancel: no rounding line is needed.
    expect(draft.totalCents).toBe(69158);
  });

  it('adds up the way Clio’s bill does: sub_total, total_tax and total to the cent', () => {
    const draft = ok(billToInvoice(realisticBill()));
    const notInterest = draft.lines.filter((l) => !l.key.startsWith('interest:'));
    expect(notInterest.reduce((s, l) => s + l.lineAmountCents, 0)).toBe(61749);
    expect(draft.lines.reduce((s, l) => s + l.taxCents, 0)).toBe(6175);
    expect(draft.lines.reduce((s, l) => s + l.lineAmountCents + l.taxCents, 0)).toBe(69158);
  });

  it('figures each line as Xero will: LineAmount from quantity × unit less discount, tax from the rate', () => {
    const draft = ok(billToInvoice(realisticBill()));
    for (const l of draft.lines) {
      expect(xeroLineAmountCents(l), l.key).toBe(l.lineAmountCents);
      expect(l.taxCents, l.key).toBe(xeroTaxOf(l));
    }
  });

  it('fills the header from the bill', () => {
    const { lines: _lines, ...header } = ok(billToInvoice(realisticBill()));
    expect(header).toStrictEqual({
      invoiceNumber: '00042',
      reference: '00017-Citizen Purchase of 12 High St',
      date: '2025-03-14',
      dueDate: '2025-04-13',
      status: 'AUTHORISED',
      url: 'https://app.clio.com/nc/#/bills/500',
      currencyCode: 'AUD',
      totalCents: 69158,
    });
  });

  it('is pure: the same input in another order gives the same draft', () => {
    const a = realisticBill();
    const b = realisticBill();
    b.lines.reverse();
    expect(ok(billToInvoice(b))).toStrictEqual(ok(billToInvoice(a)));
  });
});

describe('billToInvoice header details', () => {
  it('takes the date part of timestamps, and the issue date when there is no due date', () => {
    const input = realisticBill();
    input.bill.issued_at = '2025-03-14T00:00:00+11:00';
    input.bill.due_at = null;
    const draft = ok(billToInvoice(input));
    expect(draft.date).toBe('2025-03-14');
    expect(draft.dueDate).toBe('2025-03-14');
  });

  it('falls back from matter to subject to bill number for the reference, and clips it to 255', () => {
    const input = realisticBill();
    input.bill.matters = [];
    expect(ok(billToInvoice(input)).reference).toBe('March work');
    input.bill.subject = null;
    expect(ok(billToInvoice(input)).reference).toBe('Clio bill 00042');
    input.bill.matters = [{ id: 3, display_number: '00017', description: 'x'.repeat(400) }];
    const ref = ok(billToInvoice(input)).reference;
    expect(ref).toHaveLength(255);
    expect(ref.startsWith('00017 xxx')).toBe(true);
  });

  it('sends no currency when Clio gives none', () => {
    const input = realisticBill();
    input.bill.currency = null;
    expect('currencyCode' in ok(billToInvoice(input))).toBe(false);
  });

  it('follows the approved-bill setting only for approved bills', () => {
    const input = realisticBill();
    input.approvedStatus = 'DRAFT';
    expect(ok(billToInvoice(input)).status).toBe('DRAFT');
    input.approvedStatus = 'AUTHORISED';
    input.bill.state = 'draft';
    expect(ok(billToInvoice(input)).status).toBe('DRAFT');
  });
});

describe('billToInvoice discounts and tax', () => {
  /*
   * Time 1 h × 300 taxed at 10%; an expense of 100.00 that Clio does not tax (exempt); a 10% bill
   * discount on all lines (not services only): 40.00 spread 30.00 / 10.00. Net: time 270.00 (tax
   * 27.00), expense 90.00 (tax 0). sub_total 360.00, total_tax 27.00, total 387.00. The 3.00 of
   * tax removed all came off the taxed time line.
   */
  function mixedTaxBill(): BillMappingInput {
    const input = realisticBill();
    input.bill = { ...input.bill, sub_total: 360, total_tax: 27, total: 387, discount_services_only: 'false', discount: { rate: 10, type: 'percentage', note: null } };
    input.lines = [
      line({ id: 1, kind: 'Service', description: 'Advice', price: 300, quantity: 1, sub_total: 300, total: 300, tax: 30 }),
      line({ id: 2, kind: 'Expense', description: 'Search fee', price: 100, quantity: 1, sub_total: 100, total: 100, tax: 0, taxable: false }),
    ];
    input.interest = [];
    input.categoryAccountForLine = new Map();
    return input;
  }

  it('codes a line Clio leaves untaxed with the untaxed rate, and a taxed one with the taxed rate', () => {
    const input = mixedTaxBill();
    input.accounts = { ...accounts, expenseUntaxedTaxType: 'BASEXCLUDED' };
    const draft = ok(billToInvoice(input));
    expect(draft.lines.map((l) => [l.key, l.taxType])).toEqual([
      ['line:1', 'OUTPUT'],
      ['line:2', 'BASEXCLUDED'],
      ['discount:200:OUTPUT', 'OUTPUT'],
      ['discount:260:BASEXCLUDED', 'BASEXCLUDED'],
    ]);
    input.lines = input.lines.map((l) => ({ ...l, kind: 'Service' }));
    input.accounts = { ...accounts, timeUntaxedTaxType: 'BASEXCLUDED' };
    expect(ok(billToInvoice(input)).lines.map((l) => l.taxType)).toEqual(['OUTPUT', 'BASEXCLUDED', 'BASEXCLUDED', 'OUTPUT']);
  });

  it('spreads a discount over every line when it is not services only, each part taxed as the lines it discounts', () => {
    const draft = ok(billToInvoice(mixedTaxBill()));
    const discounts = draft.lines.filter((l) => l.key.startsWith('discount:'));
    expect(discounts.map((l) => [l.key, l.description, l.lineAmountCents, l.taxCents + 0])).toEqual([
      ['discount:200:OUTPUT', 'Discount (10%)', -3000, -300],
      ['discount:260:EXEMPTOUTPUT', 'Discount (10%)', -1000, 0],
    ]);
    expect(draft.totalCents).toBe(38700);
    expect(draft.lines.some((l) => l.key === 'rounding')).toBe(false);
  });

  it('labels a money discount without a percentage, and adds no lines when there is no bill discount', () => {
    const input = mixedTaxBill();
    input.bill.discount = { rate: 40, type: 'money', note: '  ' };
    expect(
      ok(billToInvoice(input))
        .lines.filter((l) => l.key.startsWith('discount:'))
        .map((l) => l.description),
    ).toEqual(['Discount', 'Discount']);

    input.bill = { ...input.bill, sub_total: 400, total_tax: 30, total: 430, discount: null };
    const draft = ok(billToInvoice(input));
    expect(draft.lines.map((l) => l.key)).toEqual(['line:1', 'line:2']);
    expect(draft.totalCents).toBe(43000);
  });

  it('counts secondary tax into the line’s tax, against a Xero rate of both', () => {
    const input = mixedTaxBill();
    input.bill = { ...input.bill, sub_total: 400, total_tax: 45, total: 445, discount: null, tax_rate: 10, secondary_tax_rate: 5 };
    input.lines[0] = { ...input.lines[0]!, tax: 30, secondary_tax: 15, secondary_taxable: true };
    input.accounts = { ...accounts, timeTaxType: 'GSTPST' };
    const draft = ok(billToInvoice(input));
    expect(draft.lines[0]).toMatchObject({ taxType: 'GSTPST', taxCents: 4500 });
    expect(draft.totalCents).toBe(44500);
  });

  it('puts the cents Xero’s per-line rounding leaves on one rounding line to the ROUNDING account, with no tax', () => {
    // 17 minutes at 412.3456: Clio 0.28333… × 412.3456 = 116.8312 → 116.83, tax 11.68.
    // Xero: 0.2833 × 412.3456 = 116.8175 → 116.82, tax 11.68; one cent short → rounding +0.01.
    const input = realisticBill();
    input.lines = [line({ id: 7, kind: 'Service', description: 'Drafting letter', price: 412.3456, quantity: 17 / 60, sub_total: 116.83, total: 116.83, tax: 11.68 })];
    input.interest = [];
    input.bill = { ...input.bill, sub_total: 116.83, total_tax: 11.68, total: 128.51, discount: null };
    const draft = ok(billToInvoice(input));
    expect(draft.lines).toStrictEqual([
      {
        key: 'line:7',
        description: 'Drafting letter (17 min)',
        quantity: 0.2833,
        unitAmount: 412.3456,
        accountCode: '200',
        taxType: 'OUTPUT',
        discountCents: 0,
        lineAmountCents: 11682,
        taxCents: 1168,
      },
      {
        key: 'rounding',
        description: 'Rounding',
        quantity: 1,
        unitAmount: 0.01,
        accountCode: '860',
        taxType: 'BASEXCLUDED',
        discountCents: 0,
        lineAmountCents: 1,
        taxCents: 0,
      },
    ]);
    expect(draft.totalCents).toBe(12851);
  });

  it('shows a no-charge line at its hours and no price', () => {
    const input = mixedTaxBill();
    input.lines[1] = { ...input.lines[1]!, type: 'NoChargeLineItem', sub_total: 0, total: 0 };
    input.bill = { ...input.bill, sub_total: 300, total_tax: 30, total: 330, discount: null };
    const draft = ok(billToInvoice(input));
    expect(draft.lines[1]).toMatchObject({ quantity: 1, unitAmount: 0, lineAmountCents: 0 });
    expect(draft.lines.map((l) => l.key)).toEqual(['line:1', 'line:2']);
  });
});

describe('billToInvoice refusals', () => {
  it('names the missing account or tax rate and the kind of line (SETTINGS_INCOMPLETE)', () => {
    const cases: [Partial<LineAccounts>, string][] = [
      [{ timeAccountCode: null }, 'Choose an account for time entries in the sync settings.'],
      [{ timeTaxType: null }, 'Choose a tax rate for time entries in the sync settings.'],
      [{ expenseAccountCode: null }, 'Choose an account for expenses in the sync settings.'],
      [{ expenseTaxType: '' }, 'Choose a tax rate for expenses in the sync settings.'],
      [{ interestAccountCode: null }, 'Choose an account for interest in the sync settings.'],
      [{ interestTaxType: null }, 'Choose a tax rate for interest in the sync settings.'],
    ];
    for (const [missing, detail] of cases) {
      const input = realisticBill();
      input.accounts = { ...accounts, ...missing };
      expect(billToInvoice(input), detail).toEqual({ ok: false, problem: { code: 'SETTINGS_INCOMPLETE', detail } });
    }
  });

  it('asks for the untaxed rate only when a bill has an untaxed line of that kind', () => {
    const input = realisticBill();
    input.accounts = { ...accounts, timeUntaxedTaxType: null, expenseUntaxedTaxType: null };
    expect(billToInvoice(input).ok).toBe(true);
    input.lines = input.lines.map((l) => (l.id === 103 ? { ...l, taxable: false, tax: 0 } : l));
    input.bill = { ...input.bill, total_tax: 52.9, total: 682.73 };
    expect(billToInvoice(input)).toEqual({
      ok: false,
      problem: { code: 'SETTINGS_INCOMPLETE', detail: 'Choose a tax rate for untaxed expenses in the sync settings.' },
    });
  });

  it('names a line whose Clio tax differs from its Xero rate (TAX_RATE_MISMATCH), never overriding it', () => {
    // Clio at 20 %: 300 → tax 60; the Xero type OUTPUT is 10 %.
    const input = realisticBill();
    input.bill = { ...input.bill, number: '15', client: { id: 7, name: 'Lucas Wilson' }, tax_rate: 20, sub_total: 300, total_tax: 60, total: 360, discount: null };
    input.lines = [line({ id: 1, kind: 'Service', description: 'Advice', price: 300, quantity: 1, sub_total: 300, total: 300, tax: 60 })];
    input.interest = [];
    expect(billToInvoice(input)).toEqual({
      ok: false,
      problem: {
        code: 'TAX_RATE_MISMATCH',
        detail:
          "Bill 15 for Lucas Wilson: Clio taxes this line at 20 % (“Advice”) but the Xero tax rate OUTPUT is 10 %. Choose the Xero tax rate that matches Clio's, or correct the bill's tax in Clio.",
      },
    });
    // An untaxed line on a rate that is not 0 % is the same error.
    input.lines = [{ ...input.lines[0]!, taxable: false, tax: 0 }];
    input.bill = { ...input.bill, total_tax: 0, total: 300 };
    input.accounts = { ...accounts, timeUntaxedTaxType: 'OUTPUT' };
    expect(billToInvoice(input)).toMatchObject({ ok: false, problem: { code: 'TAX_RATE_MISMATCH', detail: expect.stringContaining('Clio leaves this line untaxed') } });
  });

  it('names interest on a rate that would tax it (TAX_RATE_MISMATCH)', () => {
    const input = realisticBill();
    input.accounts = { ...accounts, interestTaxType: 'OUTPUT' };
    expect(billToInvoice(input)).toMatchObject({ ok: false, problem: { code: 'TAX_RATE_MISMATCH', detail: expect.stringContaining('Clio charges no tax on interest') } });
  });

  it('names a bill whose tax Xero’s rates cannot give beyond rounding, though no line shows it', () => {
    const input = realisticBill();
    input.bill = { ...input.bill, total_tax: 60.75, total: 690.58 };
    expect(billToInvoice(input)).toMatchObject({ ok: false, problem: { code: 'TAX_RATE_MISMATCH', detail: expect.stringContaining("Clio's tax on the bill is 60.75") } });
  });

  it('names a tax rate the organisation lacks, and a missing rounding account, never assuming one', () => {
    const input = realisticBill();
    input.accounts = { ...accounts, timeTaxType: 'GONE' };
    expect(billToInvoice(input)).toMatchObject({ ok: false, problem: { code: 'XERO_TAX_TYPE_INVALID' } });

    const cents = realisticBill();
    cents.lines = cents.lines.filter((l) => l.id === 101);
    cents.interest = [];
    cents.bill = { ...cents.bill, sub_total: 101.18, total_tax: 10.12, total: 111.3 };
    expect(ok(billToInvoice(cents)).lines.at(-1)).toMatchObject({ key: 'rounding', accountCode: '860' });
    cents.xeroTax = { ...xeroTax(), rounding: null };
    expect(billToInvoice(cents)).toMatchObject({ ok: false, problem: { code: 'XERO_ROUNDING_ACCOUNT_MISSING' } });
  });

  it('needs no default account for lines whose category has its own, nor interest settings without interest', () => {
    const input = realisticBill();
    input.accounts = { ...accounts, timeAccountCode: null, interestAccountCode: null, interestTaxType: null };
    input.categoryAccountForLine = new Map([
      [101, '201'],
      [102, '210'],
    ]);
    input.interest = [];
    input.bill.total = 679.24; // 691.58 − 12.34
    const draft = ok(billToInvoice(input));
    expect(draft.lines.map((l) => [l.key, l.accountCode])).toEqual([
      ['line:102', '210'],
      ['line:101', '201'],
      ['line:103', '260'],
      ['discount:201:OUTPUT', '201'],
      ['discount:210:OUTPUT', '210'],
    ]);
    expect(draft.totalCents).toBe(67924);
  });

  it('uses a category override on an expense line too', () => {
    const input = realisticBill();
    input.categoryAccountForLine = new Map([[103, '265']]);
    const draft = ok(billToInvoice(input));
    expect(draft.lines.find((l) => l.key === 'line:103')?.accountCode).toBe('265');
    expect(draft.lines.find((l) => l.key === 'line:102')?.accountCode).toBe('200');
    // Both time lines now share 200:OUTPUT: one discount line for the whole 27.84, taxed by Xero at 10 %.
    expect(draft.lines.filter((l) => l.key.startsWith('discount:')).map((l) => [l.key, l.lineAmountCents, l.taxCents])).toEqual([['discount:200:OUTPUT', -2784, -278]]);
  });

  it('refuses when the lines cannot add up to Clio’s total (TOTAL_MISMATCH)', () => {
    const input = realisticBill();
    input.bill.total = 691.59;
    expect(billToInvoice(input)).toEqual({
      ok: false,
      problem: { code: 'TOTAL_MISMATCH', detail: "Bill 00042: its lines add up to 691.58 but Clio's total is 691.59." },
    });
  });

  it('refuses a line whose Clio amount is not its quantity × rate beyond 4-dp rounding (TOTAL_MISMATCH)', () => {
    const input = realisticBill();
    input.lines = input.lines.map((l) => (l.id === 103 ? { ...l, sub_total: 98.5, total: 98.5, tax: 9.85 } : l));
    expect(billToInvoice(input)).toMatchObject({ ok: false, problem: { code: 'TOTAL_MISMATCH', detail: expect.stringContaining('“Courier” comes to 98.50 in Clio') } });
  });

  it('refuses a bill without a client, or without any line (CLIO_RECORD_INCOMPLETE)', () => {
    const input = realisticBill();
    input.bill.client = null;
    expect(billToInvoice(input)).toEqual({ ok: false, problem: { code: 'CLIO_RECORD_INCOMPLETE', detail: 'Bill 00042 has no client.' } });

    const empty = realisticBill();
    empty.lines = [];
    empty.interest = [];
    empty.bill = { ...empty.bill, sub_total: 0, total_tax: 0, total: 0, discount: null };
    expect(billToInvoice(empty)).toEqual({ ok: false, problem: { code: 'CLIO_RECORD_INCOMPLETE', detail: 'Bill 00042 has no lines.' } });
  });

  it('describes lines without a description by their kind', () => {
    const input = realisticBill();
    input.lines = input.lines.map((l) => ({ ...l, description: l.id === 103 ? '  ' : null, note: null }));
    const descriptions = ok(billToInvoice(input)).lines.map((l) => l.description);
    expect(descriptions.slice(0, 3)).toEqual(['Legal services (100 min)', 'Legal services (20 min)', 'Expense']);
  });
});

describe('invoiceStatusFor', () => {
  it('maps each Clio state', () => {
    expect(invoiceStatusFor('draft', 'AUTHORISED')).toBe('DRAFT');
    expect(invoiceStatusFor('awaiting_approval', 'AUTHORISED')).toBe('DRAFT');
    expect(invoiceStatusFor('awaiting_payment', 'AUTHORISED')).toBe('AUTHORISED');
    expect(invoiceStatusFor('awaiting_payment', 'DRAFT')).toBe('DRAFT');
    expect(invoiceStatusFor('paid', 'AUTHORISED')).toBe('AUTHORISED');
    expect(invoiceStatusFor('paid', 'DRAFT')).toBe('DRAFT');
    expect(invoiceStatusFor('void', 'AUTHORISED')).toBe('VOIDED');
    expect(invoiceStatusFor('void', 'DRAFT')).toBe('VOIDED');
    expect(invoiceStatusFor('deleted', 'AUTHORISED')).toBe('DELETED');
  });
});
