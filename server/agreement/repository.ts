import { sql } from 'kysely';
import type { Database } from '../db/database';
import type { Difference } from './compare';

/** The only code that touches `agreement_checks`: each firm's last agreement check. */

export interface StoredCheck {
  checkedAt: Date;
  billsCompared: number;
  differences: Difference[];
}

export async function saveCheck(db: Database, firmId: string, check: { billsCompared: number; differences: Difference[] }): Promise<StoredCheck> {
  const values = { bills_compared: check.billsCompared, differences: JSON.stringify(check.differences), checked_at: sql<Date>`now()` };
  const row = await db
    .insertInto('agreement_checks')
    .values({ firm_id: firmId, ...values })
    .onConflict((oc) => oc.column('firm_id').doUpdateSet(values))
    .returning(['checked_at', 'bills_compared', 'differences'])
    .executeTakeFirstOrThrow();
  return toCheck(row);
}

export async function lastCheck(db: Database, firmId: string): Promise<StoredCheck | undefined> {
  const row = await db.selectFrom('agreement_checks').select(['checked_at', 'bills_compared', 'differences']).where('firm_id', '=', firmId).executeTakeFirst();
  return row && toCheck(row);
}

const toCheck = (r: { checked_at: Date; bills_compared: number; differences: unknown }): StoredCheck => ({
  checkedAt: r.checked_at,
  billsCompared: r.bills_compared,
  differences: r.differences as Difference[],
});
