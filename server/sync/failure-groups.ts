import { sql } from 'kysely';
import { inTransaction, type Database } from '../db/database';
import { SYNC_ERROR_CODES, type RecordFailure } from './errors';
import type { OpenErrorGroup } from '../api-contract';

/**
 * The only code that touches `sync_errors`: open failure groups, one per firm, kind and code,
 * listing the records in it.
 */

const groupKey = (kind: string, code: string) => `${kind}:${code}`;

/** Adds the record to its cause's open group (creating the group), and takes it out of any other group of its kind. */
export async function recordFailureGroup(db: Database, firmId: string, kind: string, clioId: string, failure: RecordFailure): Promise<void> {
  const text = SYNC_ERROR_CODES[failure.code];
  await inTransaction(db, async (trx) => {
    await removeFromGroups(trx, firmId, kind, [clioId], groupKey(kind, failure.code));
    const ids = JSON.stringify([clioId]);
    await sql`
      insert into sync_errors (firm_id, code, kind, group_key, record_ids, message, advice, count)
      values (${firmId}, ${failure.code}, ${kind}, ${groupKey(kind, failure.code)}, ${ids}::jsonb, ${text.cause}, ${text.fix}, 1)
      on conflict (firm_id, group_key) where resolved_at is null do update set
        record_ids = case when sync_errors.record_ids @> ${ids}::jsonb then sync_errors.record_ids else sync_errors.record_ids || ${ids}::jsonb end,
        count = jsonb_array_length(case when sync_errors.record_ids @> ${ids}::jsonb then sync_errors.record_ids else sync_errors.record_ids || ${ids}::jsonb end),
        last_seen_at = now()`.execute(trx);
  });
}

/** A later success: the records leave their groups, and a group left empty is resolved. */
export async function resolveFailures(db: Database, firmId: string, kind: string, clioIds: string[]): Promise<void> {
  if (clioIds.length === 0) return;
  await removeFromGroups(db, firmId, kind, clioIds);
}

async function removeFromGroups(db: Database, firmId: string, kind: string, clioIds: string[], exceptGroup?: string): Promise<void> {
  const ids = JSON.stringify(clioIds);
  await sql`
    update sync_errors set
      record_ids = coalesce((select jsonb_agg(e) from jsonb_array_elements(record_ids) e where not (${ids}::jsonb @> jsonb_build_array(e))), '[]'::jsonb),
      count = greatest(0, jsonb_array_length(record_ids) - (select count(*) from jsonb_array_elements(record_ids) e where ${ids}::jsonb @> jsonb_build_array(e)))::int,
      resolved_at = case when not exists (select 1 from jsonb_array_elements(record_ids) e where not (${ids}::jsonb @> jsonb_build_array(e))) then now() else null end
    where firm_id = ${firmId} and kind = ${kind} and resolved_at is null and record_ids ?| ${sql.val(clioIds)}::text[]
      ${exceptGroup ? sql`and group_key <> ${exceptGroup}` : sql``}`.execute(db);
}

/** A failure of the whole firm's run (day limit, missing settings): a group with no records. */
export async function recordFirmFailure(db: Database, firmId: string, code: RecordFailure['code'], kind = 'firm'): Promise<void> {
  const text = SYNC_ERROR_CODES[code];
  await sql`
    insert into sync_errors (firm_id, code, kind, group_key, record_ids, message, advice, count)
    values (${firmId}, ${code}, ${kind}, ${groupKey(kind, code)}, '[]'::jsonb, ${text.cause}, ${text.fix}, 1)
    on conflict (firm_id, group_key) where resolved_at is null do update set last_seen_at = now()`.execute(db);
}

export async function resolveFirmFailure(db: Database, firmId: string, code: RecordFailure['code'], kind = 'firm'): Promise<void> {
  await db
    .updateTable('sync_errors')
    .set({ resolved_at: sql`now()` })
    .where('firm_id', '=', firmId)
    .where('group_key', '=', groupKey(kind, code))
    .where('resolved_at', 'is', null)
    .execute();
}

/** A dismissed group stays hidden until a record it did not hold when dismissed joins it. */
const notDismissed = sql<boolean>`(dismissed_record_ids is null or not (dismissed_record_ids @> record_ids))`;

const toGroup = (r: {
  id: string;
  code: string;
  kind: string;
  message: string;
  advice: string;
  count: number;
  record_ids: unknown;
  first_seen_at: Date;
  last_seen_at: Date;
}): OpenErrorGroup => ({
  id: String(r.id),
  code: r.code,
  kind: r.kind,
  cause: r.message,
  fix: r.advice,
  count: r.count,
  clioIds: r.record_ids as string[],
  firstSeenAt: r.first_seen_at.toISOString(),
  lastSeenAt: r.last_seen_at.toISOString(),
});

const GROUP_COLUMNS = ['id', 'code', 'kind', 'message', 'advice', 'count', 'record_ids', 'first_seen_at', 'last_seen_at'] as const;

export async function listOpenErrors(db: Database, firmId: string): Promise<OpenErrorGroup[]> {
  const rows = await db
    .selectFrom('sync_errors')
    .select(GROUP_COLUMNS)
    .where('firm_id', '=', firmId)
    .where('resolved_at', 'is', null)
    .where(notDismissed)
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map(toGroup);
}

/** One open group of the firm (dismissed or not), or undefined. */
export async function findOpenError(db: Database, firmId: string, groupId: string): Promise<OpenErrorGroup | undefined> {
  const row = await db
    .selectFrom('sync_errors')
    .select(GROUP_COLUMNS)
    .where('firm_id', '=', firmId)
    .where('id', '=', groupId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return row && toGroup(row);
}

/** Hides the group with the records it holds now; true when there was such an open group. */
export async function dismissError(db: Database, firmId: string, groupId: string): Promise<boolean> {
  const r = await db
    .updateTable('sync_errors')
    .set({ dismissed_record_ids: sql`record_ids`, dismissed_at: sql`now()` })
    .where('firm_id', '=', firmId)
    .where('id', '=', groupId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Open, visible groups no email has announced yet, oldest first. */
export async function unannouncedErrors(db: Database, firmId: string): Promise<OpenErrorGroup[]> {
  const rows = await db
    .selectFrom('sync_errors')
    .select(GROUP_COLUMNS)
    .where('firm_id', '=', firmId)
    .where('resolved_at', 'is', null)
    .where('notified_at', 'is', null)
    .where(notDismissed)
    .orderBy('first_seen_at')
    .execute();
  return rows.map(toGroup);
}

/** Firms with a group waiting to be announced (the daily digest's work list). */
export async function firmsWithUnannouncedErrors(db: Database): Promise<string[]> {
  const rows = await db.selectFrom('sync_errors').select('firm_id').distinct().where('resolved_at', 'is', null).where('notified_at', 'is', null).execute();
  return rows.map((r) => r.firm_id);
}

/**
 * Claims groups for an email before it is sent, so two workers never announce the same group;
 * returns the ids this caller claimed. A failed send releases them for the next attempt.
 */
export async function claimAnnouncements(db: Database, groupIds: string[]): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const rows = await db
    .updateTable('sync_errors')
    .set({ notified_at: sql`now()` })
    .where('id', 'in', groupIds)
    .where('notified_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => String(r.id));
}

export async function releaseAnnouncements(db: Database, groupIds: string[]): Promise<void> {
  if (groupIds.length === 0) return;
  await db.updateTable('sync_errors').set({ notified_at: null }).where('id', 'in', groupIds).execute();
}
