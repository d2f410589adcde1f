import { sql } from 'kysely';
import type { Database } from '../db/database';

/** The only code that touches `sync_cursors`: where each sweep of each kind got to. */

export async function getCursor(db: Database, firmId: string, source: 'clio' | 'xero', kind: string): Promise<string | undefined> {
  const row = await db.selectFrom('sync_cursors').select('cursor').where('firm_id', '=', firmId).where('source', '=', source).where('kind', '=', kind).executeTakeFirst();
  return row?.cursor;
}

/** Moves a cursor forward only: a slow run finishing late never rewinds a faster one's progress. */
export async function advanceCursor(db: Database, firmId: string, source: 'clio' | 'xero', kind: string, cursor: string): Promise<void> {
  await db
    .insertInto('sync_cursors')
    .values({ firm_id: firmId, source, kind, cursor })
    .onConflict((oc) => oc.columns(['firm_id', 'source', 'kind']).doUpdateSet({ cursor: sql`greatest(sync_cursors.cursor, excluded.cursor)`, updated_at: sql`now()` }))
    .execute();
}
