import { XeroApiError, XeroNotConnectedError } from '../xero/errors';
import { ClioApiError, ClioNotConnectedError } from '../clio/errors';

/**
 * Every failure the firm can see has a stable code, a cause in plain words and the fix. Codes are
 * the grouping key of the Status tab and never change meaning; messages may be reworded.
 */
export const SYNC_ERROR_CODES = {
  XERO_ACCOUNT_ARCHIVED: {
    cause: 'An account the sync uses is archived or deleted in Xero.',
    fix: 'Restore the account in Xero (Accounting → Chart of accounts), or choose another account in the sync settings. The records retry by themselves.',
  },
  XERO_ACCOUNT_INVALID: {
    cause: 'Xero does not accept an account the sync uses on this kind of line.',
    fix: 'Choose a revenue account that is active in Xero in the sync settings, for the line kind or the activity category named here.',
  },
  XERO_TAX_TYPE_INVALID: {
    cause: 'Xero refused the tax rate chosen for this kind of line with its account.',
    fix: 'In the sync settings, pick a tax rate that suits the account (a sales tax rate for revenue accounts).',
  },
  XERO_CONTACT_NAME_TAKEN: {
    cause: 'Another Xero contact already has this name.',
    fix: 'Rename one of the two in Clio or Xero, or link them from the Contacts to review list in the settings.',
  },
  XERO_CONTACT_ARCHIVED: {
    cause: 'The client is archived in Xero, and Xero accepts no new invoices for archived contacts.',
    fix: 'Restore the contact in Xero (Contacts → Archived → Restore). The bill retries by itself.',
  },
  XERO_CONTACT_NUMBER_TAKEN: {
    cause: 'Another Xero contact already uses the contact number this client needs.',
    fix: 'Clear the contact number of the other contact in Xero, or link the two from the Contacts to review list.',
  },
  XERO_INVOICE_NUMBER_TAKEN: {
    cause: 'An invoice with this bill’s number already exists in Xero and was not created from this Clio bill.',
    fix: 'Renumber one of the two: change the bill number in Clio, or the invoice number in Xero.',
  },
  XERO_LOCK_DATE: {
    cause: 'The bill is dated in a period that is locked in Xero.',
    fix: 'Ask your adviser to move the lock date in Xero (Settings → Advanced → Financial settings), or re-date the bill in Clio.',
  },
  XERO_PAID_LINE_EDIT: {
    cause: 'The bill changed in Clio after its invoice was paid (or part paid) in Xero, and Xero keeps the amounts of a paid invoice.',
    fix: 'As Clio advises: remove the payment in Xero, let the bill sync again, then re-apply the payment — or undo the edit in Clio and record the change as a credit note.',
  },
  XERO_VOID_HAS_PAYMENTS: {
    cause: 'The bill was voided in Clio, but its Xero invoice has payments or credit notes applied, which Xero does not allow to void.',
    fix: 'Remove the payments and credit-note allocations from the invoice in Xero; the void then follows by itself.',
  },
  XERO_NEGATIVE_TOTAL: {
    cause: 'Xero refuses a document whose total is below zero.',
    fix: 'Reduce the discount or credit in Clio so the bill total is zero or more.',
  },
  XERO_INVOICE_NOT_AUTHORISED: {
    cause: 'The credit note or payment waits for its bill’s invoice to be approved in Xero before it can be applied.',
    fix: 'Approve the invoice in Xero, or set new invoices to "awaiting payment" in the sync settings.',
  },
  XERO_CURRENCY_NOT_ENABLED: {
    cause: 'The bill is in a currency your Xero organisation does not use.',
    fix: 'Enable the bill’s currency in Xero: Settings → Currencies (it needs a plan with multi-currency); the bill is sent on the next sync. Or bill in the organisation’s own currency.',
  },
  XERO_INVOICE_CLOSED: {
    cause: 'The invoice was voided or deleted in Xero, so Xero accepts no more changes to it.',
    fix: 'If that was deliberate, void the bill in Clio too. If not, the bill needs a new number in Clio to be sent again as a new invoice.',
  },
  XERO_RECONCILED: {
    cause:
      'The hard cost changed or was deleted in Clio, but its Xero bank transaction is reconciled with a bank statement line, and Xero allows no change to a reconciled transaction.',
    fix: 'In Xero, unreconcile the transaction (Bank accounts → the account → Reconciled → Remove & redo), then retry; or undo the change in Clio.',
  },
  XERO_VALIDATION: {
    cause: 'Xero refused the record.',
    fix: 'Read Xero’s message below, correct the record in Clio, and it retries by itself.',
  },
  XERO_DAILY_LIMIT: {
    cause: 'Xero’s daily allowance of calls for this organisation is used up.',
    fix: 'Nothing to do: the sync resumes by itself when Xero resets the allowance.',
  },
  TAX_RATE_MISMATCH: {
    cause: 'Clio taxes the bill at a different rate from the Xero tax rate chosen for it, so Xero would report other tax than Clio billed.',
    fix: 'In the sync settings, choose the Xero tax rate that matches Clio’s (taxed and untaxed lines each have their own), or correct the bill’s tax in Clio. The bill retries by itself.',
  },
  XERO_ROUNDING_ACCOUNT_MISSING: {
    cause:
      'Xero rounds tax per line, so the invoice needs a rounding line to equal Clio’s total to the cent, and the Xero organisation has no rounding account (a system account with a 0 % tax rate) to put it on.',
    fix: 'In Xero, check Accounting → Chart of accounts for the Rounding system account and give it a 0 % tax rate (BAS Excluded, No VAT or similar); the bill then retries by itself.',
  },
  TOTAL_MISMATCH: {
    cause: 'The invoice in Xero would not equal the bill in Clio to the cent, so it was not sent.',
    fix: 'Check the bill’s lines, discounts and tax in Clio; if they look right, contact support with the bill number.',
  },
  SETTINGS_INCOMPLETE: {
    cause: 'The sync settings are missing an account or tax rate this record needs.',
    fix: 'Open the sync settings, choose the missing account or tax rate, and save.',
  },
  CLIO_RECORD_INCOMPLETE: {
    cause: 'The Clio record lacks something Xero needs.',
    fix: 'Complete the record in Clio (see the detail); it retries by itself.',
  },
  SYNC_CONFLICT: {
    cause: 'The same field was changed differently in Clio and in Xero since the last sync.',
    fix: 'In the Status tab, choose for each conflict whether to keep Clio’s or Xero’s version; the other side is then updated.',
  },
  XERO_EDIT_NOT_APPLIED: {
    cause: 'An edit made to the invoice in Xero cannot be written to the Clio bill through Clio’s API.',
    fix: 'Make the change named here on the bill in Clio by hand (or undo it in Xero); Clio’s version then syncs to Xero.',
  },
  CLIO_PAYMENT_NOT_RECORDED: {
    cause: 'The invoice was paid in Xero, but Clio did not accept marking the bill paid.',
    fix: 'In Clio, open the bill and record a payment (Billing → the bill → Record payment) with the amount, date and reference named here, to the bank account chosen for Xero payments in the sync settings.',
  },
  XERO_PAYMENT_REMOVED: {
    cause: 'A payment was removed in Xero from an invoice whose Clio bill the sync had marked paid.',
    fix: 'Check the payment with your bookkeeper. If it was removed on purpose, undo the payment on the bill in Clio by hand; the sync does not guess.',
  },
  AUTH_REVOKED: {
    cause: 'The connection to Xero or Clio was removed or has expired.',
    fix: 'Reconnect on the settings page.',
  },
} as const;

