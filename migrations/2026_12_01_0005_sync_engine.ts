import { type Kysely, sql } from 'kysely';

/**
 * What the sync engine needs beyond the foundation's tables:
 * - `links.claimed_at`: set before a Xero create is sent and cleared once its outcome is known.
 *   A row still claimed with no Xero id means an earlier attempt may have landed, so the next
 *   attempt looks the record up (by InvoiceNumber / ContactNumber) before creating it again.
 * - `links.xero_number`: the number we create under (InvoiceNumber, ContactNumber, CreditNoteNumber),
 *   which is what that lookup uses.
 * - `links.error_code` / `error_message`: the record's current failure, for its record page; groups of
 *   failures live in `sync_errors`.
 * - `links.parent_clio_id`: a credit note allocation's bill, so allocations follow their invoice.
 * - `sync_runs`: one row per firm — last run, last success, and the day-limit park.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('links')
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('xero_number', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('parent_clio_id', 'text')
    .execute();
  await db.schema.createIndex('links_firm_state_idx').ifNotExists().on('links').columns(['firm_id', 'kind', 'state']).execute();

  await db.schema
    .createTable('sync_runs')
    .ifNotExists()
    .addColumn('firm_id', 'uuid', (c) => c.primaryKey().references('firms.id').onDelete('cascade'))
    .addColumn('last_run_at', 'timestamptz')
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('parked_until', 'timestamptz')
    .addColumn('parked_reason', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sync_runs').ifExists().execute();
  await db.schema.dropIndex('links_firm_state_idx').ifExists().execute();
  await db.schema
    .alterTable('links')
    .dropColumn('claimed_at')
    .dropColumn('xero_number')
    .dropColumn('error_code')
    .dropColumn('error_message')
    .dropColumn('parent_clio_id')
    .execute();
}
