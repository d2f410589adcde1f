import type { ClioCreditMemo } from './clio-records';
import { fromCents, toCents } from './money';
import type { CreditNoteDraft, Mapped } from './xero-drafts';

/** The Xero CreditNoteNumber of a Clio credit memo: unique per memo, so a lost create is found again. */
export const creditNoteNumberFor = (memoId: number | string): string => `CLIO-CM-${memoId}`;

/**
 * A Clio credit memo → an ACCRECCREDIT on the firm's credit-notes account. Clio charges no tax on
 * a credit, so the note carries none (NoTax), and its total is the memo's amount to the cent.
 */
export function memoToCreditNote(memo: ClioCreditMemo, creditNoteAccountCode: string | null): Mapped<CreditNoteDraft> {
  if (!creditNoteAccountCode) return { ok: false, problem: { code: 'SETTINGS_INCOMPLETE', detail: 'Choose an account for credit notes in the sync settings.' } };
  const amount = toCents(memo.amount);
  return {
    ok: true,
    value: {
      creditNoteNumber: creditNoteNumberFor(memo.id),
      reference: (memo.description?.trim() || `Clio credit ${memo.id}`).slice(0, 255),
      date: memo.date.slice(0, 10),
      status: memo.voided_at ? 'VOIDED' : 'AUTHORISED',
      lines: [
        {
          key: `memo:${memo.id}`,
          description: (memo.description?.trim() || 'Credit').slice(0, 4000),
          quantity: 1,
          unitAmount: fromCents(amount),
          accountCode: creditNoteAccountCode,
          taxType: null,
          discountCents: 0,
          lineAmountCents: amount,
          taxCents: 0,
        },
      ],
      totalCents: amount,
    },
  };
}
