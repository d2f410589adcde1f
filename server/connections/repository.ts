import { sql } from 'kysely';
import type { Database } from '../db/database';

type Db = Pick<Database, 'updateTable'>;

/**
 * A grant the service no longer honours (revoked, or disconnected on its side): the connection
 * waits for the user to reconnect, and its jobs stop calling out. Only an active connection
 * changes, so a deliberate disconnect is never turned back into "needs reconnect".
 */
export async function markNeedsReconnect(db: Db, connectionId: string, reason: string): Promise<void> {
  await db
    .updateTable('connections')
    .set({ status: 'needs_reconnect', status_reason: reason, updated_at: sql`now()` })
    .where('id', '=', connectionId)
    .where('status', '=', 'active')
    .execute();
}
