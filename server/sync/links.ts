import { sql } from 'kysely';
import type { Database } from '../db/database';
import type { LinkState } from '../db/schema';
import type { RecordFailure } from './errors';
import type { ContactLinkPlan } from './mapping/contact-matching';

/**
 * The only code that reads or writes `links`: one row per Clio record the engine has touched,
 * holding its Xero id, the hash of what was last pushed, and the Xero-side details later edits
 * need (LineItemIDs, the name a contact was created under) in `base_snapshot`.
 */

export type LinkKind = 'contact' | 'bill' | 'credit_memo' | 'credit_allocation' | 'payment_allocation' | 'hard_cost';

export interface LinkRow {
  clioId: string;
  xeroId: string | null;
  state: string;
  lastPushedHash: string | null;
  snapshot: LinkSnapshot | null;
  claimedAt: Date | null;
  xeroNumber: string | null;
  parentClioId: string | null;
  errorCode: string | null;
  /** Clio's etag of the version last pushed: an unchanged record is skipped without reading its details. */
  clioEtag: string | null;
}

/** Per kind, what a later update needs to know about what Xero holds. */
export interface LinkSnapshot {
  /** Draft line key → Xero LineItemID and the account we last sent for it. */
  lines?: Record<string, { lineItemId: string; accountCode: string | null }>;
  /** The name a contact holds in Xero (disambiguated on a collision). */
  name?: string;
  /** The Xero status we last set (an invoice is never moved back from AUTHORISED). */
  status?: string;
  /** Total Xero reported, in cents. */
  totalCents?: number;
}

const toRow = (r: {
  clio_id: string | null;
  xero_id: string | null;
  state: string;
  last_pushed_hash: string | null;
  base_snapshot: unknown;
  claimed_at: Date | null;
  xero_number: string | null;
  parent_clio_id: string | null;
  error_code: string | null;
  clio_etag: string | null;
}): LinkRow => ({
  clioId: r.clio_id ?? '',
  xeroId: r.xero_id,
  state: r.state,
  lastPushedHash: r.last_pushed_hash,
  snapshot: (r.base_snapshot as LinkSnapshot | null) ?? null,
  claimedAt: r.claimed_at,
  xeroNumber: r.xero_number,
  parentClioId: r.parent_clio_id,
  errorCode: r.error_code,
  clioEtag: r.clio_etag,
});

const COLUMNS = ['clio_id', 'xero_id', 'state', 'last_pushed_hash', 'base_snapshot', 'claimed_at', 'xero_number', 'parent_clio_id', 'error_code', 'clio_etag'] as const;

export async function getLinks(db: Database, firmId: string, kind: LinkKind, clioIds: string[]): Promise<Map<string, LinkRow>> {
  if (clioIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('links')
    .select(COLUMNS)
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('clio_id', 'in', [...new Set(clioIds)])
    .execute();
  return new Map(rows.map((r) => [r.clio_id!, toRow(r)]));
}

export async function getLinksByParent(db: Database, firmId: string, kind: LinkKind, parentClioIds: string[]): Promise<LinkRow[]> {
  if (parentClioIds.length === 0) return [];
  const rows = await db.selectFrom('links').select(COLUMNS).where('firm_id', '=', firmId).where('kind', '=', kind).where('parent_clio_id', 'in', parentClioIds).execute();
  return rows.map(toRow);
}

/** Xero ids already linked to some Clio record of this kind (a found Xero record must not be linked twice). */
export async function linkedXeroIds(db: Database, firmId: string, kind: LinkKind, xeroIds: string[]): Promise<Set<string>> {
  if (xeroIds.length === 0) return new Set();
  const rows = await db.selectFrom('links').select('xero_id').where('firm_id', '=', firmId).where('kind', '=', kind).where('xero_id', 'in', xeroIds).execute();
  return new Set(rows.map((r) => r.xero_id!));
}

/**
 * Records of a kind that wait for another record (every sweep), or failed at least `failedBefore`
 * ago (so one that keeps failing costs a call every few minutes, not every sweep); oldest first.
 */
export async function unsettledClioIds(db: Database, firmId: string, kind: LinkKind, limit: number, failedBefore: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('links')
    .select('clio_id')
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where((eb) => eb.or([eb('state', '=', 'pending'), eb.and([eb('state', '=', 'failed'), eb('updated_at', '<', failedBefore)])]))
    .where('clio_id', 'is not', null)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.clio_id!);
}

/**
 * Marks records as about to be created in Xero, committed before the call goes out. If the
 * process dies after Xero saved them, the claim is what tells the next attempt to look first.
 */
