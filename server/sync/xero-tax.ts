import { toChartAccount, toChartTaxRate } from '../settings/xero-chart';
import type { SyncContext } from './context';
import type { XeroTaxBook } from './mapping/invoices';

/**
 * The organisation's tax rates (EffectiveRate per TaxType) and its ROUNDING system account, read
 * once a run when a bill is first mapped: the mapping figures each invoice as Xero will with them.
 * The rounding account is looked up, never assumed; its own tax type is used only when it is 0 %,
 * so a rounding line moves no tax.
 */
export async function xeroTaxBook(ctx: SyncContext): Promise<XeroTaxBook> {
  if (ctx.xeroTax) return ctx.xeroTax;
  const [accounts, taxRates] = await Promise.all([ctx.xero.getAccounts(), ctx.xero.getTaxRates()]);
  const rates = new Map<string, number>();
  for (const t of taxRates.map(toChartTaxRate)) if (t.taxType && t.rate !== null) rates.set(t.taxType, t.rate);
  const account = accounts.find((a) => String(a.systemAccount ?? '') === 'ROUNDING' && String(a.status ?? 'ACTIVE') === 'ACTIVE');
  const code = account ? toChartAccount(account).code : null;
  const taxType = account?.taxType ? String(account.taxType) : null;
  const rounding = code && taxType && rates.get(taxType) === 0 ? { accountCode: code, taxType } : null;
  ctx.xeroTax = { rates, rounding };
  return ctx.xeroTax;
}
