import type { Kysely } from 'kysely';

/**
 * A new firm's approved Clio bills become AUTHORISED invoices: Xero takes no payment or credit
 * allocation on a draft, so with drafts as the default every payment and credit note waited,
 * unseen, until a bookkeeper approved each invoice in Xero. Drafts stay a choice.
 *
 * Existing firms keep the status they have: a saved DRAFT cannot be told from an untouched
 * default, and a firm whose bookkeeper reviews every draft before it is sent must not find its
 * invoices approved (and emailable) without having chosen it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('settings')
    .alterColumn('invoice_status', (c) => c.setDefault('AUTHORISED'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('settings')
    .alterColumn('invoice_status', (c) => c.setDefault('DRAFT'))
    .execute();
}
