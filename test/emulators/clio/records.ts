import type { Row } from './store';

/** Stored shapes. Field names follow Clio's; `*_id` fields are relations resolved when a response is shaped. */

export interface User extends Row {
  name: string;
  first_name: string;
  last_name: string;
  initials: string;
  email: string;
  enabled: boolean;
  account_owner: boolean;
  roles: string[];
  subscription_type: 'Attorney' | 'NonAttorney';
  rate: number;
  time_zone: string;
}

export interface EmailAddress extends Row {
  address: string;
  name: string;
  primary: boolean;
}

export interface PhoneNumber extends Row {
  number: string;
  name: string;
  primary: boolean;
}

export interface Address extends Row {
  street: string | null;
  city: string | null;
  province: string | null;
  postal_code: string | null;
  country: string | null;
  name: string;
  primary: boolean;
}

export interface Contact extends Row {
  type: 'Person' | 'Company';
  name: string;
  first_name: string | null;
  middle_name: string | null;
  last_name: string | null;
  prefix: string | null;
  title: string | null;
  date_of_birth: string | null;
  company_id: number | null;
  is_client: boolean;
  is_co_counsel: boolean;
  sales_tax_number: string | null;
  ledes_client_id: string | null;
  email_addresses: EmailAddress[];
  phone_numbers: PhoneNumber[];
  addresses: Address[];
}

export interface Matter extends Row {
  number: number;
  display_number: string;
  description: string;
  status: 'Pending' | 'Open' | 'Closed';
  client_id: number;
  responsible_attorney_id: number;
  billing_method: 'flat' | 'contingency' | 'hourly';
  billable: boolean;
  open_date: string;
  close_date: string | null;
  /** A matter billed in another currency than the firm's (multi-currency billing); null: the firm's. */
  currency_id?: number | null;
}

export interface ActivityDescription extends Row {
  name: string;
  category_type: 'hourly' | 'flat';
  default: boolean;
  /** null: the entry takes the user's own rate. */
  rate_amount: number | null;
  /** Read-only in the API; Clio's own Xero integration sets it. */
  xero_service_code: string | null;
}

export interface ExpenseCategory extends Row {
  name: string;
  /** Spec types this as an integer (cents are not allowed on a category default rate). */
  rate: number;
  entry_type: 'hard_cost' | 'soft_cost' | 'unassociated';
  tax_setting: string;
  xero_expense_code: string | null;
}

export type ActivityType = 'TimeEntry' | 'ExpenseEntry' | 'HardCostEntry' | 'SoftCostEntry';

export interface Activity extends Row {
  type: ActivityType;
  date: string;
  /** Seconds for time entries (API 4.0.4+), units for expenses. */
  quantity: number;
  price: number;
  note: string | null;
  reference: string | null;
  non_billable: boolean;
  no_charge: boolean;
  flat_rate: boolean;
  tax_setting: 'no_tax' | 'tax_1_only' | 'tax_2_only' | 'tax_1_and_tax_2';
  matter_id: number | null;
  user_id: number;
  activity_description_id: number | null;
  expense_category_id: number | null;
  vendor_id: number | null;
  bill_id: number | null;
}

export type BillState = 'draft' | 'awaiting_approval' | 'awaiting_payment' | 'paid' | 'void' | 'deleted';

export interface Bill extends Row {
  number: string;
  issued_at: string;
  due_at: string;
  start_at: string | null;
  end_at: string | null;
  subject: string | null;
  memo: string | null;
  purchase_order: string | null;
  type: 'MatterBill' | 'ClientBill';
  kind: 'revenue_kind' | 'trust_kind';
  state: BillState;
  client_id: number;
  matter_ids: number[];
  user_id: number;
  tax_rate: number;
  secondary_tax_rate: number;
  interest: { rate: number; type: 'simple' | 'compound'; period: number };
  discount: Discount;
  /** Bill discount applies to Service lines only (Clio's `discount_services_only`). */
  discount_services_only: boolean;
  paid_at: string | null;
  last_sent_at: string | null;
  /** Its matter's currency when the bill was made; null: the firm's. */
  currency_id?: number | null;
}

/** Clio's Discount_base: `rate` is a percent for 'percentage' and money for 'money'. */
export interface Discount {
  rate: number;
  type: 'percentage' | 'money';
  note: string | null;
  early_payment_rate: number;
  early_payment_period: number;
}

export const NO_DISCOUNT: Discount = { rate: 0, type: 'percentage', note: null, early_payment_rate: 0, early_payment_period: 0 };

export interface LineItem extends Row {
  bill_id: number;
  activity_id: number | null;
  matter_id: number | null;
  user_id: number;
  type: 'ActivityLineItem' | 'LineItem' | 'NoChargeLineItem';
  kind: 'Service' | 'Expense';
  description: string;
  note: string | null;
  date: string;
  price: number;
  /** Hours for services, units for expenses. */
  quantity: number;
  taxable: boolean;
  secondary_taxable: boolean;
  group_ordering: number;
  discount: Discount;
}

