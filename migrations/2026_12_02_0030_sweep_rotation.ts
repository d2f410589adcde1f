import { type Kysely, sql } from 'kysely';

/**
 * The sweep's shape changes (ADR 0005):
 * - `sync_cursors.checked_at`: when a kind's listing last ran to its end, found something or not.
 *   A scheduled sweep lists the webhook-backed kinds one at a time, longest unchecked first. A
 *   kind checked but never changed has no cursor yet, so `cursor` may now be null.
 * - Credit memos and payments are found through one allocations listing: its cursor starts at the
 *   older of the two it replaces, so nothing changed since either is skipped.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sync_cursors')
    .alterColumn('cursor', (c) => c.dropNotNull())
    .execute();
  await db.schema.alterTable('sync_cursors').addColumn('checked_at', 'timestamptz').execute();
  await sql`
    insert into sync_cursors (firm_id, source, kind, cursor)
    select firm_id, 'clio', 'allocations', min(cursor) from sync_cursors
    where source = 'clio' and kind in ('credit_memos', 'payment_allocations')
    group by firm_id
    on conflict do nothing`.execute(db);
  await sql`delete from sync_cursors where source = 'clio' and kind in ('credit_memos', 'payment_allocations')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const kind of ['credit_memos', 'payment_allocations'])
    await sql`
      insert into sync_cursors (firm_id, source, kind, cursor)
      select firm_id, 'clio', ${kind}, cursor from sync_cursors where source = 'clio' and kind = 'allocations' and cursor is not null
      on conflict do nothing`.execute(db);
  await sql`delete from sync_cursors where cursor is null or (source = 'clio' and kind = 'allocations')`.execute(db);
  await db.schema.alterTable('sync_cursors').dropColumn('checked_at').execute();
  await db.schema
    .alterTable('sync_cursors')
    .alterColumn('cursor', (c) => c.setNotNull())
    .execute();
}
