import { type Kysely, sql } from 'kysely';

/**
 * Clio install and event plumbing:
 * - `clio_oauth_states`: server-side OAuth state (region chosen before the redirect, single use,
 *   ten minutes), so the callback never trusts anything the browser carries back except the state.
 * - `clio_webhooks`: one row per firm and model. The row (and its own receiver URL) exists before
 *   Clio is asked to create the webhook, because Clio's handshake can arrive before the create call
 *   returns. The secret is stored sealed.
 * - `clio_webhook_events`: what has been queued already, so a redelivered event queues nothing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('clio_oauth_states')
    .ifNotExists()
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('region', 'text', (c) => c.notNull().check(sql`region in ('us','ca','eu','au')`))
    .addColumn('add_to_clio', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('clio_webhooks')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('firm_id', 'uuid', (c) => c.notNull().references('firms.id').onDelete('cascade'))
    // The webhook lives and dies with the token that created it (Clio ties it to that user).
    .addColumn('connection_id', 'uuid', (c) => c.references('connections.id').onDelete('set null'))
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('clio_webhook_id', 'bigint')
    .addColumn('secret_enc', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending','enabled')`),
    )
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('clio_webhooks_firm_model_uq', ['firm_id', 'model'])
    .execute();

  await db.schema
    .createTable('clio_webhook_events')
    .ifNotExists()
    .addColumn('webhook_id', 'uuid', (c) => c.notNull().references('clio_webhooks.id').onDelete('cascade'))
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('clio_webhook_events_pk', ['webhook_id', 'record_id', 'version'])
    .execute();
  await db.schema.createIndex('clio_webhook_events_received_idx').ifNotExists().on('clio_webhook_events').column('received_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['clio_webhook_events', 'clio_webhooks', 'clio_oauth_states']) {
    await db.schema.dropTable(t).ifExists().cascade().execute();
  }
}
