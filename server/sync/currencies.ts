import { refreshXeroCurrencies } from '../xero/currencies';
import type { SyncContext } from './context';
import type { MappingProblem } from './mapping/xero-drafts';

/**
 * Whether Xero will take a document in this currency, told before the call: Xero would refuse it
 * ("Organisation is not subscribed to currency …"). The stored list answers without a call; a
 * currency missing from it is read again once a run, so one enabled in Xero since is sent.
 */
export async function currencyFailure(ctx: SyncContext, code: string | undefined): Promise<MappingProblem | undefined> {
  if (!code) return undefined;
  if (ctx.xero.enabledCurrencies?.includes(code)) return undefined;
  if (!ctx.currenciesReread) {
    ctx.currenciesReread = true;
    await refreshXeroCurrencies(ctx.db, ctx.xero, { store: !ctx.dryRun });
    if (ctx.xero.enabledCurrencies?.includes(code)) return undefined;
  }
  return {
    code: 'XERO_CURRENCY_NOT_ENABLED',
    detail: `The bill is in ${code}, which ${ctx.xero.tenantName || 'the Xero organisation'} has not enabled. Enable ${code} in Xero: Settings → Currencies; the bill is then sent on the next sync.`,
  };
}
