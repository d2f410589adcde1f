import type { Kysely } from 'kysely';

/**
 * The currencies the firm's Xero organisation has enabled, read on connect and at the daily check
 * (certification: currencies checked on connect), so each bill is checked without a call. Null: not read yet.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('connections').addColumn('xero_currencies', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('connections').dropColumn('xero_currencies').execute();
}
