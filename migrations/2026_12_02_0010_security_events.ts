import { type Kysely, sql } from 'kysely';

/**
 * `security_events`: sign-ins, connects, disconnects, settings changes, uninstalls,
 * deauthorizations and purges, with who, when and from where (certification.md §5). Append-only:
 * a trigger refuses UPDATE, and DELETE of any row younger than a year, so the log is kept at least
 * that long whatever the code does. No foreign key to firms: the log outlives a purged firm.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('security_events')
    .ifNotExists()
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('firm_id', 'uuid')
    .addColumn('user_id', 'uuid')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('security_events_firm_at_idx').ifNotExists().on('security_events').columns(['firm_id', 'at']).execute();
  await sql`
    create or replace function security_events_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and old.at < now() - interval '1 year' then
        return old;
      end if;
      raise exception 'security_events is append-only (rows are kept at least a year)';
    end $$`.execute(db);
  await sql`drop trigger if exists security_events_no_change on security_events`.execute(db);
  await sql`
    create trigger security_events_no_change before update or delete on security_events
    for each row execute function security_events_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('security_events').ifExists().execute();
  await sql`drop function if exists security_events_append_only()`.execute(db);
}
