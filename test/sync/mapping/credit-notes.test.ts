import { describe, expect, it } from 'vitest';
import type { ClioCreditMemo } from '../../../server/sync/mapping/clio-records';
import { type CreditedBill, creditNoteNumberFor, invoiceTaxShares, memoToCreditNote, splitCredit } from '../../../server/sync/mapping/credit-notes';

const memo = (over: Partial<ClioCreditMemo> = {}): ClioCreditMemo => ({
  id: 77,
  date: '2025-03-04',
  amount: 150.1,
  description: ' Goodwill credit ',
  updated_at: '2025-03-04T09:00:00Z',
  contact: { id: 7 },
  ...over,
});
const untaxed = { accountCode: '420', taxMode: 'untaxed' as const };
const proRata = { accountCode: '420', taxMode: 'pro_rata' as const };

describe('memoToCreditNote', () => {
  it('untaxed: makes one NoTax line on the credit-notes account for the memo’s amount', () => {
    expect(memoToCreditNote(memo(), untaxed, [])).toStrictEqual({
      ok: true,
      value: {
        creditNoteNumber: 'CLIO-CM-77',
        reference: 'Goodwill credit',
        date: '2025-03-04',
        status: 'AUTHORISED',
        lineAmountTypes: 'NoTax',
        lines: [{ key: 'memo:77', description: 'Goodwill credit', accountCode: '420', taxType: null, lineAmountCents: 15010 }],
        totalCents: 15010,
      },
    });
  });

  it('voids the note when the memo is voided', () => {
    const r = memoToCreditNote(memo({ voided_at: '2025-03-05T00:00:00Z' }), untaxed, []);
    expect(r.ok && r.value.status).toBe('VOIDED');
    const open = memoToCreditNote(memo({ voided_at: null }), untaxed, []);
    expect(open.ok && open.value.status).toBe('AUTHORISED');
  });

  it('converts the amount to cents without float noise and keeps the date part only', () => {
    const r = memoToCreditNote(memo({ amount: 0.1 + 0.2, date: '2025-03-04T13:00:00+11:00' }), untaxed, []);
    if (!r.ok) throw new Error(r.problem.detail);
    expect(r.value.totalCents).toBe(30);
    expect(r.value.lines[0]!.lineAmountCents).toBe(30);
    expect(r.value.date).toBe('2025-03-04');
  });

  it('names a memo without a description by its id, and clips a long one', () => {
    const bare = memoToCreditNote(memo({ description: '  ' }), untaxed, []);
    if (!bare.ok) throw new Error(bare.problem.detail);
    expect(bare.value.reference).toBe('Clio credit 77');
    expect(bare.value.lines[0]!.description).toBe('Credit');
    const long = memoToCreditNote(memo({ description: 'd'.repeat(5000) }), untaxed, []);
    if (!long.ok) throw new Error(long.problem.detail);
    expect(long.value.reference).toBe('d'.repeat(255));
    expect(long.value.lines[0]!.description).toBe('d'.repeat(4000));
  });

  it('refuses without a credit-notes account (SETTINGS_INCOMPLETE)', () => {
    const expected = { ok: false, problem: { code: 'SETTINGS_INCOMPLETE', detail: 'Choose an account for credit notes in the sync settings.' } };
    expect(memoToCreditNote(memo(), { ...proRata, accountCode: null }, [])).toEqual(expected);
    expect(memoToCreditNote(memo(), { ...proRata, accountCode: '' }, [])).toEqual(expected);
  });

  it('credits a bill in another currency in that currency, at its invoice’s rate; a base-currency bill sets neither', () => {
    expect(memoToCreditNote(memo(), untaxed, [], { code: 'USD', rate: 0.6543 })).toMatchObject({ ok: true, value: { currencyCode: 'USD', currencyRate: 0.6543 } });
    const base = memoToCreditNote(memo(), untaxed, []);
    expect(base.ok && [base.value.currencyCode, base.value.currencyRate]).toEqual([undefined, undefined]);
  });

  it('numbers notes uniquely per memo', () => {
    expect(creditNoteNumberFor(77)).toBe('CLIO-CM-77');
    expect(creditNoteNumberFor('77')).toBe('CLIO-CM-77');
  });
});

const bill = (amountCents: number, shares: Record<string, number>): CreditedBill => ({
  amountCents,
  shares: Object.entries(shares).map(([taxType, inclusiveCents]) => ({ taxType, inclusiveCents })),
});
const linesOf = (r: ReturnType<typeof memoToCreditNote>) => {
  if (!r.ok) throw new Error(r.problem.detail);
  return r.value.lines.map((l) => [l.taxType, l.lineAmountCents]);
};