export type SyncErrorCode = keyof typeof SYNC_ERROR_CODES;

/** One record's failure: the code groups it, `detail` says what exactly (Xero's own words when it gave them). */
export interface RecordFailure {
  code: SyncErrorCode;
  detail: string;
}

const RULES: [RegExp, SyncErrorCode][] = [
  [/has been reconciled/i, 'XERO_RECONCILED'],
  [/archived, or has been deleted|account.*archived/i, 'XERO_ACCOUNT_ARCHIVED'],
  [/TaxType code .* cannot be used|TaxType .*does not exist|TaxType field is mandatory/i, 'XERO_TAX_TYPE_INVALID'],
  [/Account code or ID must be specified|is not a valid code|system account|bank account and cannot be used/i, 'XERO_ACCOUNT_INVALID'],
  // Before the name rule: Xero words a number clash "… is already assigned to another contact" too.
  [/contact number/i, 'XERO_CONTACT_NUMBER_TAKEN'],
  [/contact name .* already|already assigned to another contact/i, 'XERO_CONTACT_NAME_TAKEN'],
  [/has been archived\. The contact must be un-archived/i, 'XERO_CONTACT_ARCHIVED'],
  [/must be unique/i, 'XERO_INVOICE_NUMBER_TAKEN'],
  [/lock date/i, 'XERO_LOCK_DATE'],
  [/paid invoice line item|cannot be edited as it has a payment|has payments or credit notes allocated/i, 'XERO_PAID_LINE_EDIT'],
  [/greater than or equal to zero/i, 'XERO_NEGATIVE_TOTAL'],
  [/not subscribed to currency/i, 'XERO_CURRENCY_NOT_ENABLED'],
  [/must be authorised|only be allocated .*authorised|only be made against authorised/i, 'XERO_INVOICE_NOT_AUTHORISED'],
  [/not of valid status for modification/i, 'XERO_INVOICE_CLOSED'],
];

/** Xero's validation messages for one element → a stable code (the first rule that matches any message). */
export function classifyXeroMessages(messages: string[]): RecordFailure {
  for (const [pattern, code] of RULES) {
    const hit = messages.find((m) => pattern.test(m));
    if (hit) return { code, detail: messages.join(' ') };
  }
  return { code: 'XERO_VALIDATION', detail: messages.join(' ') || 'Xero gave no reason.' };
}

export const isConnectionLost = (err: unknown): boolean =>
  err instanceof XeroNotConnectedError ||
  err instanceof ClioNotConnectedError ||
  (err instanceof XeroApiError && (err.kind === 'auth_revoked' || err.kind === 'forbidden')) ||
  (err instanceof ClioApiError && (err.status === 401 || err.status === 403));

export const isDailyLimit = (err: unknown): err is XeroApiError => err instanceof XeroApiError && err.kind === 'rate_limited' && err.rateLimit.problem === 'day';
