import { type Cents, fromCents } from './money';

/**
 * The words of an open item, the same on the Status tab and in the Clio task: what arrived, where,
 * when, for which bill and client, and what to do — "$400.00 received in Xero on 3 Dec 2026 for
 * bill 15, Lucas Wilson: record it in Clio to Operating account".
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2026-12-03 → "3 Dec 2026": a date no reader can take for 12 March. */
export function spokenDay(isoDay: string): string {
  const [y, m, d] = isoDay.slice(0, 10).split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
}

/** 103000 → "$1,030.00" (the currency's own narrow symbol: $, £, €). */
export function spokenMoney(cents: Cents, currencyCode: string | null | undefined): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency: currencyCode || 'USD', currencyDisplay: 'narrowSymbol' }).format(fromCents(cents));
}

export function xeroPaymentToRecordWords(p: {
  amountCents: Cents;
  currencyCode: string | null | undefined;
  date: string;
  billNumber: string;
  clientName: string;
  clioBankAccountName: string | null;
}): string {
  const where = p.clioBankAccountName ? ` to ${p.clioBankAccountName}` : '';
  return `${spokenMoney(p.amountCents, p.currencyCode)} received in Xero on ${spokenDay(p.date)} for bill ${p.billNumber}, ${p.clientName}: record it in Clio${where}`;
}
