import { type Kysely, sql } from 'kysely';

/**
 * What the Status tab and the failure emails need:
 * - `sync_errors.dismissed_record_ids`: the records a group held when an admin dismissed it. The
 *   group stays hidden while it holds no other record; a new record joining brings it back.
 * - `sync_errors.notified_at`: when the group was emailed (immediately or in a digest), so each
 *   group is announced once, not once per record.
 * - `sync_runs.progress_done` / `progress_total`: how far the current long run (a first sync, a
 *   backfill) has got, written by the engine after each chunk so the Status tab can show it.
 * - `settings.notify_digest`: the admin prefers one email a day over one per new failure group.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sync_errors')
    .addColumn('dismissed_record_ids', 'jsonb')
    .addColumn('dismissed_at', 'timestamptz')
    .addColumn('notified_at', 'timestamptz')
    .execute();
  // Groups open before this migration were never announced; they are not news any more.
  await sql`update sync_errors set notified_at = now() where resolved_at is null`.execute(db);
  await db.schema.alterTable('sync_runs').addColumn('progress_done', 'integer').addColumn('progress_total', 'integer').addColumn('progress_at', 'timestamptz').execute();
  await db.schema
    .alterTable('settings')
    .addColumn('notify_digest', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('settings').dropColumn('notify_digest').execute();
  await db.schema.alterTable('sync_runs').dropColumn('progress_done').dropColumn('progress_total').dropColumn('progress_at').execute();
  await db.schema.alterTable('sync_errors').dropColumn('dismissed_record_ids').dropColumn('dismissed_at').dropColumn('notified_at').execute();
}
