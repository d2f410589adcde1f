import { type Kysely, sql } from 'kysely';

/**
 * `contact_match_reviews`: Clio clients that matching on connect could not link to a Xero contact
 * without guessing, with the Xero candidates as they were seen, until an admin picks one or asks
 * for a new contact. At most one open review per Clio contact, so a re-run refreshes it in place.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contact_match_reviews')
    .ifNotExists()
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    .addColumn('clio_contact_id', 'text', (c) => c.notNull())
    .addColumn('clio_name', 'text', (c) => c.notNull())
    .addColumn('clio_email', 'text')
    .addColumn('candidates', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolution', 'text', (c) => c.check(sql`resolution in ('linked','create_new')`))
    .addColumn('resolved_xero_contact_id', 'text')
    .addColumn('resolved_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addCheckConstraint('contact_match_reviews_resolved_ck', sql`(resolved_at is null) = (resolution is null)`)
    .execute();
  await db.schema
    .createIndex('contact_match_reviews_open_uq')
    .ifNotExists()
    .on('contact_match_reviews')
    .columns(['firm_id', 'clio_contact_id'])
    .unique()
    .where(sql.ref('resolved_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('contact_match_reviews').ifExists().execute();
}
