import { type Kysely, sql } from 'kysely';

/**
 * Purging an uninstalled firm (server/offboarding/purge.ts): `firms.uninstalled_at` says when the
 * delay started, and sync_log — append-only for everything else — lets one statement delete the
 * rows of the firm named in the transaction-local setting `app.purge_firm`, and nothing else.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('firms').addColumn('uninstalled_at', 'timestamptz').execute();
  await sql`update firms set uninstalled_at = updated_at where status = 'uninstalled'`.execute(db);
  await sql`
    create or replace function sync_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and old.firm_id::text = current_setting('app.purge_firm', true) then
        return old;
      end if;
      raise exception 'sync_log is append-only';
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function sync_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'sync_log is append-only';
    end $$`.execute(db);
  await db.schema.alterTable('firms').dropColumn('uninstalled_at').execute();
}