describe('memoToCreditNote, pro rata over the credited bill’s tax', () => {
  it('splits the credit over the bill’s taxed and untaxed amounts to the cent, one Inclusive line per tax type', () => {
    // 1,100.00 taxed (1,000 + 100 GST) and 200.00 GST-free: 100.00 of credit is 84.615… and 15.384….
    const r = memoToCreditNote(memo({ amount: 100 }), proRata, [bill(10000, { OUTPUT: 110000, EXEMPTOUTPUT: 20000 })]);
    if (!r.ok) throw new Error(r.problem.detail);
    expect(r.value.lineAmountTypes).toBe('Inclusive');
    expect(r.value.totalCents).toBe(10000);
    expect(r.value.lines).toStrictEqual([
      { key: 'memo:77:OUTPUT', description: 'Goodwill credit', accountCode: '420', taxType: 'OUTPUT', lineAmountCents: 8462 },
      { key: 'memo:77:EXEMPTOUTPUT', description: 'Goodwill credit', accountCode: '420', taxType: 'EXEMPTOUTPUT', lineAmountCents: 1538 },
    ]);
  });

  it('a fully untaxed bill gives one line on its untaxed tax type', () => {
    expect(linesOf(memoToCreditNote(memo({ amount: 150.1 }), proRata, [bill(15010, { EXEMPTOUTPUT: 50000 })]))).toEqual([['EXEMPTOUTPUT', 15010]]);
  });

  it('a fully taxed bill gives one taxed line for the whole credit', () => {
    expect(linesOf(memoToCreditNote(memo({ amount: 150.1 }), proRata, [bill(15010, { OUTPUT: 55000 })]))).toEqual([['OUTPUT', 15010]]);
  });

  it('a credit of 0.01 is one line of one cent, on the larger share', () => {
    expect(linesOf(memoToCreditNote(memo({ amount: 0.01 }), proRata, [bill(1, { OUTPUT: 110000, EXEMPTOUTPUT: 20000 })]))).toEqual([['OUTPUT', 1]]);
  });

  it('a credit of the bill’s whole total gives back each share exactly', () => {
    expect(linesOf(memoToCreditNote(memo({ amount: 1300.01 }), proRata, [bill(130001, { OUTPUT: 110000, EXEMPTOUTPUT: 20001 })]))).toEqual([
      ['OUTPUT', 110000],
      ['EXEMPTOUTPUT', 20001],
    ]);
  });

  it('three tax types split by largest remainder, adding up to the credit', () => {
    expect(linesOf(memoToCreditNote(memo({ amount: 100 }), proRata, [bill(10000, { OUTPUT: 33333, EXEMPTOUTPUT: 33333, INPUTTAXED: 33334 })]))).toEqual([
      ['OUTPUT', 3333],
      ['EXEMPTOUTPUT', 3333],
      ['INPUTTAXED', 3334],
    ]);
  });

  it('untaxed mode keeps one NoTax line whatever the bill holds', () => {
    const r = memoToCreditNote(memo({ amount: 100 }), untaxed, [bill(10000, { OUTPUT: 110000 })]);
    if (!r.ok) throw new Error(r.problem.detail);
    expect(r.value.lineAmountTypes).toBe('NoTax');
    expect(linesOf(r)).toEqual([[null, 10000]]);
  });

  it('with no invoice tax to follow (no taxed line read), falls back to NoTax rather than guess a rate', () => {
    const r = memoToCreditNote(memo({ amount: 100 }), proRata, [bill(10000, {})]);
    expect(r.ok && r.value.lineAmountTypes).toBe('NoTax');
    expect(linesOf(r)).toEqual([[null, 10000]]);
  });
});

describe('splitCredit', () => {
  it('splits each bill’s part over that bill’s own shares, then an unapplied rest over the split', () => {
    // 60.00 on an all-taxed bill, 30.00 on an all-untaxed one, 10.00 applied to neither (2:1).
    expect(splitCredit(10000, [bill(6000, { OUTPUT: 6000 }), bill(3000, { EXEMPTOUTPUT: 9000 })])).toEqual([
      { taxType: 'OUTPUT', inclusiveCents: 6667 },
      { taxType: 'EXEMPTOUTPUT', inclusiveCents: 3333 },
    ]);
  });

  it('always adds up to the credit, for any shares', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 500; i++) {
      const bills = Array.from({ length: 1 + rand(3) }, () =>
        bill(1 + rand(100000), Object.fromEntries(['A', 'B', 'C'].slice(0, 1 + rand(3)).map((t) => [t, 1 + rand(500000)]))),
      );
      const amount = bills.reduce((a, b) => a + b.amountCents, 0) + rand(1000);
      const parts = splitCredit(amount, bills);
      expect(parts.reduce((a, p) => a + p.inclusiveCents, 0)).toBe(amount);
      expect(parts.every((p) => p.inclusiveCents > 0)).toBe(true);
    }
  });
});

describe('invoiceTaxShares', () => {
  const line = (taxType: string | null, lineAmountCents: number, taxCents: number, accountCode = '200') => ({ taxType, accountCode, lineAmountCents, taxCents });

  it('sums an Exclusive invoice’s lines per tax type with their tax, discounts netted, the rounding line left out', () => {
    const lines = [line('OUTPUT', 100000, 10000), line('EXEMPTOUTPUT', 20000, 0, '210'), line('OUTPUT', -10000, -1000), line('BASEXCLUDED', 1, 0, '860')];
    expect(invoiceTaxShares({ lineAmountTypes: 'Exclusive', lines }, '860')).toEqual([
      { taxType: 'OUTPUT', inclusiveCents: 99000 },
      { taxType: 'EXEMPTOUTPUT', inclusiveCents: 20000 },
    ]);
  });

  it('takes an Inclusive invoice’s line amounts as they are', () => {
    expect(invoiceTaxShares({ lineAmountTypes: 'Inclusive', lines: [line('OUTPUT', 11000, 1000), line('EXEMPTOUTPUT', 500, 0)] }, null)).toEqual([
      { taxType: 'OUTPUT', inclusiveCents: 11000 },
      { taxType: 'EXEMPTOUTPUT', inclusiveCents: 500 },
    ]);
  });

  it('drops a tax type discounted to nothing, and lines without a tax type', () => {
    const lines = [line('OUTPUT', 5000, 500), line('EXEMPTOUTPUT', 2000, 0), line('EXEMPTOUTPUT', -2000, 0), line(null, 300, 0)];
    expect(invoiceTaxShares({ lineAmountTypes: 'Exclusive', lines }, null)).toEqual([{ taxType: 'OUTPUT', inclusiveCents: 5500 }]);
  });
});
