import { accountProblem, type XeroChart } from './chart';
import type { ClioTaxRates } from './clio-lookups';
import { type SettingsField } from './model';
import { type AccountPurpose, categoryFieldKey, type FieldErrors, type SyncSettings } from '../api-contract';

export const NOT_CONNECTED_MESSAGE = 'Connect to Xero first; accounts and tax rates come from your Xero organisation.';

type CodeField = {
  [K in SettingsField]: SyncSettings[K] extends string | null ? K : never;
}[SettingsField];

interface AccountRule {
  field: CodeField;
  purpose: AccountPurpose;
  requiredWhen: (s: SyncSettings) => boolean;
}

const billSync = (s: SyncSettings) => s.syncBills;
const hardCosts = (s: SyncSettings) => s.syncHardCosts;

const ACCOUNT_RULES: AccountRule[] = [
  { field: 'timeAccountCode', purpose: 'revenue', requiredWhen: billSync },
  { field: 'expenseAccountCode', purpose: 'revenue', requiredWhen: billSync },
  { field: 'interestAccountCode', purpose: 'revenue', requiredWhen: billSync },
  { field: 'creditNoteAccountCode', purpose: 'revenue', requiredWhen: billSync },
  { field: 'paymentBankAccountCode', purpose: 'bank', requiredWhen: billSync },
  { field: 'hardCostAccountCode', purpose: 'expense', requiredWhen: hardCosts },
  { field: 'hardCostBankAccountCode', purpose: 'bank', requiredWhen: hardCosts },
];

const TAX_FIELDS = ['timeTaxType', 'expenseTaxType', 'interestTaxType', 'timeUntaxedTaxType', 'expenseUntaxedTaxType'] as const;
/** Lines Clio taxes at its billing tax rate go out on these. */
const TAXED_FIELDS = new Set<string>(['timeTaxType', 'expenseTaxType']);

const samePercent = (a: number, b: number) => Math.abs(a - b) < 1e-6;

/** A taxed line is taxed at Clio's rate, its secondary rate, or both (Clio's secondary_taxable). */
function clioRateProblem(name: string, rate: number | null, clio: ClioTaxRates): string | undefined {
  const fits = [clio.taxRate, ...(clio.secondaryTaxRate === null ? [] : [clio.secondaryTaxRate, clio.taxRate + clio.secondaryTaxRate])];
  if (rate !== null && fits.some((r) => samePercent(r, rate))) return undefined;
  const said = clio.secondaryTaxRate === null ? `${clio.taxRate} %` : `${clio.taxRate} % (secondary tax ${clio.secondaryTaxRate} %)`;
  return `${name} is ${rate ?? 'an unknown'} % in Xero, but Clio taxes bills at ${said}. Choose the Xero tax rate that matches Clio's, or change the tax rate in Clio (Settings → Billing).`;
}

/** Chosen only when the firm bills untaxed lines: a bill with one waits (SETTINGS_INCOMPLETE) until then. */
const OPTIONAL_TAX_FIELDS = new Set<string>(['timeUntaxedTaxType', 'expenseUntaxedTaxType']);

/**
 * Checks settings against the organisation's chart of accounts and tax rates (null when Xero is
 * not connected) before they are saved, so a sync never starts from a setting Xero would reject.
 * With Clio's billing tax rates (null: Clio did not say), the taxed rates must equal Clio's, or
 * every taxed line would fail with TAX_RATE_MISMATCH. Returns an empty object when everything is usable.
 */
export function validateSettings(s: SyncSettings, chart: XeroChart | null, clioTax: ClioTaxRates | null = null): FieldErrors {
  const errors: FieldErrors = {};
  const report = (field: string, message: string) => {
    errors[field] ??= message;
  };

  for (const rule of ACCOUNT_RULES) {
    const code = s[rule.field];
    if (code === null) {
      if (rule.requiredWhen(s)) report(rule.field, 'Choose an account; syncing needs it.');
      continue;
    }
    if (!chart) {
      report(rule.field, NOT_CONNECTED_MESSAGE);
      continue;
    }
    const problem = accountProblem(chart.accounts, code, rule.purpose);
    if (problem) report(rule.field, problem);
  }

  if (s.paymentBankAccountCode !== null && s.paymentBankAccountCode === s.hardCostBankAccountCode) {
    report('hardCostBankAccountCode', 'Use a different bank account from the one Clio payments go to, so each Xero bank account reconciles on its own.');
  }

  for (const field of TAX_FIELDS) {
    const taxType = s[field];
    if (taxType === null) {
      if (s.syncBills && !OPTIONAL_TAX_FIELDS.has(field)) report(field, 'Choose a tax rate; syncing needs it.');
      continue;
    }
    if (!chart) {
      report(field, NOT_CONNECTED_MESSAGE);
      continue;
    }
    const rate = chart.taxRates.find((t) => t.taxType === taxType);
    if (!rate) report(field, `The tax rate ${taxType} does not exist in your Xero organisation. Choose another.`);
    else if (rate.status !== 'ACTIVE') report(field, `${rate.name} is no longer active in Xero. Choose another tax rate.`);
    else if (!rate.canApplyToRevenue) report(field, `${rate.name} cannot be used on sales in Xero. Choose a sales tax rate.`);
    else if (OPTIONAL_TAX_FIELDS.has(field) && rate.rate !== 0) {
      report(field, `${rate.name} is ${rate.rate ?? 'an unknown'} %; untaxed lines need a 0 % rate (exempt, zero-rated or out of scope).`);
    } else if (clioTax && TAXED_FIELDS.has(field)) {
      const problem = clioRateProblem(rate.name, rate.rate, clioTax);
      if (problem) report(field, problem);
    }
  }

  if (s.billDateFrom && s.billDateTo && s.billDateFrom > s.billDateTo) {
    report('billDateTo', 'The end date must be on or after the start date.');
  }
  if (s.syncHardCosts && !s.hardCostStartDate) report('hardCostStartDate', 'Choose the date hard costs start syncing from.');
  if (s.syncFromXero && !s.clioPaymentBankAccountId) {
    report('clioPaymentBankAccountId', 'Choose the Clio bank account that payments made in Xero are recorded to.');
  }

  const seen = new Set<string>();
  for (const c of s.categoryAccounts) {
    const key = categoryFieldKey(c);
    if (seen.has(key)) report(key, 'This category is listed twice; keep one row.');
    seen.add(key);
    if (!chart) report(key, NOT_CONNECTED_MESSAGE);
    else {
      const problem = accountProblem(chart.accounts, c.accountCode, 'revenue');
      if (problem) report(key, problem);
    }
  }
  return errors;
}
