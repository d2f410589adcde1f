import { toChartAccount, toChartTaxRate } from '../settings/xero-chart';
import type { SyncContext } from './context';
import type { XeroTaxBook } from './mapping/invoices';

/**
 * The organisation's tax rates (EffectiveRate per TaxType) and its ROUNDING system account, read
 * once a run when a bill is first mapped: the mapping figures each invoice as Xero will with them.
 * The rounding account is looked up, never assumed; its own tax type is used only when it is 0 %,
 * so a rounding line moves no tax.
 */
/**
 * Kept per organisation for a while across runs: a webhook's one-bill run would otherwise spend two
 * of the organisation's 60 calls a minute on reads that change a few times a year. A run that meets
 * a tax type Xero refuses drops it (forgetXeroTaxBook), so the next run reads the rates again.
 */
const TAX_BOOK_TTL_MS = 10 * 60_000;
/** By the firm's Xero connection: a reconnect (another organisation, perhaps) starts afresh. */
const books = new Map<string, { book: XeroTaxBook; at: number }>();

export function forgetXeroTaxBook(connectionId: string): void {
  books.delete(connectionId);
}

export async function xeroTaxBook(ctx: SyncContext, now = Date.now()): Promise<XeroTaxBook> {
  if (ctx.xeroTax) return ctx.xeroTax;
  const kept = books.get(ctx.xero.connectionId);
  if (kept && now - kept.at < TAX_BOOK_TTL_MS) return (ctx.xeroTax = kept.book);
  const [accounts, taxRates] = await Promise.all([ctx.xero.getAccounts(), ctx.xero.getTaxRates()]);
  const rates = new Map<string, number>();
  for (const t of taxRates.map(toChartTaxRate)) if (t.taxType && t.rate !== null) rates.set(t.taxType, t.rate);
  const account = accounts.find((a) => String(a.systemAccount ?? '') === 'ROUNDING' && String(a.status ?? 'ACTIVE') === 'ACTIVE');
  const code = account ? toChartAccount(account).code : null;
  const taxType = account?.taxType ? String(account.taxType) : null;
  const rounding = code && taxType && rates.get(taxType) === 0 ? { accountCode: code, taxType } : null;
  ctx.xeroTax = { rates, rounding };
  books.set(ctx.xero.connectionId, { book: ctx.xeroTax, at: now });
  return ctx.xeroTax;
}
