import type { Kysely } from 'kysely';

/**
 * The last agreement check of each firm (server/agreement): when it ran, how many bills it
 * compared and the differences it found, for the Status tab's line. One row a
 * firm: each check replaces the last; the differences' history is in their failure groups.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agreement_checks')
    .addColumn('firm_id', 'uuid', (c) => c.primaryKey().references('firms.id').onDelete('cascade'))
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('bills_compared', 'integer', (c) => c.notNull())
    .addColumn('differences', 'jsonb', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('agreement_checks').execute();
}
