import type { Kysely } from 'kysely';

/**
 * The Xero tax rate for lines Clio leaves untaxed, per kind (time entries, expenses): a GST-free
 * or exempt supply must not be reported as a taxable sale. Null: not chosen yet, and a bill with
 * an untaxed line waits with SETTINGS_INCOMPLETE until it is.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('settings').addColumn('time_untaxed_tax_type', 'text').addColumn('expense_untaxed_tax_type', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('settings').dropColumn('time_untaxed_tax_type').dropColumn('expense_untaxed_tax_type').execute();
}
