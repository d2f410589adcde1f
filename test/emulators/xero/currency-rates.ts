// Exchange rates: Xero's CurrencyRate is units of the document's currency per unit of the base
// currency. A document sent without one gets Xero's day rate for its own date: "If you create a
// foreign currency invoice via the API and don't specify a currency rate to use, the API will use
// the rate of the day corresponding to the invoice date" (Xero staff, community.xero.com/developer/
// discussion/38091; the OpenAPI's CurrencyRate: "If no rate is specified, the XE.com day rate is
// used"). A payment sent without one gets the day rate of the payment's date, as Xero's own payment
// form does (UNCONFIRMED for the API: README) — so it need not be its invoice's rate, and the
// difference is a realised currency gain or loss in Xero. The emulator's day rates move a little
// from day to day about a fixed table, the same every run.
import { DAY_MS } from './dates';
import type { Tenant } from './store';

const DAY_RATES_PER_AUD: Record<string, number> = { USD: 0.6512, EUR: 0.6034, GBP: 0.5171, NZD: 1.0893, CAD: 0.8987 };

/** The day rate on a day (ms, any time of it): within ±1% of the table, 6 decimals as XE.com gives. */
export function dayRate(currency: string, dayMs: number): number {
  const base = DAY_RATES_PER_AUD[currency] ?? 1;
  const day = Math.floor(dayMs / DAY_MS);
  return Math.round(base * (1 + 0.01 * Math.sin(day)) * 1e6) / 1e6;
}

export function rateFor(tenant: Tenant, currency: string, given: unknown, dayMs: number): number {
  if (currency === tenant.organisation.BaseCurrency) return 1;
  if (typeof given === 'number' && given > 0) return given;
  return dayRate(currency, dayMs);
}
