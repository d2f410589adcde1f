// Exchange rates: Xero's CurrencyRate is units of the document's currency per unit of the base
// currency. A document or payment sent without one gets Xero's day rate (XE.com; xero-api.md §8,
// the OpenAPI's CurrencyRate: "If no rate is specified, the XE.com day rate is used"). The
// emulator's day rate is a fixed table, the same every day (UNCONFIRMED: which day's rate Xero
// takes for a back-dated payment).
import type { Tenant } from './store';

const DAY_RATES_PER_AUD: Record<string, number> = { USD: 0.6512, EUR: 0.6034, GBP: 0.5171, NZD: 1.0893, CAD: 0.8987 };

export function rateFor(tenant: Tenant, currency: string, given: unknown): number {
  if (currency === tenant.organisation.BaseCurrency) return 1;
  if (typeof given === 'number' && given > 0) return given;
  return DAY_RATES_PER_AUD[currency] ?? 1;
}
