import type { CategoryKind, LinkState, ProgressKind } from './domain/kinds';

/**
 * What the JSON API sends and accepts, as the UI and the routes share it. The UI imports this
 * module and nothing else of the server, and it imports only the leaf of shared kinds, so the
 * bundle never reaches a database, a client or a schema library.
 */

/** Field name → what is wrong with it, for the UI to show beside that field. */
export type FieldErrors = Record<string, string>;

/** The key a category override's error is reported under, so the UI can find its row. */
export function categoryFieldKey(c: { clioKind: string; clioId: string }): string {
  return `categoryAccounts.${c.clioKind}.${c.clioId}`;
}

export interface CategoryAccount {
  clioKind: CategoryKind;
  clioId: string;
  accountCode: string;
}

/** Every setting of product.md's "Bill Syncing → Xero" page (server/settings/model.ts validates it). */
export interface SyncSettings {
  syncBills: boolean;
  onlyApprovedBills: boolean;
  billDateFrom: string | null;
  billDateTo: string | null;
  invoiceStatus: 'DRAFT' | 'AUTHORISED';
  timeAccountCode: string | null;
  expenseAccountCode: string | null;
  interestAccountCode: string | null;
  creditNoteAccountCode: string | null;
  /** pro_rata: a credit note reverses the tax of the bill it credits; untaxed: it carries none. */
  creditNoteTaxMode: 'pro_rata' | 'untaxed';
  timeTaxType: string | null;
  expenseTaxType: string | null;
  interestTaxType: string | null;
  /** For time entries and expenses Clio leaves untaxed: a 0 % rate (exempt, zero-rated or out of scope). */
  timeUntaxedTaxType: string | null;
  expenseUntaxedTaxType: string | null;
  paymentBankAccountCode: string | null;
  syncFromXero: boolean;
  clioPaymentBankAccountId: string | null;
  syncHardCosts: boolean;
  hardCostStartDate: string | null;
  hardCostAccountCode: string | null;
  hardCostBankAccountCode: string | null;
  sweepIntervalMinutes: number;
  notifyEmail: string | null;
  /** One email a day with the new failure groups, instead of one email per group as it appears. */
  notifyDigest?: boolean | undefined;
  categoryAccounts: CategoryAccount[];
}

export interface ChartTaxRate {
  taxType: string;
  name: string;
  status: string;
  canApplyToRevenue: boolean;
  rate: number | null;
}

export type AccountPurpose = 'revenue' | 'expense' | 'bank';

export interface AccountOption {
  code: string | null;
  name: string;
  type: string;
  disabled: boolean;
  reason?: string;
}

export type AccountPickers = Record<AccountPurpose, AccountOption[]>;

export interface ClioCategory {
  kind: CategoryKind;
  id: string;
  name: string;
}

export interface ClioBankAccount {
  id: string;
  name: string;
}

export interface ConnectionView {
  status: 'not_connected' | 'active' | 'needs_reconnect' | 'pending_choice';
  tenantName: string | null;
  reason?: string;
}

export interface Me {
  user: { name: string; email: string | null; isAdmin: boolean };
  firm: { name: string; clioRegion: string };
  xero: ConnectionView;
}

export interface MatchCandidate {
  xeroContactId: string;
  name: string;
  email: string | null;
  status: string;
}

/** An open review as the settings page shows it. */
export interface ContactMatchReview {
  id: string;
  clioContactId: string;
  clioName: string;
  clioEmail: string | null;
  candidates: MatchCandidate[];
  reason: string;
  createdAt: string;
}

