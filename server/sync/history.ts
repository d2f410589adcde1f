import { sql } from 'kysely';
import type { Database } from '../db/database';

/** The only code that touches `sync_log`: the append-only history of every write. */

export interface LogEntry {
  kind: string;
  clioId: string | null;
  xeroId: string | null;
  action: 'create' | 'update' | 'void' | 'delete' | 'allocate' | 'link' | 'skip' | 'fail';
  reason: string;
  beforeHash?: string | null;
  afterHash?: string | null;
  detail?: unknown;
  /** Which way the change went; the push flows leave it out. */
  direction?: 'clio_to_xero' | 'xero_to_clio';
}

export async function appendLog(db: Database, firmId: string, entries: LogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('sync_log')
    .values(
      entries.map((e) => ({
        firm_id: firmId,
        at: sql<Date>`now()`,
        direction: e.direction ?? ('clio_to_xero' as const),
        kind: e.kind,
        clio_id: e.clioId,
        xero_id: e.xeroId,
        action: e.action,
        reason: e.reason,
        before_hash: e.beforeHash ?? null,
        after_hash: e.afterHash ?? null,
        detail: e.detail === undefined ? null : JSON.stringify(e.detail),
      })),
    )
    .execute();
}

export async function recordHistory(db: Database, firmId: string, kind: string, clioId: string, limit = 50) {
  return db
    .selectFrom('sync_log')
    .select(['at', 'action', 'reason', 'xero_id', 'detail'])
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('clio_id', '=', clioId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
