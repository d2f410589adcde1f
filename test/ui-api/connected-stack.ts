import { SEED_TENANTS } from '../emulators/xero/index';
import { connectFirm, startXeroStack, type XeroStack } from '../xero/stack';
import type { SyncSettings } from '../../server/api-contract';

/** The whole server with both emulators, and one firm whose admin has connected Xero's primary organisation. */
export async function startConnectedStack() {
  const stack: XeroStack = await startXeroStack();
  const firm = await stack.createFirmSession({ isAdmin: true, name: 'Connected & Co' });
  await connectFirm(stack, firm.token, SEED_TENANTS.primary.tenantId);
  return { stack, firm, call: stack.api(firm.token) };
}

/** Settings that the emulator's seeded chart (test/emulators/xero/seed.ts) accepts. */
export function settingsForSeededChart(overrides: Partial<SyncSettings> = {}): SyncSettings {
  return {
    syncBills: true,
    onlyApprovedBills: true,
    billDateFrom: null,
    billDateTo: null,
    invoiceStatus: 'DRAFT',
    timeAccountCode: '200',
    expenseAccountCode: '210',
    interestAccountCode: '270',
    creditNoteAccountCode: '280',
    creditNoteTaxMode: 'pro_rata',
    timeTaxType: 'OUTPUT',
    expenseTaxType: 'OUTPUT',
    interestTaxType: 'EXEMPTOUTPUT',
    // GST-free income: what a line Clio leaves untaxed is in the seeded AU organisation.
    timeUntaxedTaxType: 'EXEMPTOUTPUT',
    expenseUntaxedTaxType: 'EXEMPTOUTPUT',
    paymentBankAccountCode: '090',
    syncFromXero: false,
    clioPaymentBankAccountId: null,
    syncHardCosts: true,
    hardCostStartDate: '2026-07-01',
    hardCostAccountCode: '310',
    hardCostBankAccountCode: '091',
    sweepIntervalMinutes: 10,
    notifyEmail: null,
    notifyDigest: false,
    categoryAccounts: [{ clioKind: 'expense_category', clioId: '7', accountCode: '260' }],
    ...overrides,
  };
}
