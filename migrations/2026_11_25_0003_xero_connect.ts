import { type Kysely, sql } from 'kysely';

/**
 * What connecting Xero needs beyond the `connections` row:
 * - `xero_oauth_states`: one row per started consent, so the callback can prove it answers a
 *   consent this server started (state), for which firm and user, with which PKCE verifier.
 *   Single use (`used_at`) and short-lived (`expires_at`).
 * - `xero_pending_tenants`: the organisations one consent connected, until the user confirms
 *   which one the firm syncs with (certification X7).
 * - `xero_webhook_events`: a key per delivered event so Xero's at-least-once retries queue
 *   work only once.
 * - `connections_xero_tenant_active_uq`: one Xero organisation is actively connected to at most
 *   one firm, so its webhooks and data can never be routed to two Clio accounts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('xero_oauth_states')
    .ifNotExists()
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_verifier_enc', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('xero_pending_tenants')
    .ifNotExists()
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('xero_connection_id', 'text', (c) => c.notNull())
    .addColumn('tenant_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('xero_pending_tenants_pk', ['firm_id', 'tenant_id'])
    .execute();

  await db.schema
    .createTable('xero_webhook_events')
    .ifNotExists()
    .addColumn('event_key', 'text', (c) => c.primaryKey())
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('xero_webhook_events_received_idx').ifNotExists().on('xero_webhook_events').column('received_at').execute();

  await db.schema
    .createIndex('connections_xero_tenant_active_uq')
    .ifNotExists()
    .unique()
    .on('connections')
    .column('xero_tenant_id')
    .where(sql.ref('provider'), '=', 'xero')
    .where(sql.ref('status'), '=', 'active')
    .where(sql.ref('xero_tenant_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('connections_xero_tenant_active_uq').ifExists().execute();
  for (const t of ['xero_webhook_events', 'xero_pending_tenants', 'xero_oauth_states']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
