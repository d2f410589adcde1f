import type { Database } from '../db/database';
import type { LinkState } from '../db/schema';

export interface RecordLink {
  state: LinkState;
  xeroId: string | null;
  lastSyncedAt: string | null;
}

/** Where one Clio record stands in the sync, or null when it has never been picked up. */
export async function findRecordLink(db: Database, firmId: string, kind: string, clioId: string): Promise<RecordLink | null> {
  const row = await db
    .selectFrom('links')
    .select(['state', 'xero_id', 'last_synced_at'])
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('clio_id', '=', clioId)
    .executeTakeFirst();
  return row ? { state: row.state, xeroId: row.xero_id, lastSyncedAt: row.last_synced_at?.toISOString() ?? null } : null;
}
