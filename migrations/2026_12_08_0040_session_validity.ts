import type { Kysely } from 'kysely';

/**
 * Sessions are signed tokens the server does not store, so ending them for good needs a time to
 * compare with: a token signed in before its firm's or its user's `sessions_valid_after` is
 * refused on every verify and renewal (issue 15, attack 2). Set on uninstall, deauthorization,
 * disconnect and demotion; null means no session of theirs has been ended.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('firms').addColumn('sessions_valid_after', 'timestamptz').execute();
  await db.schema.alterTable('users').addColumn('sessions_valid_after', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('sessions_valid_after').execute();
  await db.schema.alterTable('firms').dropColumn('sessions_valid_after').execute();
}
