import type { Database } from '../db/database';

/**
 * The security log (certification.md §5): who did what to a firm's connections and settings,
 * when, and from where. Append-only in the database (see the migration); this module only adds.
 */
const SECURITY_EVENTS = [
  'sign_in',
  'xero_connected',
  'xero_disconnected',
  'clio_disconnected',
  'settings_changed',
  'uninstalled',
  'clio_deauthorized',
  'xero_connection_lost',
  'purged',
] as const;
export type SecurityEvent = (typeof SECURITY_EVENTS)[number];

export interface SecurityEventInput {
  event: SecurityEvent;
  firmId: string | null;
  userId?: string | null;
  /** 'user' (a signed-in person), 'clio' or 'xero' (a callback or a check), 'system' (a job), 'operator' (a command). */
  actor: 'user' | 'clio' | 'xero' | 'system' | 'operator';
  /** The client address, when a request caused it. */
  address?: string | null;
  detail?: Record<string, unknown>;
}

export async function recordSecurityEvent(db: Pick<Database, 'insertInto'>, e: SecurityEventInput): Promise<void> {
  await db
    .insertInto('security_events')
    .values({
      event: e.event,
      firm_id: e.firmId,
      user_id: e.userId ?? null,
      actor: e.actor,
      address: e.address ?? null,
      detail: JSON.stringify(e.detail ?? {}),
    })
    .execute();
}
