import type { Cents } from './money';

/**
 * What the engine wants a Xero record to hold, before any Xero id is known. Money in cents; the
 * writer turns a draft into xero-node's model (and adds LineItemIDs and ContactIDs).
 */

export type InvoiceStatus = 'DRAFT' | 'AUTHORISED' | 'VOIDED' | 'DELETED';

export interface DraftLine {
  /** Stable across edits: which Clio thing the line stands for (`line:123`, `interest:9`, `discount:200:OUTPUT`). */
  key: string;
  description: string;
  quantity: number;
  /** Up to 4 decimal places (we always write with unitdp=4). */
  unitAmount: number;
  accountCode: string;
  /** null: the account's default tax type. */
  taxType: string | null;
  /** The line discount Xero subtracts: LineAmount = round2(quantity × unitAmount) − discount. */
  discountCents: Cents;
  /** What Xero will show as LineAmount. */
  lineAmountCents: Cents;
  /** The tax Xero will compute from the tax type (never sent: Xero figures it itself). */
  taxCents: Cents;
}

export interface InvoiceDraft {
  invoiceNumber: string;
  reference: string;
  date: string;
  dueDate: string;
  currencyCode?: string;
  status: InvoiceStatus;
  url: string;
  lines: DraftLine[];
  totalCents: Cents;
}

/** A credit-note line: one amount, tax included, on one tax type; Xero computes its tax. */
export interface CreditNoteLine {
  key: string;
  description: string;
  accountCode: string;
  /** null with NoTax: the note carries no tax. */
  taxType: string | null;
  lineAmountCents: Cents;
}

export interface CreditNoteDraft {
  creditNoteNumber: string;
  reference: string;
  date: string;
  currencyCode?: string;
  /** With currencyCode: the rate of the invoice it credits. */
  currencyRate?: number;
  status: 'AUTHORISED' | 'VOIDED';
  /** Inclusive: each line is the credit tax included, its tax Xero's from the line's tax type. */
  lineAmountTypes: 'Inclusive' | 'NoTax';
  lines: CreditNoteLine[];
  totalCents: Cents;
}

export interface ContactDraft {
  name: string;
  firstName?: string;
  lastName?: string;
  emailAddress?: string;
  phones: { phoneType: 'DEFAULT' | 'MOBILE' | 'FAX' | 'DDI'; phoneNumber: string }[];
  addresses: {
    addressType: 'POBOX' | 'STREET';
    addressLine1?: string;
    city?: string;
    region?: string;
    postalCode?: string;
    country?: string;
  }[];
}

/** One Xero payment on one invoice: what one Clio payment allocation becomes. */
export interface PaymentDraft {
  invoiceId: string;
  /** The code of the bank account ("Match Clio payments to Xero bank account"). */
  bankAccountCode: string;
  date: string;
  amountCents: Cents;
  /** `Clio payment <allocation id>`: how a payment whose create may have landed is found again. */
  reference: string;
  /** An invoice in another currency than the organisation's: its rate, so the payment goes at it. */
  currencyRate?: number;
}

/** A "spend money" bank transaction: what one Clio hard cost becomes. */
export interface SpendDraft {
  date: string;
  /** `Clio hard cost <activity id>`. */
  reference: string;
  description: string;
  bankAccountCode: string;
  accountCode: string;
  /** Inclusive: Clio's amount is what was paid, tax in; NoTax for an untaxed cost. */
  lineAmountTypes: 'Inclusive' | 'NoTax';
  amountCents: Cents;
  url: string;
}

/** Why a record cannot be mapped; `code` is one of sync/errors.ts's stable codes. */
export interface MappingProblem {
  code:
    | 'SETTINGS_INCOMPLETE'
    | 'TOTAL_MISMATCH'
    | 'CLIO_RECORD_INCOMPLETE'
    | 'XERO_CURRENCY_NOT_ENABLED'
    | 'XERO_TAX_TYPE_INVALID'
    | 'TAX_RATE_MISMATCH'
    | 'XERO_ROUNDING_ACCOUNT_MISSING';
  detail: string;
}

export type Mapped<T> = { ok: true; value: T } | { ok: false; problem: MappingProblem };
