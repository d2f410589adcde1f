import { sql } from 'kysely';
import type { Database } from '../db/database';

/** The only code that touches `sync_cursors`: where each sweep of each kind got to, and when it last looked. */

export type CursorSource = 'clio' | 'xero';
export interface CursorKey {
  source: CursorSource;
  kind: string;
}

export async function getCursor(db: Database, firmId: string, source: CursorSource, kind: string): Promise<string | undefined> {
  const row = await db.selectFrom('sync_cursors').select('cursor').where('firm_id', '=', firmId).where('source', '=', source).where('kind', '=', kind).executeTakeFirst();
  return row?.cursor ?? undefined;
}

/** Moves a cursor forward only: a slow run finishing late never rewinds a faster one's progress. */
export async function advanceCursor(db: Database, firmId: string, source: CursorSource, kind: string, cursor: string): Promise<void> {
  await db
    .insertInto('sync_cursors')
    .values({ firm_id: firmId, source, kind, cursor })
    .onConflict((oc) => oc.columns(['firm_id', 'source', 'kind']).doUpdateSet({ cursor: sql`greatest(sync_cursors.cursor, excluded.cursor)`, updated_at: sql`now()` }))
    .execute();
}

/** A kind's listing ran to its end at `at`, whether or not it found anything. */
export async function markChecked(db: Database, firmId: string, key: CursorKey, at: Date): Promise<void> {
  await db
    .insertInto('sync_cursors')
    .values({ firm_id: firmId, source: key.source, kind: key.kind, cursor: null, checked_at: at })
    .onConflict((oc) => oc.columns(['firm_id', 'source', 'kind']).doUpdateSet({ checked_at: sql`greatest(sync_cursors.checked_at, excluded.checked_at)` }))
    .execute();
}

/** Of these kinds, the one whose listing ran longest ago (never beats any time; ties go to the first named). */
export async function leastRecentlyChecked<K extends CursorKey>(db: Database, firmId: string, keys: K[]): Promise<K | undefined> {
  if (keys.length === 0) return undefined;
  const rows = await db.selectFrom('sync_cursors').select(['source', 'kind', 'checked_at']).where('firm_id', '=', firmId).execute();
  const checked = (k: K) => rows.find((r) => r.source === k.source && r.kind === k.kind)?.checked_at?.getTime() ?? -Infinity;
  return keys.reduce((best, k) => (checked(k) < checked(best) ? k : best));
}
