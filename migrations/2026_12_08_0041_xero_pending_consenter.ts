import type { Kysely } from 'kysely';

/**
 * Who gave the Xero consent whose organisations wait to be chosen: only that user's session may
 * choose one (issue 15, attack 1). Rows from before this column have no consenter and can be
 * chosen by no one; the admin connects again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('xero_pending_tenants').addColumn('consented_by', 'uuid').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('xero_pending_tenants').dropColumn('consented_by').execute();
}
