import type { ClioCreditMemo } from './clio-records';
import { allocateCents, type Cents, toCents } from './money';
import type { CreditNoteDraft, CreditNoteLine, Mapped } from './xero-drafts';

/** The Xero CreditNoteNumber of a Clio credit memo: unique per memo, so a lost create is found again. */
export const creditNoteNumberFor = (memoId: number | string): string => `CLIO-CM-${memoId}`;

/** How credit notes are taxed (the setting `creditNoteTaxMode`). */
export type CreditNoteTaxMode = 'pro_rata' | 'untaxed';

/** What one tax type holds of a bill's invoice, tax included: the part of a credit that reverses that tax. */
export interface TaxShare {
  taxType: string;
  inclusiveCents: Cents;
}

/** A line of the credited invoice as Xero holds it. */
export interface InvoiceLineTax {
  taxType: string | null;
  accountCode: string | null;
  lineAmountCents: Cents;
  taxCents: Cents;
}

/**
 * An invoice's lines summed per tax type, tax included (an Exclusive invoice's LineAmount is net of
 * its tax). The rounding line (on the ROUNDING system account) is left out: its cent is no supply of
 * either kind. Shares at zero or below (a tax type fully discounted) can take no part of a credit.
 */
export function invoiceTaxShares(invoice: { lineAmountTypes: string; lines: InvoiceLineTax[] }, roundingAccountCode: string | null): TaxShare[] {
  const byType = new Map<string, Cents>();
  for (const l of invoice.lines) {
    if (!l.taxType || (roundingAccountCode && l.accountCode === roundingAccountCode)) continue;
    const inclusive = invoice.lineAmountTypes === 'Exclusive' ? l.lineAmountCents + l.taxCents : l.lineAmountCents;
    byType.set(l.taxType, (byType.get(l.taxType) ?? 0) + inclusive);
  }
  return [...byType].filter(([, cents]) => cents > 0).map(([taxType, inclusiveCents]) => ({ taxType, inclusiveCents }));
}

/** One bill the memo credits: the amount Clio applied to it and its invoice's tax shares. */
export interface CreditedBill {
  amountCents: Cents;
  shares: TaxShare[];
}

/**
 * The memo's amount split over tax types: each bill's part pro rata over that bill's shares (largest
 * remainder, so every cent lands), then the rest (applied to no bill, or to one with no share to
 * follow) over the split so far. The parts add up to the memo's amount exactly.
 */
export function splitCredit(amountCents: Cents, bills: CreditedBill[]): TaxShare[] {
  const byType = new Map<string, Cents>();
  const add = (shares: TaxShare[], total: Cents) =>
    allocateCents(
      total,
      shares.map((s) => s.inclusiveCents),
    ).forEach((cents, i) => byType.set(shares[i]!.taxType, (byType.get(shares[i]!.taxType) ?? 0) + cents));
  let applied = 0;
  for (const b of bills) {
    if (b.shares.length === 0) continue;
    add(b.shares, b.amountCents);
    applied += b.amountCents;
  }
  const split = () => [...byType].map(([taxType, inclusiveCents]) => ({ taxType, inclusiveCents }));
  if (applied !== amountCents && byType.size > 0) add(split(), amountCents - applied);
  return split().filter((s) => s.inclusiveCents !== 0);
}

export interface CreditNoteSettings {
  accountCode: string | null;
  taxMode: CreditNoteTaxMode;
}

/**
 * A Clio credit memo → an ACCRECCREDIT on the firm's credit-notes account, its total the memo's
 * amount to the cent (Clio's credit reduces the bill's balance, tax included). A credit for reduced
 * fees reverses the tax of what it credits: pro rata, one line per tax type of the credited bills,
 * Inclusive, so Xero takes each line's tax out of it by the line's tax type and no TaxAmount is
 * sent. Untaxed (the firm's choice, or no taxed bill to follow): one line, NoTax.
 *
 * A credit on a bill in another currency is in that currency, at its invoice's rate: Xero allocates
 * a credit note only to invoices of its own currency, and Clio's credit is in the bill's.
 */
export function memoToCreditNote(
  memo: ClioCreditMemo,
  settings: CreditNoteSettings,
  credited: CreditedBill[],
  currency?: { code: string; rate: number },
): Mapped<CreditNoteDraft> {
  if (!settings.accountCode) return { ok: false, problem: { code: 'SETTINGS_INCOMPLETE', detail: 'Choose an account for credit notes in the sync settings.' } };
  const amount = toCents(memo.amount);
  const description = (memo.description?.trim() || 'Credit').slice(0, 4000);
  const split = settings.taxMode === 'pro_rata' ? splitCredit(amount, credited) : [];
  const lines: CreditNoteLine[] = split.length
    ? split.map((s) => ({ key: `memo:${memo.id}:${s.taxType}`, description, accountCode: settings.accountCode!, taxType: s.taxType, lineAmountCents: s.inclusiveCents }))
    : [{ key: `memo:${memo.id}`, description, accountCode: settings.accountCode, taxType: null, lineAmountCents: amount }];
  return {
    ok: true,
    value: {
      creditNoteNumber: creditNoteNumberFor(memo.id),
      reference: (memo.description?.trim() || `Clio credit ${memo.id}`).slice(0, 255),
      date: memo.date.slice(0, 10),
      ...(currency ? { currencyCode: currency.code, currencyRate: currency.rate } : {}),
      status: memo.voided_at ? 'VOIDED' : 'AUTHORISED',
      lineAmountTypes: split.length ? 'Inclusive' : 'NoTax',
      lines,
      totalCents: amount,
    },
  };
}
