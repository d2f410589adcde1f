import { sql } from 'kysely';
import type { Database } from '../db/database';
import { cancelQueuedFirmJobs } from '../jobs/enqueue';
import { recordSecurityEvent, type SecurityEventInput } from '../security/events';

export type PurgeOutcome = 'purged' | 'not_found' | 'still_installed';

/**
 * Deletes everything held for an uninstalled firm: the firm row and, through its cascades, users,
 * connections, settings, links, cursors, errors and webhook rows; and its sync_log, which only
 * this transaction may delete from (app.purge_firm, see the 2026_12_02_0011 migration). The
 * security log keeps its rows (kept a year by rule) and gains a "purged" one. A firm still
 * installed is left alone: removing the app comes first.
 */
export async function purgeFirm(db: Database, firmId: string, by: Pick<SecurityEventInput, 'actor' | 'address'>): Promise<PurgeOutcome> {
  const firm = await db.selectFrom('firms').select(['status']).where('id', '=', firmId).executeTakeFirst();
  if (!firm) return 'not_found';
  if (firm.status !== 'uninstalled') return 'still_installed';
  await cancelQueuedFirmJobs(db, firmId);
  return db.transaction().execute(async (trx) => {
    const locked = await trx.selectFrom('firms').select(['status']).where('id', '=', firmId).forUpdate().executeTakeFirst();
    if (!locked) return 'not_found';
    // Reinstalled meanwhile: keep it.
    if (locked.status !== 'uninstalled') return 'still_installed';
    await sql`select set_config('app.purge_firm', ${firmId}, true)`.execute(trx);
    await trx.deleteFrom('sync_log').where('firm_id', '=', firmId).execute();
    await trx.deleteFrom('firms').where('id', '=', firmId).execute();
    await recordSecurityEvent(trx, { event: 'purged', firmId, ...by });
    return 'purged';
  });
}

/** Firms uninstalled more than `afterDays` ago, purged one by one (the daily job). */
export async function purgeDueFirms(db: Database, afterDays: number, now = new Date()): Promise<string[]> {
  const due = await db
    .selectFrom('firms')
    .select('id')
    .where('status', '=', 'uninstalled')
    .where('uninstalled_at', '<=', new Date(now.getTime() - afterDays * 86_400_000))
    .execute();
  const purged: string[] = [];
  for (const { id } of due) if ((await purgeFirm(db, id, { actor: 'system' })) === 'purged') purged.push(id);
  return purged;
}