export interface CreditMemo extends Row {
  contact_id: number;
  user_id: number;
  date: string;
  amount: number;
  description: string;
  discount: boolean;
  voided_at: string | null;
}

export interface InterestCharge extends Row {
  bill_id: number;
  date: string;
  description: string;
  total: number;
}

/** Clio has a Payment schema but no endpoint; it exists here as the parent of payment allocations. */
export interface Payment extends Row {
  contact_id: number;
  date: string;
  amount: number;
  reference: string | null;
  description: string | null;
  source_bank_account_id: number | null;
  destination_bank_account_id: number;
  voided_at: string | null;
}

export interface Allocation extends Row {
  bill_id: number;
  contact_id: number;
  matter_id: number | null;
  parent_id: number;
  parent_type: 'Payment' | 'CreditMemo';
  date: string;
  amount: number;
  description: string | null;
  interest: boolean;
  voided_at: string | null;
  has_online_payment: boolean;
  payment_type: 'card' | 'eCheck' | null;
  source_bank_account_id: number | null;
  destination_bank_account_id: number | null;
}

export type ClioPaymentState = 'pending' | 'authorized' | 'completed' | 'voided' | 'failed' | 'canceled' | 'requires_confirmation' | 'completed_requiring_allocation';

export interface ClioPaymentsPayment extends Row {
  amount: number;
  currency: string;
  state: ClioPaymentState;
  confirmation_number: string;
  description: string | null;
  email_address: string | null;
  deposit_as_revenue: boolean;
  contact_id: number;
  user_id: number;
  bill_ids: number[];
  matter_ids: number[];
  allocation_ids: number[];
  destination_account_id: number;
  bank_transaction_id: number | null;
}

export interface BankAccount extends Row {
  name: string;
  type: 'Operating' | 'Trust';
  currency: string;
  account_number: string;
  institution: string;
  holder: string;
  general_ledger_number: string | null;
  default_account: boolean;
  clio_payments_enabled: boolean;
  controlled_account: boolean;
  user_id: number;
}

export interface BankTransaction extends Row {
  /** `asset` for operating accounts, `liability` for trust (the list filter's values). UNCONFIRMED in Clio prose. */
  type: 'asset' | 'liability';
  bank_account_id: number;
  date: string;
  funds_in: number;
  funds_out: number;
  description: string;
  source: string;
  confirmation: string | null;
  transaction_type: string;
  client_id: number | null;
  matter_id: number | null;
  bill_id: number | null;
  allocation_id: number | null;
  clio_payments_transaction: boolean;
}

export type UiReference = 'activities/show' | 'documents/show' | 'contacts/show' | 'matters/show' | 'folders/show';

export interface CustomAction extends Row {
  user_id: number;
  label: string;
  target_url: string;
  ui_reference: UiReference;
}

export type WebhookModel = 'activity' | 'bill' | 'clio_payments_payment' | 'contact' | 'matter';

export interface Webhook extends Row {
  user_id: number;
  url: string;
  fields: string;
  shared_secret: string;
  model: WebhookModel;
  status: 'pending' | 'enabled' | 'suspended';
  events: string[];
  expires_at: string;
}

export type ReportKind = 'client_ledger' | 'trust_listing' | 'bank_account_activity';

export interface Report extends Row {
  user_id: number;
  name: string;
  kind: ReportKind;
  format: 'json';
  category: 'client' | 'financial';
  source: 'reports';
  start_date: string | null;
  end_date: string | null;
  client_id: number | null;
  matter_id: number | null;
  /** The moment the queued report finishes, measured on the emulator clock. */
  ready_at: string;
  /** Signs the download URL, which (like Clio's) is fetched without the bearer token. */
  download_key: string;
}

/** A to-do for a user (or contact) of the firm (Clio's Task; the OpenAPI's Task_base and relations). */
export interface Task extends Row {
  name: string;
  description: string;
  description_text_type: 'plain_text' | 'rich_text';
  status: 'pending' | 'in_progress' | 'in_review' | 'complete';
  priority: 'High' | 'Normal' | 'Low';
  permission: 'private' | 'public';
  due_at: string | null;
  completed_at: string | null;
  notify_completion: boolean;
  statute_of_limitations: boolean;
  time_estimated: number | null;
  assignee_id: number;
  assignee_type: 'User' | 'Contact';
  assigner_id: number;
  matter_id: number | null;
}

export interface BillingSetting extends Row {
  currency: string;
  currency_sign: string;
  tax_name: string;
  tax_rate: number;
  apply_tax_by_default: boolean;
  use_secondary_tax: boolean;
  secondary_tax_name: string;
  secondary_tax_rate: number;
  secondary_tax_rule: 'Pre' | 'Post';
  rounding: number;
  use_decimal_rounding: boolean;
  /** Firm setting "Allow editing of approved bills"; the API obeys it as the UI does. */
  allow_editing_approved_bills: boolean;
}
