// Demo data. Region: Australia (AU) — GST tax types (OUTPUT, INPUT, EXEMPTOUTPUT, BASEXCLUDED …),
// AUD, Xero's AU demo-company account codes. Everything is deterministic: fixed ids for what tests
// name, a seeded PRNG for the rest.
import { createRandom } from './random';
import type { Account, Contact, JsonObject, State, TaxRate, Tenant, TrackingCategory } from './store';

export const SEED_TENANTS = {
  primary: { tenantId: '3f6a8e2c-1b4d-4c9e-8f7a-2d5b6c7e8f90', name: 'Harbour Legal Pty Ltd' },
  secondary: { tenantId: '9b2d4f6a-8c1e-4a3b-9d5f-7e6a5b4c3d21', name: 'Riverside Law Group Pty Ltd' },
} as const;

/** Seed time: 2026-01-01T00:00:00Z, so seeded records predate anything a test creates. */
const SEEDED_AT = Date.UTC(2026, 0, 1);

// Which account classes each rate may be used with, from Xero's published AU defaults ("Tax Rate
// Constraints", developer.xero.com/documentation/api/accounting/taxrates, copied at
// support.workcloudapplications.com/support/solutions/articles/6000219687): columns are
// Assets, Equity, Expenses, Liabilities, Revenue. A line whose account class is not allowed by its
// rate is refused ("The TaxType code 'x' cannot be used with account code 'y'.", line-items.ts).
const TAX_RATES: TaxRate[] = (
  [
    ['GST on Income', 'OUTPUT', 10, [true, true, false, true, true]],
    ['GST on Expenses', 'INPUT', 10, [true, true, true, true, false]],
    ['GST Free Income', 'EXEMPTOUTPUT', 0, [true, true, false, true, true]],
    ['GST Free Expenses', 'EXEMPTEXPENSES', 0, [true, true, true, true, false]],
    ['BAS Excluded', 'BASEXCLUDED', 0, [true, true, true, true, true]],
    ['Input Taxed', 'INPUTTAXED', 0, [true, true, true, true, true]],
    ['GST on Imports', 'GSTONIMPORTS', 0, [false, false, false, true, false]],
  ] as [string, string, number, boolean[]][]
).map(([Name, TaxType, Rate, [CanApplyToAssets, CanApplyToEquity, CanApplyToExpenses, CanApplyToLiabilities, CanApplyToRevenue]]) => ({
  Name,
  TaxType,
  ReportTaxType: TaxType,
  Rate,
  Status: 'ACTIVE' as const,
  CanApplyToAssets: Boolean(CanApplyToAssets),
  CanApplyToEquity: Boolean(CanApplyToEquity),
  CanApplyToExpenses: Boolean(CanApplyToExpenses),
  CanApplyToLiabilities: Boolean(CanApplyToLiabilities),
  CanApplyToRevenue: Boolean(CanApplyToRevenue),
}));

type AccountSeed = [code: string | undefined, name: string, type: string, taxType: string, extra?: Partial<Account>];

const CLASS_BY_TYPE: Record<string, string> = {
  BANK: 'ASSET',
  CURRENT: 'ASSET',
  FIXED: 'ASSET',
  REVENUE: 'REVENUE',
  OTHERINCOME: 'REVENUE',
  SALES: 'REVENUE',
  EXPENSE: 'EXPENSE',
  OVERHEADS: 'EXPENSE',
  DIRECTCOSTS: 'EXPENSE',
  CURRLIAB: 'LIABILITY',
  LIABILITY: 'LIABILITY',
  EQUITY: 'EQUITY',
};

