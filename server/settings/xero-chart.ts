import type { Account, TaxRate } from 'xero-node';
import { openXeroForFirm, type XeroClientDeps } from '../xero/client';
import { XeroApiError, XeroNotConnectedError } from '../xero/errors';
import type { ChartAccount } from './chart';
import type { LoadXeroChart } from './service';
import type { ChartTaxRate } from '../api-contract';

const text = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));

export function toChartAccount(a: Account): ChartAccount {
  return {
    id: text(a.accountID) ?? '',
    code: text(a.code),
    name: text(a.name) ?? '(unnamed account)',
    type: text(a.type) ?? '',
    status: text(a.status) ?? '',
    systemAccount: text(a.systemAccount),
  };
}

export function toChartTaxRate(t: TaxRate): ChartTaxRate {
  return {
    taxType: text(t.taxType) ?? '',
    name: text(t.name) ?? text(t.taxType) ?? '',
    status: text(t.status) ?? '',
    canApplyToRevenue: t.canApplyToRevenue !== false,
    rate: typeof t.effectiveRate === 'number' ? t.effectiveRate : null,
  };
}

/** Xero failed while we read the chart; the HTTP layer passes Xero's own words on (certification X10). */
export class XeroChartUnavailableError extends Error {
  override name = 'XeroChartUnavailableError';
  constructor(readonly xero: XeroApiError) {
    super(`Xero could not give us the chart of accounts: ${xero.message}`, { cause: xero });
  }
}

/**
 * Reads the chart fresh from the firm's Xero organisation; null when the firm has no usable
 * connection, XeroChartUnavailableError when Xero fails.
 */
export function xeroChartLoader(deps: XeroClientDeps): LoadXeroChart {
  return async (firmId) => {
    try {
      const xero = await openXeroForFirm(deps, firmId);
      const [accounts, taxRates] = await Promise.all([xero.getAccounts(), xero.getTaxRates()]);
      return { accounts: accounts.map(toChartAccount), taxRates: taxRates.map(toChartTaxRate) };
    } catch (err) {
      if (err instanceof XeroNotConnectedError) return null;
      if (err instanceof XeroApiError) throw new XeroChartUnavailableError(err);
      throw err;
    }
  };
}
