import { type Kysely, sql } from 'kysely';

/**
 * `open_items`: money that reached one side only and waits for a person — a payment made in Xero,
 * which Clio's public API cannot record, or a Clio payment's unapplied credit, which is not in
 * Xero. One row per record it is about (`subject_id`: the Xero payment, the Clio payment; a second
 * sweep finds the row rather than opening another), holding the words the Status tab and the Clio
 * task show, the task's id once created (`task_claimed_at` is set before the create goes out, so a
 * crash between Clio's answer and ours is looked up, never created twice), and when it closed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('open_items')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('clio_bill_id', 'text')
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('words', 'text', (c) => c.notNull())
    .addColumn('clio_task_id', 'bigint')
    .addColumn('task_claimed_at', 'timestamptz')
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .addColumn('close_reason', 'text')
    .execute();
  await db.schema.createIndex('open_items_firm_kind_subject_idx').unique().on('open_items').columns(['firm_id', 'kind', 'subject_id']).execute();
  await sql`create index open_items_open_idx on open_items (firm_id, clio_bill_id) where closed_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('open_items').execute();
}