/** An open failure group: one cause, the records it holds, and what to do about it. */
export interface OpenErrorGroup {
  id: string;
  code: string;
  kind: string;
  cause: string;
  fix: string;
  count: number;
  clioIds: string[];
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface KindCounts {
  kind: string;
  synced: number;
  pending: number;
  failed: number;
}

export interface GroupRecord {
  clioId: string;
  clioUrl: string | null;
  xeroId: string | null;
  xeroUrl: string | null;
}

export interface StatusGroup extends Omit<OpenErrorGroup, 'clioIds'> {
  records: GroupRecord[];
}

export interface FirmStatus {
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  nextRunAt: string | null;
  parkedUntil: string | null;
  running: boolean;
  /** The long run's progress through the kind it is sending now (its bills, then payments, then hard costs). */
  progress: { kind: ProgressKind; done: number; total: number; etaSeconds: number } | null;
  counts: KindCounts[];
  /** Why records wait (a payment on an invoice still a draft in Xero, say), with how many wait for each reason. */
  waiting: { kind: string; reason: string; count: number }[];
  errors: StatusGroup[];
  /** The last agreement check (server/agreement), or null before the first. */
  agreement: AgreementStatus | null;
  openItems: StatusOpenItem[];
  /** Xero's webhooks have stopped coming (since the last one), so Xero's changes come with each regular check. */
  xeroWebhooksSilent: { since: string; checkEveryMinutes: number } | null;
}

/** Money that reached one side only and waits for a person (a payment made in Xero, to record in Clio). */
export interface StatusOpenItem {
  id: string;
  words: string;
  openedAt: string;
  /** The Clio bill it is about, if any. */
  clioUrl: string | null;
}

/** One way Clio and Xero disagree (server/agreement/compare.ts), with its cause, fix and links. */
export interface AgreementDifference {
  kind: string;
  clioId: string;
  xeroId: string | null;
  code: string;
  /** The record as the firm names it: "Bill 000123", "Invoice INV-0042". */
  label: string;
  /** What each side holds, in figures. */
  detail: string;
  cause: string;
  fix: string;
  clioUrl: string | null;
  xeroUrl: string | null;
}

export interface AgreementStatus {
  checkedAt: string;
  billsCompared: number;
  /** How many differences; the list holds the first of them (their failure groups hold them all). */
  differenceCount: number;
  differences: AgreementDifference[];
}

export type PlanAction = 'create' | 'update' | 'skip' | 'void' | 'delete' | 'fail' | 'wait';

/** One decision of a preview: what a sync would do with the record, and why. */
export interface PreviewItem {
  kind: string;
  clioId: string;
  label: string;
  action: PlanAction;
  reason: string;
  failure?: { code: string; detail: string };
}

/** How a linked invoice stands with payments made in Xero, as last seen. */
export interface XeroPaymentState {
  state: 'unpaid' | 'part_paid' | 'paid';
  paidCents: number;
  dueCents: number;
  /** An earlier version of the add-on moved the Clio bill to paid because of them (it no longer does: payments made in Xero become open items and Clio tasks). */
  markedPaidInClio: boolean;
}

/** A field both sides changed differently, with each side's value (a bill's field also says itself in words). */
export interface FieldConflictView {
  field: string;
  /** Bills: the field in words (`the price of “Drafting letter”`). */
  label?: string;
  clio: unknown;
  xero: unknown;
}

/** Where one Clio record stands in the sync. */
export interface RecordLink {
  state: LinkState;
  xeroId: string | null;
  lastSyncedAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** Payments made in Xero on the bill's invoice ("part paid in Xero" on the record page). */
  xeroPayment: XeroPaymentState | null;
  /** The fields waiting for an admin's choice, when the record is in conflict. */
  conflict: FieldConflictView[] | null;
}

export interface ActivityBucket {
  /** `YYYY-MM-DD` for a day, `YYYY-MM-DDTHH` for an hour, in the time zone asked for. */
  bucket: string;
  synced: number;
  failed: number;
}

/** Records synced and failed per day (the last 30) and per hour (today), in the reader's time zone. */
export interface SyncActivity {
  timeZone: string;
  days: ActivityBucket[];
  hours: ActivityBucket[];
}

export interface WaitEnd {
  /** What ends the wait, as the person who can end it reads it. */
  text: string;
  /** Where it is done; null when nothing is to be done but wait for the next sync. */
  url: string | null;
}

/** A record that waits, why, since when, and what ends the wait. */
export interface WaitingRecord {
  clioId: string;
  clioUrl: string | null;
  reason: string;
  since: string;
  ends: WaitEnd;
}
