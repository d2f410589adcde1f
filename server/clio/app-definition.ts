/**
 * Everything Clio is told about this app in one place: `manifest.json` is checked against these
 * constants (test/manifest.test.ts), and the code registers exactly these custom actions and
 * webhooks, so the listing and the behaviour cannot drift apart.
 */

import type { SyncRecordKind } from '../domain/kinds';

/** Listing rules: the name may contain neither "Clio" nor "Xero". */
export const APP_NAME = 'LedgerBridge for law firms';

export const CLIO_PATHS = {
  start: '/oauth/clio/start',
  callback: '/oauth/clio/callback',
  deauthorize: '/oauth/clio/deauthorize',
  customActions: '/actions/clio',
  /** Each webhook subscription gets `${webhooks}/<subscription id>` so its secret is found by URL. */
  webhooks: '/webhooks/clio',
  connection: '/api/clio/connection',
} as const;

/** Fails to compile unless every member of T is one of U. */
type SubsetOf<U, T extends U> = T;

/** The kinds a custom action or webhook names; they are also the `kind` of `sync_records` jobs, so a subset of those. */
export type ClioRecordKind = SubsetOf<SyncRecordKind<'clio'>, 'contact' | 'matter' | 'activity' | 'bill' | 'clio_payments_payment'>;

export interface CustomActionDefinition {
  uiReference: 'contacts/show' | 'matters/show' | 'activities/show';
  label: string;
  kind: 'contact' | 'matter' | 'activity';
  /** The `subject_url` collection Clio sends for this page. */
  collection: 'contacts' | 'matters' | 'activities';
}

// Clio has no bill page for custom actions; a matter's action covers its bills.
export const CUSTOM_ACTIONS: readonly CustomActionDefinition[] = [
  { uiReference: 'contacts/show', label: 'Xero: open or sync this contact', kind: 'contact', collection: 'contacts' },
  { uiReference: 'matters/show', label: "Xero: sync this matter's bills", kind: 'matter', collection: 'matters' },
  { uiReference: 'activities/show', label: 'Xero: sync this expense', kind: 'activity', collection: 'activities' },
];

export interface WebhookDefinition {
  model: 'contact' | 'bill' | 'activity' | 'clio_payments_payment';
  kind: ClioRecordKind;
  events: readonly string[];
  /**
   * `etag` and `updated_at` make each delivery's dedupe key; the sync job reads the rest itself. An
   * activity's `type` lets the job skip reading the time entries and soft costs that cannot be hard costs;
   * a bill's `state` lets it skip reading the drafts that cannot reach Xero.
   */
  fields: string;
}

export const WEBHOOK_MODELS: readonly WebhookDefinition[] = [
  { model: 'contact', kind: 'contact', events: ['created', 'updated', 'deleted'], fields: 'id,etag,updated_at' },
  { model: 'bill', kind: 'bill', events: ['created', 'updated', 'deleted'], fields: 'id,etag,updated_at,state' },
  { model: 'activity', kind: 'activity', events: ['created', 'updated', 'deleted'], fields: 'id,etag,updated_at,type' },
  // Clio Payments webhooks know no `deleted` event.
  { model: 'clio_payments_payment', kind: 'clio_payments_payment', events: ['created', 'updated'], fields: 'id,updated_at' },
];

/** Clio allows 31 days at most; asking for 30 leaves room for clock skew between us and Clio. */
export const WEBHOOK_LIFETIME_DAYS = 30;
/** The renewal job extends every webhook that would lapse within this many days. */
export const WEBHOOK_RENEW_WITHIN_DAYS = 7;

/** Permissions the app asks for in the developer portal (read/write per resource). */
export const CLIO_PERMISSIONS = {
  users: 'read',
  contacts: 'read_write',
  matters: 'read',
  activities: 'read',
  billing: 'read_write',
  clio_payments: 'read',
  custom_actions: 'read_write',
  webhooks: 'read_write',
  general: 'read',
} as const;