export async function claimForCreate(
  db: Database,
  firmId: string,
  kind: LinkKind,
  claims: { clioId: string; xeroNumber: string; parentClioId?: string }[],
): Promise<void> {
  if (claims.length === 0) return;
  await db
    .insertInto('links')
    .values(
      claims.map((c) => ({
        firm_id: firmId,
        kind,
        clio_id: c.clioId,
        xero_number: c.xeroNumber,
        parent_clio_id: c.parentClioId ?? null,
        claimed_at: sql`now()`,
        state: 'pending' as const,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['firm_id', 'kind', 'clio_id'])
        .where('clio_id', 'is not', null)
        .doUpdateSet({ claimed_at: sql`now()`, xero_number: sql`excluded.xero_number`, parent_clio_id: sql`excluded.parent_clio_id`, updated_at: sql`now()` }),
    )
    .execute();
}

/** Xero answered for the record: its id and what it now holds are stored, the claim and any error cleared. */
export async function recordPushed(
  db: Database,
  firmId: string,
  kind: LinkKind,
  p: { clioId: string; xeroId: string; hash: string; snapshot: LinkSnapshot; xeroNumber?: string | null; parentClioId?: string | null; clioEtag?: string | null },
): Promise<void> {
  const values = {
    xero_id: p.xeroId,
    last_pushed_hash: p.hash,
    base_snapshot: JSON.stringify(p.snapshot),
    state: 'synced' as const,
    claimed_at: null,
    error_code: null,
    error_message: null,
    last_synced_at: sql<Date>`now()`,
    updated_at: sql<Date>`now()`,
    ...(p.xeroNumber !== undefined ? { xero_number: p.xeroNumber } : {}),
    ...(p.parentClioId !== undefined ? { parent_clio_id: p.parentClioId } : {}),
    ...(p.clioEtag ? { clio_etag: p.clioEtag } : {}),
  };
  await db
    .insertInto('links')
    .values({ firm_id: firmId, kind, clio_id: p.clioId, ...values })
    .onConflict((oc) => oc.columns(['firm_id', 'kind', 'clio_id']).where('clio_id', 'is not', null).doUpdateSet(values))
    .execute();
}

/** The record failed for a reason of its own. A definite refusal also drops the claim: nothing landed. */
export async function recordFailed(db: Database, firmId: string, kind: LinkKind, clioId: string, failure: RecordFailure, opts: { dropClaim: boolean }): Promise<void> {
  const values = {
    state: 'failed' as const,
    error_code: failure.code,
    error_message: failure.detail.slice(0, 2000),
    updated_at: sql<Date>`now()`,
    ...(opts.dropClaim ? { claimed_at: null } : {}),
  };
  await db
    .insertInto('links')
    .values({ firm_id: firmId, kind, clio_id: clioId, ...values })
    .onConflict((oc) => oc.columns(['firm_id', 'kind', 'clio_id']).where('clio_id', 'is not', null).doUpdateSet(values))
    .execute();
}

/** A record that is fine but waits for something (its invoice to be approved, say). */
export async function recordWaiting(db: Database, firmId: string, kind: LinkKind, clioId: string, reason: string, parentClioId?: string): Promise<void> {
  const values = {
    state: 'pending' as const,
    error_code: null,
    error_message: reason.slice(0, 2000),
    updated_at: sql<Date>`now()`,
    ...(parentClioId ? { parent_clio_id: parentClioId } : {}),
  };
  await db
    .insertInto('links')
    .values({ firm_id: firmId, kind, clio_id: clioId, ...values })
    .onConflict((oc) => oc.columns(['firm_id', 'kind', 'clio_id']).where('clio_id', 'is not', null).doUpdateSet(values))
    .execute();
}

/** A record deliberately left out (its Xero twin deleted, say): kept so the history stays readable. */
export async function recordIgnored(db: Database, firmId: string, kind: LinkKind, clioId: string): Promise<void> {
  await db
    .updateTable('links')
    .set({ state: 'ignored', claimed_at: null, error_code: null, error_message: null, updated_at: sql`now()` })
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('clio_id', '=', clioId)
    .execute();
}

/** Counts per kind and state, for the record API and (later) the Status tab. */
export async function linkCounts(db: Database, firmId: string): Promise<{ kind: string; state: string; count: number }[]> {
  const rows = await db
    .selectFrom('links')
    .select(['kind', 'state', (eb) => eb.fn.countAll<string>().as('count')])
    .where('firm_id', '=', firmId)
    .groupBy(['kind', 'state'])
    .orderBy('kind')
    .orderBy('state')
    .execute();
  return rows.map((r) => ({ kind: r.kind, state: r.state, count: Number(r.count) }));
}

/** Every contact pair of the firm (matching on connect must not hand a linked Xero contact to anyone else). */
export async function contactLinkPairs(db: Database, firmId: string): Promise<{ clioId: string | null; xeroId: string | null }[]> {
  const rows = await db.selectFrom('links').select(['clio_id', 'xero_id']).where('firm_id', '=', firmId).where('kind', '=', 'contact').execute();
  return rows.map((r) => ({ clioId: r.clio_id, xeroId: r.xero_id }));
}

/** Inserts a contact pair found by matching on connect unless either side is linked already; true when it was written. */
export async function insertContactLink(db: Database, firmId: string, link: ContactLinkPlan): Promise<boolean> {
  const row = await db
    .insertInto('links')
    .values({ firm_id: firmId, kind: 'contact', clio_id: link.clioId, xero_id: link.xeroId, state: 'synced', last_synced_at: sql`now()` })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export interface RecordLink {
  state: LinkState;
  xeroId: string | null;
  lastSyncedAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** Where one Clio record stands in the sync, or null when it has never been picked up. */
export async function findRecordLink(db: Database, firmId: string, kind: string, clioId: string): Promise<RecordLink | null> {
  const row = await db
    .selectFrom('links')
    .select(['state', 'xero_id', 'last_synced_at', 'error_code', 'error_message'])
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('clio_id', '=', clioId)
    .executeTakeFirst();
  return row
    ? { state: row.state, xeroId: row.xero_id, lastSyncedAt: row.last_synced_at?.toISOString() ?? null, errorCode: row.error_code, errorMessage: row.error_message }
    : null;
}
