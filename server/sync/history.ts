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

/** Actions that put a record's change in the other service (a skip or a wait changes nothing). */
const SYNCED_ACTIONS = ['create', 'update', 'void', 'delete', 'allocate', 'link'] as const;

/**
 * Distinct records synced and failed per day (or hour) of the firm's history since `from`, in the
 * given time zone (a Postgres/IANA name, checked by the caller): the Status tab's activity chart.
 * Distinct, so a record that fails on every sweep counts once a bucket, as the bookkeeper thinks of it.
 */
export async function activityCounts(
  db: Database,
  firmId: string,
  opts: { from: Date; bucket: 'day' | 'hour'; timeZone: string },
): Promise<{ bucket: string; synced: number; failed: number }[]> {
  const format = opts.bucket === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM-DD"T"HH24';
  const local = sql`(sync_log.at at time zone ${opts.timeZone})`;
  const record = sql`sync_log.kind || ':' || coalesce(sync_log.clio_id, sync_log.xero_id, '')`;
  const rows = await db
    .selectFrom('sync_log')
    .select([
      sql<string>`to_char(date_trunc(${opts.bucket}, ${local}), ${format})`.as('bucket'),
      sql<string>`count(distinct ${record}) filter (where sync_log.action in (${sql.join(SYNCED_ACTIONS)}))`.as('synced'),
      sql<string>`count(distinct ${record}) filter (where sync_log.action = 'fail')`.as('failed'),
    ])
    .where('firm_id', '=', firmId)
    .where('at', '>=', opts.from)
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
  return rows.map((r) => ({ bucket: r.bucket, synced: Number(r.synced), failed: Number(r.failed) }));
}