const CHART: AccountSeed[] = [
  ['090', 'Business Cheque Account', 'BANK', 'BASEXCLUDED', { BankAccountNumber: '062000-12345678', BankAccountType: 'BANK' }],
  ['091', 'Business Savings Account', 'BANK', 'BASEXCLUDED', { BankAccountNumber: '062000-87654321', BankAccountType: 'BANK' }],
  // A bank account without a code: the product must refuse it for payment matching.
  [undefined, 'Business Credit Card', 'BANK', 'BASEXCLUDED', { BankAccountNumber: '4564-XXXX-XXXX-1234', BankAccountType: 'CREDITCARD' }],
  ['200', 'Legal Fees', 'REVENUE', 'OUTPUT'],
  ['205', 'Legal Fees (pre-2024)', 'REVENUE', 'OUTPUT', { Status: 'ARCHIVED' }],
  ['210', 'Disbursements Recovered', 'REVENUE', 'OUTPUT'],
  ['260', 'Other Revenue', 'REVENUE', 'OUTPUT'],
  ['270', 'Interest Income', 'REVENUE', 'EXEMPTOUTPUT'],
  ['280', 'Discounts & Credit Notes', 'REVENUE', 'OUTPUT'],
  ['310', 'Court & Search Fees', 'DIRECTCOSTS', 'BASEXCLUDED'],
  ['320', 'Barrister Fees', 'DIRECTCOSTS', 'INPUT'],
  ['400', 'Advertising', 'OVERHEADS', 'INPUT'],
  ['404', 'Bank Fees', 'OVERHEADS', 'EXEMPTEXPENSES'],
  ['412', 'Consulting & Accounting', 'EXPENSE', 'INPUT'],
  ['425', 'Freight & Courier', 'EXPENSE', 'INPUT'],
  ['429', 'General Expenses', 'EXPENSE', 'INPUT'],
  ['453', 'Office Expenses', 'EXPENSE', 'INPUT'],
  ['461', 'Printing & Stationery', 'EXPENSE', 'INPUT'],
  ['469', 'Rent', 'EXPENSE', 'INPUT'],
  ['485', 'Subscriptions', 'EXPENSE', 'INPUT'],
  ['489', 'Telephone & Internet', 'EXPENSE', 'INPUT'],
  ['493', 'Travel - National', 'EXPENSE', 'INPUT'],
  ['610', 'Accounts Receivable', 'CURRENT', 'BASEXCLUDED', { SystemAccount: 'DEBTORS' }],
  ['800', 'Accounts Payable', 'CURRLIAB', 'BASEXCLUDED', { SystemAccount: 'CREDITORS' }],
  ['801', 'Unpaid Expense Claims', 'CURRLIAB', 'BASEXCLUDED', { SystemAccount: 'UNPAIDEXPCLM' }],
  ['820', 'GST', 'CURRLIAB', 'BASEXCLUDED', { SystemAccount: 'GST' }],
  ['840', 'Historical Adjustment', 'CURRLIAB', 'BASEXCLUDED', { SystemAccount: 'HISTORICAL' }],
  ['860', 'Rounding', 'CURRLIAB', 'BASEXCLUDED', { SystemAccount: 'ROUNDING' }],
  ['877', 'Tracking Transfers', 'CURRLIAB', 'BASEXCLUDED', { SystemAccount: 'TRACKINGTRANSFERS' }],
  ['960', 'Retained Earnings', 'EQUITY', 'BASEXCLUDED', { SystemAccount: 'RETAINEDEARNINGS' }],
  ['970', 'Owner A Funds Introduced', 'EQUITY', 'BASEXCLUDED'],
];

/** Contacts already in Xero when the firm connects; names chosen to collide with Clio seed clients. */
const CONTACTS: { Name: string; fields: JsonObject; status?: Contact['ContactStatus']; supplier?: boolean }[] = [
  { Name: 'Acme Holdings Pty Ltd', fields: { EmailAddress: 'accounts@acme-holdings.example', ContactNumber: 'ACME01' } },
  { Name: 'Jane Citizen', fields: { FirstName: 'Jane', LastName: 'Citizen', EmailAddress: 'jane.citizen@example.com' } },
  { Name: 'Müller & Söhne GmbH', fields: { EmailAddress: 'buchhaltung@mueller-soehne.example' } },
  { Name: '山田 太郎', fields: { FirstName: '太郎', LastName: '山田' } },
  { Name: 'Officeworks Supplies', fields: { EmailAddress: 'ar@officeworks.example' }, supplier: true },
  { Name: 'Former Client Pty Ltd', fields: { EmailAddress: 'old@former-client.example' }, status: 'ARCHIVED' },
];

