// Lock dates: nothing dated on or before the organisation's lock date may be created, edited,
// voided or paid.
import type { Tenant } from './store';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const display = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};

/** Returns Xero's error message when `date` falls in a locked period, else undefined. */
export function lockDateError(tenant: Tenant, date: number): string | undefined {
  const { EndOfYearLockDate: endOfYear, PeriodLockDate: period } = tenant.organisation;
  if (endOfYear !== undefined && date <= endOfYear) {
    return `The document date cannot be before the end of year lock date, currently set at ${display(endOfYear)}`;
  }
  if (period !== undefined && date <= period) {
    return `The document date cannot be before the period lock date, currently set at ${display(period)}`;
  }
  return undefined;
}
