import type { Invoice } from 'xero-node';
import type { SyncContext } from '../context';
import { type LinkRow, type LinkSnapshot, updateSnapshot } from '../links';
import { getInvoicesById } from '../xero-writer';

/** A linked invoice in another currency than the organisation's: its code and the rate Xero set on it. */
export interface ForeignCurrency {
  code: string;
  rate: number;
}

/** What a bill's link remembers of its invoice's currency (read from Xero's answer to the write). */
export function invoiceCurrency(invoice: Invoice): Pick<LinkSnapshot, 'currency' | 'currencyRate'> {
  return {
    ...(invoice.currencyCode !== undefined ? { currency: String(invoice.currencyCode) } : {}),
    ...(typeof invoice.currencyRate === 'number' ? { currencyRate: invoice.currencyRate } : {}),
  };
}

/**
 * The invoice's currency when it is not the organisation's. A document in the base currency always
 * has a CurrencyRate of 1 (Xero staff, community.xero.com/developer/discussion/38091), so any other
 * rate marks a foreign one; a payment or credit note on it must go at that rate and in that
 * currency, or Xero books a currency gain or loss Clio never had (or refuses the allocation).
 */
export function foreignCurrencyOf(link: LinkRow | undefined): ForeignCurrency | undefined {
  const s = link?.snapshot;
  return s?.currency && typeof s.currencyRate === 'number' && s.currencyRate !== 1 ? { code: s.currency, rate: s.currencyRate } : undefined;
}

/**
 * Links made before they kept their invoice's currency are read from Xero (one read per 50), and
 * remember it from then on; `billLinks` is brought up to date in place.
 */
export async function knowInvoiceCurrencies(ctx: SyncContext, billLinks: Map<string, LinkRow>, clioIds: Iterable<string>): Promise<void> {
  const unknown = [...new Set(clioIds)].map((id) => billLinks.get(id)).filter((l): l is LinkRow => !!l?.xeroId && l.snapshot?.currencyRate === undefined);
  if (unknown.length === 0) return;
  const invoices = new Map(
    (
      await getInvoicesById(
        ctx.xero,
        unknown.map((l) => l.xeroId!),
      )
    ).map((inv) => [inv.invoiceID!.toLowerCase(), inv]),
  );
  for (const link of unknown) {
    const invoice = invoices.get(link.xeroId!.toLowerCase());
    if (!invoice) continue;
    const snapshot = { ...link.snapshot, ...invoiceCurrency(invoice) };
    if (!ctx.dryRun) await updateSnapshot(ctx.db, ctx.firmId, 'bill', link.clioId, snapshot);
    billLinks.set(link.clioId, { ...link, snapshot });
  }
}
