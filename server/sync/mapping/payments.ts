import type { ClioPaymentAllocation } from './clio-records';
import { toCents } from './money';
import type { Mapped, PaymentDraft } from './xero-drafts';

/**
 * A Clio payment allocation → one Xero payment on its bill's invoice.
 *
 * One Clio payment spread over several bills becomes one Xero payment per invoice, not a Xero
 * BatchPayment: a batch payment can only be deleted whole, never one payment at a time, while
 * Clio voids or reallocates one allocation at a time — a reallocation moves one bill's share, and
 * its Xero payment alone must go. One payment per allocation follows Clio exactly.
 *
 * A payment from trust is a bill payment like any other (money moved from trust to operating to
 * pay the bill) and syncs; trust deposits and trust balances are never read (Xero cannot hold them).
 *
 * On an invoice in another currency the payment carries the invoice's rate: Clio knows one amount
 * in one currency and no exchange, and a payment left to Xero's day rate would book a currency
 * gain or loss nobody made.
 */
export const paymentReference = (allocationId: number | string): string => `Clio payment ${allocationId}`;

export function allocationToPayment(
  allocation: ClioPaymentAllocation,
  invoice: { id: string; currencyRate?: number },
  bankAccountCode: string | null,
): Mapped<PaymentDraft> {
  if (!bankAccountCode) {
    return {
      ok: false,
      problem: { code: 'SETTINGS_INCOMPLETE', detail: 'Choose the Xero bank account Clio payments go to ("Match Clio payments to Xero bank account").' },
    };
  }
  const amountCents = toCents(allocation.amount);
  if (amountCents <= 0) return { ok: false, problem: { code: 'CLIO_RECORD_INCOMPLETE', detail: `Payment allocation ${allocation.id} has no amount.` } };
  return {
    ok: true,
    value: {
      invoiceId: invoice.id,
      bankAccountCode,
      date: allocation.date.slice(0, 10),
      amountCents,
      reference: paymentReference(allocation.id),
      ...(invoice.currencyRate !== undefined ? { currencyRate: invoice.currencyRate } : {}),
    },
  };
}
