/**
 * The closed sets every side names: which records sync, the states and types Clio gives them, and
 * where a record stands in the sync. A leaf (it imports nothing), so clio/, xero/, jobs/, sync/,
 * db/ and the API contract can share these words without importing each other.
 */

/**
 * The closed set of record kinds a `sync_records` job can name, per source. Clio's webhook and
 * custom action kinds (clio/app-definition.ts) are a subset of the Clio ones; Xero's webhook
 * categories map to the Xero ones (xero/webhook-service.ts).
 */
export const SYNC_RECORD_KINDS = {
  clio: ['contact', 'matter', 'activity', 'bill', 'clio_payments_payment', 'credit_memo'],
  xero: ['contact', 'invoice', 'credit_note', 'payment'],
} as const;
export type SyncSource = keyof typeof SYNC_RECORD_KINDS;
export type SyncRecordKind<S extends SyncSource = SyncSource> = (typeof SYNC_RECORD_KINDS)[S][number];

/** Why a whole-firm run was asked for. */
export const SYNC_FIRM_REASONS = ['sweep', 'webhook', 'manual', 'connect', 'backfill'] as const;
export type SyncFirmReason = (typeof SYNC_FIRM_REASONS)[number];

/** Clio's activity types (an activity webhook names one); only a hard cost can become a Xero bank transaction. */
export const CLIO_ACTIVITY_TYPES = ['TimeEntry', 'ExpenseEntry', 'HardCostEntry', 'SoftCostEntry'] as const;
export type ClioActivityType = (typeof CLIO_ACTIVITY_TYPES)[number];

/** Clio's bill states (a bill webhook names one): an unlinked bill not yet approved may need no read at all. */
export const CLIO_BILL_STATES = ['draft', 'awaiting_approval', 'awaiting_payment', 'paid', 'void', 'deleted'] as const;
export type ClioBillState = (typeof CLIO_BILL_STATES)[number];

/** The Clio lists a category override names: an activity description or an expense category. */
export const CATEGORY_KINDS = ['activity_description', 'expense_category'] as const;
export type CategoryKind = (typeof CATEGORY_KINDS)[number];

/** The kinds of record a link row pairs with its Xero twin. */
export type LinkKind = 'contact' | 'bill' | 'credit_memo' | 'credit_allocation' | 'payment_allocation' | 'hard_cost';

/** Where a linked record stands in the sync. */
export type LinkState = 'pending' | 'synced' | 'failed' | 'conflict' | 'ignored';

/** The kinds a long run reports progress through (its bills, then payments, then hard costs). */
export type ProgressKind = 'bill' | 'payment_allocation' | 'hard_cost';
