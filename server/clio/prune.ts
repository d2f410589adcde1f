import type { Database } from '../db/database';
import { WEBHOOK_LIFETIME_DAYS } from './app-definition';

const DAY_MS = 86_400_000;

/**
 * Deletes what only grows: delivery dedupe keys older than a webhook can live (Clio's retries of a
 * delivery come well within that) and OAuth states past their expiry (refused anyway).
 * Meant for the hourly cron.
 */
export async function pruneClioTables(db: Database, now: Date = new Date()): Promise<{ webhookEvents: number; oauthStates: number }> {
  const events = await db
    .deleteFrom('clio_webhook_events')
    .where('received_at', '<', new Date(now.getTime() - WEBHOOK_LIFETIME_DAYS * DAY_MS))
    .executeTakeFirst();
  const states = await db.deleteFrom('clio_oauth_states').where('expires_at', '<', now).executeTakeFirst();
  return { webhookEvents: Number(events.numDeletedRows), oauthStates: Number(states.numDeletedRows) };
}
