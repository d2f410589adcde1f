import { sql } from 'kysely';
import type { Database } from '../db/database';
import type { ProgressKind } from '../domain/kinds';
import { countDayLimitPark, countRun } from '../metrics/registry';

/** The only code that touches `sync_runs`: when a firm last synced, and whether it is parked. */

export async function parkedUntil(db: Database, firmId: string, now: Date): Promise<{ until: Date; reason: string } | undefined> {
  const row = await db.selectFrom('sync_runs').select(['parked_until', 'parked_reason']).where('firm_id', '=', firmId).executeTakeFirst();
  return row?.parked_until && row.parked_until > now ? { until: row.parked_until, reason: row.parked_reason ?? '' } : undefined;
}

export async function park(db: Database, firmId: string, until: Date, reason: string): Promise<void> {
  await db
    .insertInto('sync_runs')
    .values({ firm_id: firmId, parked_until: until, parked_reason: reason })
    .onConflict((oc) => oc.column('firm_id').doUpdateSet({ parked_until: until, parked_reason: reason, updated_at: sql`now()` }))
    .execute();
  countDayLimitPark();
}

export async function markRun(db: Database, firmId: string, outcome: 'started' | 'succeeded'): Promise<void> {
  const set = outcome === 'started' ? { last_run_at: sql<Date>`now()` } : { last_success_at: sql<Date>`now()`, parked_until: null, parked_reason: null };
  await db
    .insertInto('sync_runs')
    .values({ firm_id: firmId, ...set })
    .onConflict((oc) => oc.column('firm_id').doUpdateSet({ ...set, updated_at: sql`now()` }))
    .execute();
  countRun(outcome);
}

export async function getRun(db: Database, firmId: string) {
  return db.selectFrom('sync_runs').selectAll().where('firm_id', '=', firmId).executeTakeFirst();
}

/**
 * How far the current long run (a first sync, a backfill) has got through the records it is
 * sending now — its bills, then its payments, then its hard costs — for the Status tab's progress.
 */
export async function recordProgress(db: Database, firmId: string, done: number, total: number, kind: ProgressKind): Promise<void> {
  const set = { progress_done: done, progress_total: total, progress_kind: kind, progress_at: sql<Date>`now()` };
  await db
    .insertInto('sync_runs')
    .values({ firm_id: firmId, ...set })
    .onConflict((oc) => oc.column('firm_id').doUpdateSet({ ...set, updated_at: sql`now()` }))
    .execute();
}
