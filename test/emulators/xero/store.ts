// In-memory state of every organisation the emulator hosts, plus identity and delivery bookkeeping.
// Entities keep Xero's own PascalCase field names so responses are built without translation tables.
import type { Random } from './random';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Organisation {
  OrganisationID: string;
  Name: string;
  LegalName: string;
  ShortCode: string;
  CountryCode: string;
  BaseCurrency: string;
  Version: string;
  OrganisationType: string;
  Timezone: string;
  FinancialYearEndDay: number;
  FinancialYearEndMonth: number;
  SalesTaxBasis: string;
  SalesTaxPeriod: string;
  DefaultSalesTax: string;
  DefaultPurchasesTax: string;
  /** Calendar days (UTC midnight ms); documents dated on/before them are locked. */
  PeriodLockDate?: number;
  EndOfYearLockDate?: number;
  CreatedDateUTC: number;
}

export interface Account {
  AccountID: string;
  Code?: string;
  Name: string;
  Type: string;
  Status: 'ACTIVE' | 'ARCHIVED';
  TaxType: string;
  Class: string;
  SystemAccount?: string;
  BankAccountNumber?: string;
  BankAccountType?: string;
  EnablePaymentsToAccount: boolean;
  Description?: string;
  UpdatedDateUTC: number;
}

export interface TaxRate {
  Name: string;
  TaxType: string;
  ReportTaxType: string;
  /** Percent, e.g. 10 for GST. */
  Rate: number;
  Status: 'ACTIVE';
  /** Which account classes may carry this rate (Xero's "tax rate constraints"; see seed.ts). */
  CanApplyToAssets: boolean;
  CanApplyToEquity: boolean;
  CanApplyToExpenses: boolean;
  CanApplyToLiabilities: boolean;
  CanApplyToRevenue: boolean;
}

export interface TrackingCategory {
  TrackingCategoryID: string;
  Name: string;
  Status: 'ACTIVE' | 'ARCHIVED';
  Options: { TrackingOptionID: string; Name: string; Status: 'ACTIVE' | 'ARCHIVED' }[];
}

/** Contact fields as Xero names them; ContactID, ContactStatus, Name and UpdatedDateUTC always set. */
export interface Contact {
  ContactID: string;
  ContactStatus: 'ACTIVE' | 'ARCHIVED' | 'GDPRREQUEST';
  Name: string;
  fields: JsonObject;
  isCustomer: boolean;
  isSupplier: boolean;
  updatedAt: number;
}

export interface LineItem {
  LineItemID: string;
  Description: string;
  Quantity: number;
  UnitAmount: number;
  AccountCode?: string;
  ItemCode?: string;
  TaxType: string;
  TaxAmount: number;
  LineAmount: number;
  DiscountRate?: number;
  /** Money off the line (ACCREC only): LineAmount = round2(Quantity × UnitAmount) − DiscountAmount. */
  DiscountAmount?: number;
  Tracking: JsonObject[];
  /** Internal: TaxAmount was given by the client and is kept when the line is re-priced. */
  taxOverride?: boolean;
}

export type LineAmountTypes = 'Exclusive' | 'Inclusive' | 'NoTax';
export type DocStatus = 'DRAFT' | 'SUBMITTED' | 'AUTHORISED' | 'PAID' | 'VOIDED' | 'DELETED';

/** Sales invoices (ACCREC) and sales credit notes (ACCRECCREDIT) share one shape. */
export interface Document {
  id: string;
  Type: 'ACCREC' | 'ACCRECCREDIT';
  ContactID: string;
  Number: string;
  Reference?: string;
  Url?: string;
  Date: number;
  DueDate?: number;
  Status: DocStatus;
  LineAmountTypes: LineAmountTypes;
  CurrencyCode: string;
  /** Units of CurrencyCode per unit of the base currency (1 for the base currency). */
  CurrencyRate: number;
  SentToContact: boolean;
  BrandingThemeID?: string;
  LineItems: LineItem[];
  SubTotal: number;
  TotalTax: number;
  Total: number;
  /** Payments (invoices) or refunds (credit notes) that are not deleted. */
  paymentIds: string[];
  allocationIds: string[];
  FullyPaidOnDate?: number;
  updatedAt: number;
}

export interface Payment {
  PaymentID: string;
  InvoiceID: string;
  AccountID: string;
  Date: number;
  Amount: number;
  /** The rate the payment was received at (its invoice's currency per unit of the base currency). */
  CurrencyRate: number;
  Reference?: string;
  IsReconciled: boolean;
  Status: 'AUTHORISED' | 'DELETED';
  updatedAt: number;
}

export interface Allocation {
  AllocationID: string;
  CreditNoteID: string;
  InvoiceID: string;
  Amount: number;
  Date: number;
  IsDeleted: boolean;
}

export interface BankTransaction {
  BankTransactionID: string;
  Type: 'SPEND' | 'RECEIVE';
  ContactID: string;
  BankAccountID: string;
  Date: number;
  Reference?: string;
  Url?: string;
  Status: 'AUTHORISED' | 'DELETED';
  LineAmountTypes: LineAmountTypes;
  CurrencyCode: string;
  IsReconciled: boolean;
  LineItems: LineItem[];
  SubTotal: number;
  TotalTax: number;
  Total: number;
  updatedAt: number;
}

/** A currency the organisation has enabled (Settings → Currencies); the base currency is always one. */
export interface Currency {
  Code: string;
  Description: string;
}

export interface Tenant {
  organisation: Organisation;
  currencies: Currency[];
  accounts: Account[];
  taxRates: TaxRate[];
  trackingCategories: TrackingCategory[];
  contacts: Map<string, Contact>;
  invoices: Map<string, Document>;
  creditNotes: Map<string, Document>;
  payments: Map<string, Payment>;
  allocations: Map<string, Allocation>;
  bankTransactions: Map<string, BankTransaction>;
  counters: { invoice: number; creditNote: number };
}

export interface State {
  tenants: Map<string, Tenant>;
  random: Random;
}

export const findAccount = (tenant: Tenant, ref: { Code?: unknown; AccountID?: unknown }): Account | undefined =>
  tenant.accounts.find(
    (a) =>
      (typeof ref.AccountID === 'string' && a.AccountID.toLowerCase() === ref.AccountID.toLowerCase()) ||
      (typeof ref.Code === 'string' && a.Code !== undefined && a.Code === ref.Code),
  );

export const hasCurrency = (tenant: Tenant, code: string): boolean => tenant.currencies.some((c) => c.Code === code);

export const findTaxRate = (tenant: Tenant, taxType: string): TaxRate | undefined => tenant.taxRates.find((t) => t.TaxType === taxType);

/** Case-insensitive id lookup: Xero accepts GUIDs in any case. */
export function byId<T>(map: Map<string, T>, id: string | undefined): T | undefined {
  return id === undefined ? undefined : map.get(id.toLowerCase());
}
