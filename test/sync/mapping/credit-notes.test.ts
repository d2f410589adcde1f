import { describe, expect, it } from 'vitest';
import type { ClioCreditMemo } from '../../../server/sync/mapping/clio-records';
import { creditNoteNumberFor, memoToCreditNote } from '../../../server/sync/mapping/credit-notes';

const memo = (over: Partial<ClioCreditMemo> = {}): ClioCreditMemo => ({
  id: 77,
  date: '2025-03-04',
  amount: 150.1,
  description: ' Goodwill credit ',
  updated_at: '2025-03-04T09:00:00Z',
  contact: { id: 7 },
  ...over,
});

describe('memoToCreditNote', () => {
  it('makes one untaxed line on the credit-notes account for the memo’s amount', () => {
    expect(memoToCreditNote(memo(), '420')).toStrictEqual({
      ok: true,
      value: {
        creditNoteNumber: 'CLIO-CM-77',
        reference: 'Goodwill credit',
        date: '2025-03-04',
        status: 'AUTHORISED',
        lines: [
          {
            key: 'memo:77',
            description: 'Goodwill credit',
            quantity: 1,
            unitAmount: 150.1,
            accountCode: '420',
            taxType: null,
            discountCents: 0,
            lineAmountCents: 15010,
            taxCents: 0,
          },
        ],
        totalCents: 15010,
      },
    });
  });

  it('voids the note when the memo is voided', () => {
    const r = memoToCreditNote(memo({ voided_at: '2025-03-05T00:00:00Z' }), '420');
    expect(r.ok && r.value.status).toBe('VOIDED');
    const open = memoToCreditNote(memo({ voided_at: null }), '420');
    expect(open.ok && open.value.status).toBe('AUTHORISED');
  });

  it('converts the amount to cents without float noise and keeps the date part only', () => {
    const r = memoToCreditNote(memo({ amount: 0.1 + 0.2, date: '2025-03-04T13:00:00+11:00' }), '420');
    if (!r.ok) throw new Error(r.problem.detail);
    expect(r.value.totalCents).toBe(30);
    expect(r.value.lines[0]!.lineAmountCents).toBe(30);
    expect(r.value.lines[0]!.unitAmount).toBe(0.3);
    expect(r.value.date).toBe('2025-03-04');
  });

  it('names a memo without a description by its id, and clips a long one', () => {
    const bare = memoToCreditNote(memo({ description: '  ' }), '420');
    if (!bare.ok) throw new Error(bare.problem.detail);
    expect(bare.value.reference).toBe('Clio credit 77');
    expect(bare.value.lines[0]!.description).toBe('Credit');
    const long = memoToCreditNote(memo({ description: 'd'.repeat(5000) }), '420');
    if (!long.ok) throw new Error(long.problem.detail);
    expect(long.value.reference).toBe('d'.repeat(255));
    expect(long.value.lines[0]!.description).toBe('d'.repeat(4000));
  });

  it('refuses without a credit-notes account (SETTINGS_INCOMPLETE)', () => {
    const expected = { ok: false, problem: { code: 'SETTINGS_INCOMPLETE', detail: 'Choose an account for credit notes in the sync settings.' } };
    expect(memoToCreditNote(memo(), null)).toEqual(expected);
    expect(memoToCreditNote(memo(), '')).toEqual(expected);
  });

  it('numbers notes uniquely per memo', () => {
    expect(creditNoteNumberFor(77)).toBe('CLIO-CM-77');
    expect(creditNoteNumberFor('77')).toBe('CLIO-CM-77');
  });
});
