import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { LinkState, ProgressKind } from '../domain/kinds';

/** Optional on insert (the column has a default), settable on update. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
// Postgres bigint arrives as a string through pg; ids from Clio are kept as strings.
type BigId = ColumnType<string, string | number, string | number>;
/** Postgres `date` as 'YYYY-MM-DD' (see database.ts). */
type DateOnly = string;
type Json = ColumnType<unknown, string, string>;

export type ClioRegion = 'us' | 'ca' | 'eu' | 'au';
export type Provider = 'clio' | 'xero';
export type ConnectionStatus = 'active' | 'needs_reconnect' | 'disconnected';
export type SyncDirection = 'clio_to_xero' | 'xero_to_clio' | 'internal';
/** What a long run's progress counts: the link kinds a first sync sends in bulk. */

export interface FirmsTable {
  id: Generated<string>;
  clio_account_id: BigId;
  clio_region: ClioRegion;
  name: string;
  status: Generated<'active' | 'uninstalled'>;
  /** When the firm was last uninstalled; its data is purged a set time after (offboarding/purge.ts). */
  uninstalled_at: Timestamp | null;
  last_sweep_at: Timestamp | null;
  /** Sessions signed in before this are refused (uninstall, disconnect). */
  sessions_valid_after: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  firm_id: string;
  clio_user_id: BigId;
  name: string;
  email: string | null;
  is_admin: Generated<boolean>;
  /** Sessions signed in before this are refused (deauthorization, demotion). */
  sessions_valid_after: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ConnectionsTable {
  id: Generated<string>;
  firm_id: string;
  provider: Provider;
  user_id: string | null;
  region: string | null;
  xero_tenant_id: string | null;
  xero_connection_id: string | null;
  tenant_name: string | null;
  /** Currency codes the organisation has enabled in Xero (GET /Currencies); null until read. */
  xero_currencies: ColumnType<string[] | null, string | null | undefined, string | null>;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  access_expires_at: Timestamp | null;
  refresh_expires_at: Timestamp | null;
  scopes: string | null;
  status: Generated<ConnectionStatus>;
  status_reason: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SettingsTable {
  firm_id: string;
  sync_bills: Generated<boolean>;
  only_approved_bills: Generated<boolean>;
  bill_date_from: DateOnly | null;
  bill_date_to: DateOnly | null;
  invoice_status: Generated<'DRAFT' | 'AUTHORISED'>;
  time_account_code: string | null;
  expense_account_code: string | null;
  interest_account_code: string | null;
  credit_note_account_code: string | null;
  credit_note_tax_mode: Generated<'pro_rata' | 'untaxed'>;
  time_tax_type: string | null;
  expense_tax_type: string | null;
  interest_tax_type: string | null;
  time_untaxed_tax_type: string | null;
  expense_untaxed_tax_type: string | null;
  payment_bank_account_code: string | null;
  sync_from_xero: Generated<boolean>;
  clio_payment_bank_account_id: BigId | null;
  sync_hard_costs: Generated<boolean>;
  hard_cost_start_date: DateOnly | null;
  hard_cost_account_code: string | null;
  hard_cost_bank_account_code: string | null;
  sweep_interval_minutes: Generated<number>;
  notify_email: string | null;
  notify_digest: Generated<boolean>;
  updated_at: Timestamp;
}

export interface CategoryAccountsTable {
  firm_id: string;
  clio_kind: 'activity_description' | 'expense_category';
  clio_id: BigId;
  xero_account_code: string;
}

export interface LinksTable {
  id: Generated<string>;
  firm_id: string;
  kind: string;
  clio_id: string | null;
  xero_id: string | null;
  state: Generated<LinkState>;
  last_pushed_hash: string | null;
  last_pulled_hash: string | null;
  base_snapshot: Json | null;
  clio_etag: string | null;
  clio_updated_at: Timestamp | null;
  xero_updated_at: Timestamp | null;
  last_synced_at: Timestamp | null;
  claimed_at: Timestamp | null;
  xero_number: string | null;
  error_code: string | null;
  error_message: string | null;
  parent_clio_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SyncRunsTable {
  firm_id: string;
  last_run_at: Timestamp | null;
  last_success_at: Timestamp | null;
  parked_until: Timestamp | null;
  parked_reason: string | null;
  progress_done: number | null;
  progress_total: number | null;
  progress_at: Timestamp | null;
  /** Null on progress written before the kind was stored: bills. */
  progress_kind: ProgressKind | null;
  updated_at: Timestamp;
}

export interface JobWorkerHeartbeatsTable {
  worker_id: string;
  beat_at: Timestamp;
}

export interface SyncCursorsTable {
  firm_id: string;
  source: Provider;
  kind: string;
  cursor: string | null;
  checked_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface SyncErrorsTable {
  id: Generated<string>;
  firm_id: string;
  code: string;
  kind: string;
  group_key: string;
  record_ids: Json;
  message: string;
  advice: string;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  count: Generated<number>;
  resolved_at: Timestamp | null;
  dismissed_record_ids: Json | null;
  dismissed_at: Timestamp | null;
  notified_at: Timestamp | null;
}

export interface SyncLogTable {
  id: Generated<string>;
  firm_id: string;
  at: Timestamp;
  direction: SyncDirection;
  kind: string;
  clio_id: string | null;
  xero_id: string | null;
  action: string;
  reason: string;
  before_hash: string | null;
  after_hash: string | null;
  detail: Json | null;
}

export interface XeroOauthStatesTable {
  state: string;
  firm_id: string;
  user_id: string;
  code_verifier_enc: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface XeroPendingTenantsTable {
  firm_id: string;
  tenant_id: string;
  xero_connection_id: string;
  tenant_name: string;
  /** The user whose consent offered this organisation; only they choose. */
  consented_by: string | null;
  created_at: CreatedAt;
}

export interface XeroWebhookEventsTable {
  event_key: string;
  firm_id: string;
  received_at: CreatedAt;
}

export interface ClioOauthStatesTable {
  state: string;
  region: ClioRegion;
  add_to_clio: Generated<boolean>;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface ClioWebhooksTable {
  id: Generated<string>;
  firm_id: string;
  connection_id: string | null;
  model: string;
  clio_webhook_id: BigId | null;
  secret_enc: string | null;
  status: Generated<'pending' | 'enabled'>;
  expires_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ClioWebhookEventsTable {
  webhook_id: string;
  record_id: string;
  version: string;
  received_at: CreatedAt;
}

export interface ContactMatchReviewsTable {
  id: Generated<string>;
  firm_id: string;
  clio_contact_id: string;
  clio_name: string;
  clio_email: string | null;
  candidates: Json;
  reason: string;
  created_at: CreatedAt;
  updated_at: Generated<Timestamp>;
  resolved_at: Timestamp | null;
  resolution: 'linked' | 'create_new' | null;
  resolved_xero_contact_id: string | null;
  resolved_by: string | null;
}

export interface SecurityEventsTable {
  id: Generated<string>;
  at: CreatedAt;
  event: string;
  firm_id: string | null;
  user_id: string | null;
  actor: string;
  address: string | null;
  detail: ColumnType<unknown, string | undefined, never>;
}

export interface AgreementChecksTable {
  firm_id: string;
  checked_at: Timestamp;
  bills_compared: number;
  differences: Json;
}

/** Money on one side only, waiting for a person (server/sync/open-items.ts owns it). */
export interface OpenItemsTable {
  id: Generated<string>;
  firm_id: string;
  kind: 'xero_payment_to_record' | 'clio_credit_not_in_xero';
  subject_id: string;
  clio_bill_id: string | null;
  amount_cents: ColumnType<number, number, number>;
  words: string;
  clio_task_id: BigId | null;
  task_claimed_at: Timestamp | null;
  opened_at: CreatedAt;
  closed_at: Timestamp | null;
  close_reason: string | null;
}

export interface DB {
  firms: FirmsTable;
  users: UsersTable;
  connections: ConnectionsTable;
  settings: SettingsTable;
  category_accounts: CategoryAccountsTable;
  links: LinksTable;
  sync_cursors: SyncCursorsTable;
  sync_errors: SyncErrorsTable;
  sync_log: SyncLogTable;
  sync_runs: SyncRunsTable;
  job_worker_heartbeats: JobWorkerHeartbeatsTable;
  xero_oauth_states: XeroOauthStatesTable;
  xero_pending_tenants: XeroPendingTenantsTable;
  xero_webhook_events: XeroWebhookEventsTable;
  clio_oauth_states: ClioOauthStatesTable;
  clio_webhooks: ClioWebhooksTable;
  clio_webhook_events: ClioWebhookEventsTable;
  contact_match_reviews: ContactMatchReviewsTable;
  security_events: SecurityEventsTable;
  agreement_checks: AgreementChecksTable;
  open_items: OpenItemsTable;
}

export type Firm = Selectable<FirmsTable>;
export type NewFirm = Insertable<FirmsTable>;
export type User = Selectable<UsersTable>;
export type Connection = Selectable<ConnectionsTable>;
export type ConnectionUpdate = Updateable<ConnectionsTable>;
export type Settings = Selectable<SettingsTable>;
export type SettingsUpdate = Updateable<SettingsTable>;
export type Link = Selectable<LinksTable>;
export type SyncError = Selectable<SyncErrorsTable>;
export type NewSyncLogEntry = Insertable<SyncLogTable>;
