import type { ClioDeposit } from './clio-records';
import { type Cents, sumCents, toCents } from './money';
import { spokenDay, spokenMoney } from './open-item-words';

/**
 * A Clio payment larger than what it is allocated to leaves the rest as the client's unapplied
 * credit: in Clio's bank, not in Xero's (the sync sends allocations, one Xero payment each). The
 * whole amount received is the payment's deposit in the operating account, which names one of the
 * payment's allocations; what its live allocations do not cover is the credit.
 */
export function unappliedCents(
  deposits: ClioDeposit[],
  allocations: { id: number; amount: number; voided_at?: string | null }[],
): { deposit: ClioDeposit; cents: Cents } | undefined {
  const ids = new Set(allocations.map((a) => a.id));
  const deposit = deposits.find((d) => d.allocation && ids.has(d.allocation.id));
  if (!deposit) return undefined;
  const allocated = sumCents(allocations.filter((a) => !a.voided_at).map((a) => toCents(a.amount)));
  return { deposit, cents: toCents(deposit.funds_in) - allocated };
}

/** What to enter in Xero by hand, in the words of the Status tab. */
export function unappliedCreditWords(p: {
  receivedCents: Cents;
  creditCents: Cents;
  currencyCode: string | null | undefined;
  date: string;
  clientName: string;
  xeroBankAccountCode: string | null;
}): string {
  const m = (c: Cents) => spokenMoney(c, p.currencyCode);
  const to = p.xeroBankAccountCode ? `bank account ${p.xeroBankAccountCode}` : 'the bank account Clio payments go to';
  return (
    `Payment of ${m(p.receivedCents)} from ${p.clientName} on ${spokenDay(p.date)}: ${m(p.creditCents)} is not applied to any bill in Clio and is not in Xero. ` +
    `In Xero, record a ${m(p.creditCents)} overpayment from ${p.clientName} to ${to}, dated ${spokenDay(p.date)} (Bank account → New → Receive money → Overpayment).`
  );
}
