import type { Kysely } from 'kysely';

/** A bill's webhook asks whether any payment is linked to that bill (`links.parent_clio_id`): an index, not a scan of the firm's payments. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('links_firm_kind_parent_idx').ifNotExists().on('links').columns(['firm_id', 'kind', 'parent_clio_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('links_firm_kind_parent_idx').ifExists().execute();
}
