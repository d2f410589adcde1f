import type { ClioHardCost } from './clio-records';
import { toCents } from './money';
import type { Mapped, SpendDraft } from './xero-drafts';

export interface HardCostSettings {
  syncHardCosts: boolean;
  hardCostStartDate: string | null;
  hardCostAccountCode: string | null;
  hardCostBankAccountCode: string | null;
}

export const hardCostReference = (activityId: number | string): string => `Clio hard cost ${activityId}`;

/**
 * Which expenses become "spend money": hard costs only (money the firm paid out to a vendor),
 * dated on or after the start date, while the setting is on. Soft costs are the firm's own
 * charges (photocopies, mileage): nothing left the bank, so they never do. Turning the setting
 * off stops new ones and leaves those already in Xero as they are.
 */
export function hardCostScope(cost: ClioHardCost, s: HardCostSettings): { in: true } | { in: false; reason: string } {
  if (cost.type !== 'HardCostEntry') return { in: false, reason: 'only hard costs become bank transactions' };
  if (!s.syncHardCosts) return { in: false, reason: 'hard cost syncing is off in the settings' };
  const date = cost.date.slice(0, 10);
  if (s.hardCostStartDate && date < s.hardCostStartDate) return { in: false, reason: `dated ${date}, before the hard-cost start date ${s.hardCostStartDate}` };
  return { in: true };
}

/**
 * A hard cost → a SPEND bank transaction from the hard-cost bank account, one line on the
 * hard-cost account for the activity's total. Clio's amount is what the firm paid, tax in: a
 * taxed cost goes Inclusive on the account's default tax rate (the purchase rate the bookkeeper
 * set on it in Xero; Clio's tax setting is a sales rate for re-billing), an untaxed one NoTax.
 * The vendor is the contact; without one there is no one to have paid, so it is not guessed.
 */
export function hardCostToSpend(cost: ClioHardCost, s: HardCostSettings, url: string): Mapped<SpendDraft> {
  if (!s.hardCostAccountCode || !s.hardCostBankAccountCode) {
    return { ok: false, problem: { code: 'SETTINGS_INCOMPLETE', detail: 'Choose the hard-cost account and the bank account hard costs are paid from.' } };
  }
  if (!cost.vendor) {
    return { ok: false, problem: { code: 'CLIO_RECORD_INCOMPLETE', detail: `Hard cost ${cost.id} (${cost.date}) has no vendor: add the vendor in Clio.` } };
  }
  const amountCents = toCents(cost.total);
  const matter = cost.matter?.display_number ? `${cost.matter.display_number}: ` : '';
  return {
    ok: true,
    value: {
      date: cost.date.slice(0, 10),
      reference: hardCostReference(cost.id),
      description: `${matter}${cost.note || 'Hard cost'}`.slice(0, 4000),
      bankAccountCode: s.hardCostBankAccountCode,
      accountCode: s.hardCostAccountCode,
      lineAmountTypes: !cost.tax_setting || cost.tax_setting === 'no_tax' ? 'NoTax' : 'Inclusive',
      amountCents,
      url,
    },
  };
}
