/**
 * The Clio records the engine reads, as the fields it asks for (sync/clio-reader.ts names them in
 * its `fields=` parameters). Numbers are as Clio sends them; mapping turns money into cents.
 */

import type { ClioActivityType, ClioBillState } from '../../domain/kinds';

export interface ClioDiscount {
  rate?: number | null;
  type?: string | null;
  note?: string | null;
}

export interface ClioBill {
  id: number;
  /** Changes with every edit (updated_at has only second resolution). */
  etag: string;
  number: string;
  state: ClioBillState;
  issued_at: string;
  due_at: string | null;
  subject?: string | null;
  memo?: string | null;
  updated_at: string;
  sub_total: number;
  total_tax: number;
  /** With interest, as Clio's bill `total` is. */
  total: number;
  /** What is still owed: the total less what was paid and credited. */
  balance?: number | null;
  credits_issued?: number | null;
  discount_services_only?: string | boolean | null;
  client: { id: number; name?: string | null } | null;
  /** The bill's tax rates, in percent: what a line marked taxable (secondary_taxable) is taxed at. */
  tax_rate?: number | null;
  secondary_tax_rate?: number | null;
  matters?: { id: number; display_number?: string | null; description?: string | null }[] | null;
  currency?: { code?: string | null } | null;
  discount?: ClioDiscount | null;
  interest?: { total?: number | null } | null;
}

export interface ClioLineItem {
  id: number;
  etag?: string;
  type: string;
  kind: 'Service' | 'Expense' | string;
  description: string | null;
  note?: string | null;
  date?: string | null;
  price: number;
  quantity: number;
  sub_total: number;
  total: number;
  tax: number;
  secondary_tax: number;
  /** Whether Clio taxes the line at the bill's tax_rate (secondary_tax_rate): its Xero tax type follows. */
  taxable: boolean;
  secondary_taxable: boolean;
  group_ordering?: number | null;
  bill: { id: number };
  activity?: { id: number } | null;
  discount?: ClioDiscount | null;
}

/** The category of a line's activity, for the firm's per-category account overrides. */
export interface ClioActivityCategory {
  id: number;
  activity_description?: { id: number } | null;
  expense_category?: { id: number } | null;
}

export interface ClioInterestCharge {
  id: number;
  date: string | null;
  description: string | null;
  total: number;
  bill: { id: number };
}

export interface ClioEmail {
  id?: number;
  address: string;
  name?: string | null;
  primary?: boolean | null;
}
export interface ClioPhone {
  id?: number;
  number: string;
  name?: string | null;
  primary?: boolean | null;
}
export interface ClioAddress {
  id?: number;
  street?: string | null;
  city?: string | null;
  province?: string | null;
  postal_code?: string | null;
  country?: string | null;
  name?: string | null;
  primary?: boolean | null;
}

export interface ClioContact {
  id: number;
  /** Sent back as If-Match when the engine writes the contact. */
  etag?: string;
  type: 'Person' | 'Company' | string;
  name: string;
  first_name?: string | null;
  last_name?: string | null;
  updated_at: string;
  email_addresses?: ClioEmail[] | null;
  phone_numbers?: ClioPhone[] | null;
  addresses?: ClioAddress[] | null;
}

export interface ClioAllocation {
  id: number;
  date: string;
  amount: number;
  voided_at?: string | null;
  bill: { id: number } | null;
  parent?: { id: number; type: string } | null;
}

export interface ClioCreditMemo {
  id: number;
  date: string;
  amount: number;
  description?: string | null;
  voided_at?: string | null;
  updated_at: string;
  contact: { id: number } | null;
  allocations?: ClioAllocation[] | null;
}

/**
 * A slice of a Clio payment: the money one payment put on one bill. `interest` marks the part a
 * payment put on a bill's interest (a payment on a bill with interest owed comes as two).
 */
export interface ClioPaymentAllocation {
  id: number;
  date: string;
  amount: number;
  interest?: boolean | null;
  voided_at?: string | null;
  updated_at: string;
  has_online_payment?: boolean | null;
  bill: { id: number } | null;
  parent?: { id: number; type: string } | null;
  /** Set for a payment from trust (money moved from trust to operating to pay the bill). */
  source_bank_account?: { id: number } | null;
}

/** An expense entry, as the hard-cost flow reads it. */
export interface ClioHardCost {
  id: number;
  etag: string;
  type: ClioActivityType | string;
  date: string;
  quantity: number;
  price: number;
  total: number;
  note?: string | null;
  reference?: string | null;
  tax_setting?: string | null;
  updated_at: string;
  vendor?: { id: number; name?: string | null } | null;
  matter?: { id: number; display_number?: string | null } | null;
}

/** A deposit into the operating account (BankTransaction), as the unapplied-credit check reads it. */
export interface ClioDeposit {
  id: number;
  date: string;
  funds_in: number;
  /** The deposit's currency code (BankTransaction `currency`). */
  currency?: string | null;
  allocation?: { id: number } | null;
}
