import type { ChartAccount, XeroChart } from '../../server/settings/chart';
import type { ChartTaxRate, SyncSettings } from '../../server/api-contract';

const account = (code: string | null, name: string, type: string, extra: Partial<ChartAccount> = {}): ChartAccount => ({
  id: `id-${code ?? name}`,
  code,
  name,
  type,
  status: 'ACTIVE',
  systemAccount: null,
  ...extra,
});

const taxRate = (taxType: string, name: string, extra: Partial<ChartTaxRate> = {}): ChartTaxRate => ({
  taxType,
  name,
  status: 'ACTIVE',
  canApplyToRevenue: true,
  rate: 10,
  ...extra,
});

/** A small chart shaped like Xero's demo company: enough of each kind to pick from and to get wrong. */
export function demoChart(): XeroChart {
  return {
    accounts: [
      account('090', 'Business Cheque Account', 'BANK'),
      account('091', 'Business Savings Account', 'BANK'),
      account(null, 'Business Credit Card', 'BANK'),
      account('092', 'Old Bank', 'BANK', { status: 'ARCHIVED' }),
      account('200', 'Sales', 'REVENUE'),
      account('210', 'Professional Fees', 'SALES'),
      account('260', 'Other Revenue', 'OTHERINCOME'),
      account('270', 'Interest Income', 'OTHERINCOME'),
      account('299', 'Old Revenue', 'REVENUE', { status: 'ARCHIVED' }),
      account('310', 'Cost of Goods Sold', 'DIRECTCOSTS'),
      account('412', 'Consulting & Accounting', 'EXPENSE'),
      account('610', 'Accounts Receivable', 'CURRENT', { systemAccount: 'DEBTORS' }),
      account('860', 'Rounding', 'CURRLIAB', { systemAccount: 'ROUNDING' }),
    ],
    taxRates: [
      taxRate('OUTPUT', 'GST on Income'),
      taxRate('EXEMPTOUTPUT', 'GST Free Income', { rate: 0 }),
      taxRate('INPUT', 'GST on Expenses', { canApplyToRevenue: false }),
      taxRate('OLDOUTPUT', 'Old GST', { status: 'DELETED' }),
    ],
  };
}

/** Settings a firm could save against demoChart(). */
export function validSettings(overrides: Partial<SyncSettings> = {}): SyncSettings {
  return {
    syncBills: true,
    onlyApprovedBills: true,
    billDateFrom: '2026-01-01',
    billDateTo: '2026-12-31',
    invoiceStatus: 'AUTHORISED',
    timeAccountCode: '200',
    expenseAccountCode: '210',
    interestAccountCode: '270',
    creditNoteAccountCode: '200',
    creditNoteTaxMode: 'pro_rata',
    timeTaxType: 'OUTPUT',
    expenseTaxType: 'OUTPUT',
    interestTaxType: 'EXEMPTOUTPUT',
    timeUntaxedTaxType: 'EXEMPTOUTPUT',
    expenseUntaxedTaxType: 'EXEMPTOUTPUT',
    paymentBankAccountCode: '090',
    syncFromXero: false,
    clioPaymentBankAccountId: null,
    syncHardCosts: true,
    hardCostStartDate: '2026-07-01',
    hardCostAccountCode: '412',
    hardCostBankAccountCode: '091',
    sweepIntervalMinutes: 15,
    notifyEmail: 'accounts@example.com',
    notifyDigest: false,
    categoryAccounts: [{ clioKind: 'activity_description', clioId: '11', accountCode: '260' }],
    ...overrides,
  };
}
