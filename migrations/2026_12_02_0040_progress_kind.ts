import type { Kysely } from 'kysely';

/**
 * `sync_runs.progress_kind`: what the current long run's done / total count ('bill',
 * 'payment_allocation', 'hard_cost'), so the Status tab can say so: a first sync sends its bills,
 * then its payments, then its hard costs. Null on rows written before it, whose progress was
 * always of bills.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('progress_kind', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').dropColumn('progress_kind').execute();
}