function buildTenant(state: State, tenantId: string, name: string, shortCode: string): Tenant {
  const id = () => state.random.uuid();
  const accounts: Account[] = CHART.map(([code, accountName, type, taxType, extra]) => ({
    AccountID: id(),
    ...(code === undefined ? {} : { Code: code }),
    Name: accountName,
    Type: type,
    Status: 'ACTIVE',
    TaxType: taxType,
    Class: CLASS_BY_TYPE[type] ?? 'ASSET',
    EnablePaymentsToAccount: false,
    UpdatedDateUTC: SEEDED_AT,
    ...extra,
  }));
  const tracking: TrackingCategory = {
    TrackingCategoryID: id(),
    Name: 'Practice Area',
    Status: 'ACTIVE',
    Options: ['Commercial', 'Conveyancing', 'Family Law', 'Litigation'].map((o) => ({ TrackingOptionID: id(), Name: o, Status: 'ACTIVE' as const })),
  };
  return {
    organisation: {
      OrganisationID: tenantId,
      Name: name,
      LegalName: name,
      ShortCode: shortCode,
      CountryCode: 'AU',
      BaseCurrency: 'AUD',
      Version: 'AU',
      OrganisationType: 'COMPANY',
      Timezone: 'AUSEASTERNSTANDARDTIME',
      FinancialYearEndDay: 30,
      FinancialYearEndMonth: 6,
      SalesTaxBasis: 'ACCRUALS',
      SalesTaxPeriod: 'QUARTERLY1',
      DefaultSalesTax: 'Tax Exclusive',
      DefaultPurchasesTax: 'Tax Inclusive',
      EndOfYearLockDate: Date.UTC(2025, 5, 30),
      PeriodLockDate: Date.UTC(2025, 11, 31),
      CreatedDateUTC: SEEDED_AT,
    },
    currencies: [{ Code: 'AUD', Description: 'Australian Dollar' }],
    accounts,
    taxRates: TAX_RATES.map((t) => ({ ...t })),
    trackingCategories: [tracking],
    contacts: new Map(),
    invoices: new Map(),
    creditNotes: new Map(),
    payments: new Map(),
    allocations: new Map(),
    bankTransactions: new Map(),
    counters: { invoice: 0, creditNote: 0 },
  };
}

function addContact(state: State, tenant: Tenant, name: string, fields: JsonObject, status: Contact['ContactStatus'] = 'ACTIVE', supplier = false): Contact {
  const contact: Contact = {
    ContactID: state.random.uuid(),
    ContactStatus: status,
    Name: name,
    fields,
    isCustomer: false,
    isSupplier: supplier,
    updatedAt: SEEDED_AT,
  };
  tenant.contacts.set(contact.ContactID, contact);
  return contact;
}

export interface SeedHooks {
  /** Creates an AUTHORISED invoice through the same code path as the API (so totals are Xero's). */
  createInvoice(tenant: Tenant, input: JsonObject): void;
}

/**
 * Two AU organisations. `scale` > 0 adds synthetic contacts (20 × scale) and authorised invoices
 * (10 × scale) to the primary organisation for benchmarks.
 */
export function seedState(state: State, scale: number, hooks: SeedHooks): void {
  const primary = buildTenant(state, SEED_TENANTS.primary.tenantId, SEED_TENANTS.primary.name, '!HbL7q');
  const secondary = buildTenant(state, SEED_TENANTS.secondary.tenantId, SEED_TENANTS.secondary.name, '!RvS2m');
  state.tenants.set(SEED_TENANTS.primary.tenantId, primary);
  state.tenants.set(SEED_TENANTS.secondary.tenantId, secondary);
  // The demo firm bills some clients in US dollars; the other organisation has its base currency only.
  primary.currencies.push({ Code: 'USD', Description: 'United States Dollar' });
  for (const c of CONTACTS) addContact(state, primary, c.Name, { ...c.fields }, c.status, c.supplier);
  addContact(state, secondary, 'Riverside Client Pty Ltd', { EmailAddress: 'office@riverside-client.example' });

  const rng = createRandom(4242);
  const contacts = Math.round(20 * scale);
  for (let i = 1; i <= contacts; i++) {
    addContact(state, primary, `Generated Client ${String(i).padStart(5, '0')}`, { EmailAddress: `client${i}@generated.example` });
  }
  const generated = [...primary.contacts.values()].filter((c) => c.Name.startsWith('Generated Client'));
  for (let i = 0; i < Math.round(10 * scale) && generated.length > 0; i++) {
    const contact = generated[Math.floor(rng.next() * generated.length)] as Contact;
    const day = 1 + Math.floor(rng.next() * 28);
    hooks.createInvoice(primary, {
      Type: 'ACCREC',
      Contact: { ContactID: contact.ContactID },
      Status: 'AUTHORISED',
      Date: `2026-10-${String(day).padStart(2, '0')}`,
      DueDate: '2026-12-31',
      LineItems: [
        {
          Description: 'Professional fees',
          Quantity: 1 + Math.floor(rng.next() * 10),
          UnitAmount: 150 + Math.floor(rng.next() * 300),
          AccountCode: '200',
          TaxType: 'OUTPUT',
        },
      ],
    });
  }
}
