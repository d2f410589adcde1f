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
        updated_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getUser(db: Database, firmId: string, userId: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('firm_id', '=', firmId).where('id', '=', userId).executeTakeFirst();
}

/** The admin flag as Clio last stated it (install, or a session renewal that asked again). */
export async function setUserAdmin(db: Database, userId: string, isAdmin: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ is_admin: isAdmin, updated_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
}
