import type { Database } from '../db/database';

/** Webhook event keys only guard against Xero's redeliveries, which come within hours; a week is ample. */
export const WEBHOOK_EVENT_RETENTION_MS = 7 * 86_400_000;

/**
 * Deletes what only grows: webhook dedupe keys older than 7 days and OAuth states past their
 * expiry (used or not; an expired state is refused anyway). Meant for the hourly cron.
 */
export async function pruneXeroTables(db: Database, now: Date = new Date()): Promise<{ webhookEvents: number; oauthStates: number }> {
  const events = await db
    .deleteFrom('xero_webhook_events')
    .where('received_at', '<', new Date(now.getTime() - WEBHOOK_EVENT_RETENTION_MS))
    .executeTakeFirst();
  const states = await db.deleteFrom('xero_oauth_states').where('expires_at', '<', now).executeTakeFirst();
  return { webhookEvents: Number(events.numDeletedRows), oauthStates: Number(states.numDeletedRows) };
}
