import { type Kysely, sql } from 'kysely';

/**
 * The whole product's core tables in one go, so later features add columns rather than
 * reshaping ownership:
 * - `firms` is the tenant: one per Clio account (and region). Every other table carries firm_id.
 * - `connections` holds one Clio connection per installing user (custom actions are registered
 *   with each user's own token) and one Xero connection per firm (one organisation per firm).
 * - `settings` is one typed row per firm rather than key/value pairs, so every setting in
 *   product.md has a type and a default the database enforces.
 * - `links` is the per-record sync state (clio id ↔ xero id, hashes for echo suppression).
 * - `sync_log` is append-only: a trigger refuses UPDATE and DELETE (certification asks for an
 *   immutable audit trail), which is also why it does not cascade from firms.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('firms')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('clio_account_id', 'bigint', (c) => c.notNull())
    .addColumn('clio_region', 'text', (c) => c.notNull().check(sql`clio_region in ('us','ca','eu','au')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active','uninstalled')`),
    )
    .addColumn('last_sweep_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('firms_clio_account_uq', ['clio_region', 'clio_account_id'])
    .execute();

  await db.schema
    .createTable('users')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    .addColumn('clio_user_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('is_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('users_firm_clio_user_uq', ['firm_id', 'clio_user_id'])
    .execute();

  await db.schema
    .createTable('connections')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider in ('clio','xero')`))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('region', 'text')
    .addColumn('xero_tenant_id', 'text')
    .addColumn('xero_connection_id', 'text')
    .addColumn('tenant_name', 'text')
    .addColumn('access_token_enc', 'text')
    .addColumn('refresh_token_enc', 'text')
    .addColumn('access_expires_at', 'timestamptz')
    .addColumn('refresh_expires_at', 'timestamptz')
    .addColumn('scopes', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active','needs_reconnect','disconnected')`),
    )
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('connections_owner_ck', sql`(provider = 'clio' and user_id is not null) or (provider = 'xero' and user_id is null)`)
    .execute();
  await db.schema
    .createIndex('connections_clio_user_uq')
    .ifNotExists()
    .on('connections')
    .columns(['firm_id', 'user_id'])
    .unique()
    .where(sql.ref('provider'), '=', 'clio')
    .execute();
  await db.schema.createIndex('connections_xero_firm_uq').ifNotExists().on('connections').column('firm_id').unique().where(sql.ref('provider'), '=', 'xero').execute();

  await db.schema
    .createTable('settings')
    .ifNotExists()
    .addColumn('firm_id', 'uuid', (c) => c.primaryKey().references('firms.id').onDelete('cascade'))
    .addColumn('sync_bills', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('only_approved_bills', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('bill_date_from', 'date')
    .addColumn('bill_date_to', 'date')
    .addColumn('invoice_status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('DRAFT')
        .check(sql`invoice_status in ('DRAFT','AUTHORISED')`),
    )
    .addColumn('time_account_code', 'text')
    .addColumn('expense_account_code', 'text')
    .addColumn('interest_account_code', 'text')
    .addColumn('credit_note_account_code', 'text')
    .addColumn('time_tax_type', 'text')
    .addColumn('expense_tax_type', 'text')
    .addColumn('interest_tax_type', 'text')
    .addColumn('payment_bank_account_code', 'text')
    .addColumn('sync_from_xero', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('clio_payment_bank_account_id', 'bigint')
    .addColumn('sync_hard_costs', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('hard_cost_start_date', 'date')
    .addColumn('hard_cost_account_code', 'text')
    .addColumn('hard_cost_bank_account_code', 'text')
    .addColumn('sweep_interval_minutes', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(5)
        .check(sql`sweep_interval_minutes between 1 and 1440`),
    )
    .addColumn('notify_email', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('category_accounts')
    .ifNotExists()
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    .addColumn('clio_kind', 'text', (c) => c.notNull().check(sql`clio_kind in ('activity_description','expense_category')`))
    .addColumn('clio_id', 'bigint', (c) => c.notNull())
    .addColumn('xero_account_code', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('category_accounts_pk', ['firm_id', 'clio_kind', 'clio_id'])
    .execute();

  await db.schema
    .createTable('links')
    .ifNotExists()
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('clio_id', 'text')
    .addColumn('xero_id', 'text')
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`state in ('pending','synced','failed','conflict','ignored')`),
    )
    .addColumn('last_pushed_hash', 'text')
    .addColumn('last_pulled_hash', 'text')
    .addColumn('base_snapshot', 'jsonb')
    .addColumn('clio_etag', 'text')
    .addColumn('clio_updated_at', 'timestamptz')
    .addColumn('xero_updated_at', 'timestamptz')
    .addColumn('last_synced_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('links_has_side_ck', sql`clio_id is not null or xero_id is not null`)
    .execute();
  await db.schema
    .createIndex('links_clio_uq')
    .ifNotExists()
    .on('links')
    .columns(['firm_id', 'kind', 'clio_id'])
    .unique()
    .where(sql.ref('clio_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('links_xero_uq')
    .ifNotExists()
    .on('links')
    .columns(['firm_id', 'kind', 'xero_id'])
    .unique()
    .where(sql.ref('xero_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('sync_cursors')
    .ifNotExists()
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('clio','xero')`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sync_cursors_pk', ['firm_id', 'source', 'kind'])
    .execute();

  await db.schema
    .createTable('sync_errors')
    .ifNotExists()
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('record_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('advice', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('resolved_at', 'timestamptz')
    .execute();
  // One open group per cause; a resolved group stays as history and a recurrence opens a new one.
  await db.schema
    .createIndex('sync_errors_open_group_uq')
    .ifNotExists()
    .on('sync_errors')
    .columns(['firm_id', 'group_key'])
    .unique()
    .where(sql.ref('resolved_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('sync_log')
    .ifNotExists()
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('clio_to_xero','xero_to_clio','internal')`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('clio_id', 'text')
    .addColumn('xero_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('before_hash', 'text')
    .addColumn('after_hash', 'text')
    .addColumn('detail', 'jsonb')
    .execute();
  await db.schema.createIndex('sync_log_firm_at_idx').ifNotExists().on('sync_log').columns(['firm_id', 'at']).execute();
  await sql`
    create or replace function sync_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'sync_log is append-only';
    end $$`.execute(db);
  await sql`drop trigger if exists sync_log_no_change on sync_log`.execute(db);
  await sql`
    create trigger sync_log_no_change before update or delete on sync_log
    for each row execute function sync_log_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['sync_log', 'sync_errors', 'sync_cursors', 'links', 'category_accounts', 'settings', 'connections', 'users', 'firms']) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
  await sql`drop function if exists sync_log_append_only()`.execute(db);
}
