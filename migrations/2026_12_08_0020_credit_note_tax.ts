import { type Kysely, sql } from 'kysely';

/**
 * `settings.credit_note_tax_mode`: whether a credit note reverses the tax of the bill it credits
 * (`pro_rata`, the default for new firms: a credit for reduced fees is an adjustment of the
 * original supply) or carries none (`untaxed`, for a firm whose accountant treats credits so).
 *
 * Firms that exist when this runs keep `untaxed`, what every credit note of theirs has been so far:
 * their accountant may already have corrected those notes' tax by hand for the period, and a sync
 * that starts taxing credits mid-period would then reverse that tax twice. The change in tax
 * treatment is theirs to make, on the settings page; the column's default turns to `pro_rata`
 * after the existing rows are filled, so only firms created from now on start there.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('settings')
    .addColumn('credit_note_tax_mode', 'text', (c) =>
      c
        .notNull()
        .defaultTo('untaxed')
        .check(sql`credit_note_tax_mode in ('pro_rata','untaxed')`),
    )
    .execute();
  await db.schema
    .alterTable('settings')
    .alterColumn('credit_note_tax_mode', (c) => c.setDefault('pro_rata'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('settings').dropColumn('credit_note_tax_mode').execute();
}
