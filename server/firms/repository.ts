import { sql } from 'kysely';
import type { Database } from '../db/database';
import type { ClioRegion, Firm, User } from '../db/schema';

export async function upsertFirm(db: Database, firm: { clioAccountId: string | number; region: ClioRegion; name: string }): Promise<Firm> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('firms')
      .values({ clio_account_id: firm.clioAccountId, clio_region: firm.region, name: firm.name })
      .onConflict((oc) => oc.columns(['clio_region', 'clio_account_id']).doUpdateSet({ name: firm.name, status: 'active', uninstalled_at: null, updated_at: sql`now()` }))
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('settings')
      .values({ firm_id: row.id })
      .onConflict((oc) => oc.column('firm_id').doNothing())
      .execute();
    return row;
  });
}

export async function getFirm(db: Database, firmId: string): Promise<Firm | undefined> {
  return db.selectFrom('firms').selectAll().where('id', '=', firmId).executeTakeFirst();
}

/** Active firms whose sweep interval has passed since their last sweep. */
export async function listFirmsDueForSweep(db: Database, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('firms')
    .innerJoin('settings', 'settings.firm_id', 'firms.id')
    .select('firms.id')
    .where('firms.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('firms.last_sweep_at', 'is', null),
        eb('firms.last_sweep_at', '<=', sql<Date>`${now}::timestamptz - make_interval(mins => settings.sweep_interval_minutes)`),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** Active firms that have saved their sync settings: the ones a daily check has something to check for. */
export async function listSetUpFirms(db: Database): Promise<string[]> {
  const rows = await db.selectFrom('firms').innerJoin('settings', 'settings.firm_id', 'firms.id').select('firms.id').where('firms.status', '=', 'active').execute();
  return rows.map((r) => r.id);
}

export async function markSwept(db: Database, firmId: string, at: Date): Promise<void> {
  await db.updateTable('firms').set({ last_sweep_at: at }).where('id', '=', firmId).execute();
}

export async function upsertUser(
  db: Database,
  user: { firmId: string; clioUserId: string | number; name: string; email: string | null; isAdmin: boolean },
): Promise<User> {
  return db
    .insertInto('users')
    .values({ firm_id: user.firmId, clio_user_id: user.clioUserId, name: user.name, email: user.email, is_admin: user.isAdmin })
    .onConflict((oc) =>
      oc.columns(['firm_id', 'clio_user_id']).doUpdateSet({
        name: user.name,
        email: user.email,
        is_admin: user.isAdmin,
        // A demotion seen at sign-in ends the sessions the user still holds as an admin.
        sessions_valid_after: sql`case when users.is_admin and not excluded.is_admin then now() else users.sessions_valid_after end`,
        updated_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getUser(db: Database, firmId: string, userId: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('firm_id', '=', firmId).where('id', '=', userId).executeTakeFirst();
}

/** The admin flag as Clio last stated it (install, or a session renewal that asked again); a demotion ends the user's sessions. */
export async function setUserAdmin(db: Database, userId: string, isAdmin: boolean, at = new Date()): Promise<void> {
  await db
    .updateTable('users')
    .set({ is_admin: isAdmin, ...(isAdmin ? {} : { sessions_valid_after: at }), updated_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
}

/** The firm has no Clio connection left: its jobs stop, and every session signed in until now ends for good. */
export async function markFirmUninstalled(db: Database, firmId: string, at = new Date()): Promise<void> {
  await db
    .updateTable('firms')
    .set({ status: 'uninstalled', uninstalled_at: sql`now()`, sessions_valid_after: at, updated_at: sql`now()` })
    .where('id', '=', firmId)
    .execute();
}

/** The user's grant is gone (deauthorized, disconnected): their sessions signed in until now end, whatever happens to the firm. */
export async function endUserSessions(db: Database, userId: string, at = new Date()): Promise<void> {
  await db
    .updateTable('users')
    .set({ sessions_valid_after: at, updated_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
}

export type SessionStanding = 'ok' | 'uninstalled' | 'ended';

/**
 * Whether a session signed in at `signedInAt` (epoch seconds) may still act: its firm installed,
 * its user present, and neither having ended sessions since it signed in. Tokens are not stored,
 * so this comparison is what makes an uninstall, a deauthorization or a demotion final.
 */
export async function sessionStanding(db: Database, session: { firmId: string; userId: string; signedInAt: number }): Promise<SessionStanding> {
  const row = await db
    .selectFrom('firms')
    .leftJoin('users', (j) => j.onRef('users.firm_id', '=', 'firms.id').on('users.id', '=', session.userId))
    .select(['firms.status', 'firms.sessions_valid_after as firmAfter', 'users.id as userId', 'users.sessions_valid_after as userAfter'])
    .where('firms.id', '=', session.firmId)
    .executeTakeFirst();
  if (!row || row.status !== 'active') return 'uninstalled';
  if (!row.userId) return 'ended';
  const signedInMs = session.signedInAt * 1000;
  return [row.firmAfter, row.userAfter].every((after) => !after || signedInMs > after.getTime()) ? 'ok' : 'ended';
}
