import { sql } from 'kysely';
import { countRecord } from '../metrics/registry';
import type { Database } from '../db/database';
import type { LinkKind, LinkState } from '../domain/kinds';
import type { RecordFailure } from './errors';
import type { ContactLinkPlan } from './mapping/contact-matching';
import type { FieldConflict } from './mapping/xero-contacts';
import type { BillFieldConflict, InvoiceView } from './mapping/xero-invoices';
import type { ContactDraft } from './mapping/xero-drafts';
import type { RecordLink, XeroPaymentState } from '../api-contract';

/**
 * The only code that reads or writes `links`: one row per Clio record the engine has touched,
 * holding its Xero id, the hash of what was last pushed, and the Xero-side details later edits
 * need (LineItemIDs, the name a contact was created under) in `base_snapshot`.
 */

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
  /** When either direction last wrote this pair: a Xero change dated before it is already in hand. */
  lastSyncedAt: Date | null;
  /** Hash of what Xero held after the last sync in either direction: a Xero change carrying it is our own echo. */
  lastPulledHash?: string | null;
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
  /** Contacts: the shared fields both sides last agreed on (the base of the three-way merge). */
  shared?: ContactDraft;
  /** The fields both sides changed differently, waiting for an admin (state 'conflict'). */
  conflict?: { fields: (FieldConflict | BillFieldConflict)[]; at: string };
  /** Bills: what we last pushed (or both sides last agreed on), in the fields a bookkeeper may edit: the base of the three-way comparison. */
  pushed?: InvoiceView;
  /** Bills: the invoice's currency and CurrencyRate as Xero set them (payments and credit notes on it go at that rate). */
  currency?: string;
  currencyRate?: number;
  /** Bills: what the last look at the Xero invoice's payments found. */
  xeroPayment?: XeroPaymentState;
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
  last_pulled_hash: string | null;
  last_synced_at: Date | null;
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
  lastPulledHash: r.last_pulled_hash,
  lastSyncedAt: r.last_synced_at,
});

const COLUMNS = [
  'clio_id',
  'xero_id',
  'state',
  'last_pushed_hash',
  'base_snapshot',
  'claimed_at',
  'xero_number',
  'parent_clio_id',
  'error_code',
  'clio_etag',
  'last_pulled_hash',
  'last_synced_at',
] as const;

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

/** Which of these parents (a payment's bill, say) some record of this kind is linked under. */
export async function parentsWithLinks(db: Database, firmId: string, kind: LinkKind, parentClioIds: string[]): Promise<Set<string>> {
  if (parentClioIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('links')
    .select('parent_clio_id')
    .distinct()
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('parent_clio_id', 'in', [...new Set(parentClioIds)])
    .execute();
  return new Set(rows.map((r) => r.parent_clio_id!));
}

/** The records of this kind waiting (state pending) on one of these parents: payments waiting on their bill. */
export async function pendingChildren(db: Database, firmId: string, kind: LinkKind, parentClioIds: string[]): Promise<string[]> {
  if (parentClioIds.length === 0) return [];
  const rows = await db
    .selectFrom('links')
    .select('clio_id')
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('state', '=', 'pending')
    .where('parent_clio_id', 'in', [...new Set(parentClioIds)])
    .execute();
  return rows.flatMap((r) => (r.clio_id ? [r.clio_id] : []));
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
  p: {
    clioId: string;
    xeroId: string;
    hash: string;
    snapshot: LinkSnapshot;
    xeroNumber?: string | null;
    parentClioId?: string | null;
    clioEtag?: string | null;
    /** The pull's fingerprint of what Xero answered with: its echo is then recognised as ours. */
    xeroHash?: string;
  },
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
    ...(p.xeroHash ? { last_pulled_hash: p.xeroHash } : {}),
  };
  await db
    .insertInto('links')
    .values({ firm_id: firmId, kind, clio_id: p.clioId, ...values })
    .onConflict((oc) => oc.columns(['firm_id', 'kind', 'clio_id']).where('clio_id', 'is not', null).doUpdateSet(values))
    .execute();
  countRecord(kind, 'synced');
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
  countRecord(kind, 'failed');
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

/**
 * Writes a contact pair (matching on connect, or an admin's review) unless either side is linked
 * already. The sync's own row for a client that waited on the review
 * (pending, no Xero id, no create in flight) is taken over: it is the record the link is for.
 */
export async function insertContactLink(db: Database, firmId: string, link: ContactLinkPlan): Promise<'linked' | 'xero_taken' | 'clio_taken'> {
  const taken = await db
    .selectFrom('links')
    .select('id')
    .where('firm_id', '=', firmId)
    .where('kind', '=', 'contact')
    .where('xero_id', '=', link.xeroId)
    .executeTakeFirst();
  if (taken) return 'xero_taken';
  const values = {
    xero_id: link.xeroId,
    state: 'synced' as const,
    error_code: null,
    error_message: null,
    last_synced_at: sql<Date>`now()`,
    updated_at: sql<Date>`now()`,
  };
  const row = await db
    .insertInto('links')
    .values({ firm_id: firmId, kind: 'contact', clio_id: link.clioId, ...values })
    .onConflict((oc) =>
      oc
        .columns(['firm_id', 'kind', 'clio_id'])
        .where('clio_id', 'is not', null)
        .doUpdateSet(values)
        .where((eb) => eb.and([eb('links.xero_id', 'is', null), eb('links.claimed_at', 'is', null)])),
    )
    .returning('id')
    .executeTakeFirst();
  return row ? 'linked' : 'clio_taken';
}

/** Where one Clio record stands in the sync, or null when it has never been picked up. */
export async function findRecordLink(db: Database, firmId: string, kind: string, clioId: string): Promise<RecordLink | null> {
  const row = await db
    .selectFrom('links')
    .select(['state', 'xero_id', 'last_synced_at', 'error_code', 'error_message', 'base_snapshot'])
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('clio_id', '=', clioId)
    .executeTakeFirst();
  return row
    ? {
        state: row.state,
        xeroId: row.xero_id,
        lastSyncedAt: row.last_synced_at?.toISOString() ?? null,
        errorCode: row.error_code,
        errorMessage: row.error_message,
        xeroPayment: (row.base_snapshot as LinkSnapshot | null)?.xeroPayment ?? null,
        conflict: row.state === 'conflict' ? ((row.base_snapshot as LinkSnapshot | null)?.conflict?.fields ?? []) : null,
      }
    : null;
}

/** Links of a kind by their Xero ids (what a Xero change names), keyed by Xero id. */
export async function getLinksByXeroIds(db: Database, firmId: string, kind: LinkKind, xeroIds: string[]): Promise<Map<string, LinkRow>> {
  if (xeroIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('links')
    .select(COLUMNS)
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where(sql<string>`lower(xero_id)`, 'in', [...new Set(xeroIds.map((id) => id.toLowerCase()))])
    .where('clio_id', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.xero_id!.toLowerCase(), toRow(r)]));
}

/**
 * Both sides were brought to the same content (or were found equal): each side's hash of what it
 * now holds is stored, so the change notice our own write triggers — Clio's webhook for a write to
 * Clio, Xero's for a write to Xero — carries a known hash and stops there.
 */
export async function recordReconciled(
  db: Database,
  firmId: string,
  kind: LinkKind,
  p: { clioId: string; clioHash: string; xeroHash: string; snapshot: LinkSnapshot; clioEtag?: string | null },
): Promise<void> {
  await db
    .updateTable('links')
    .set({
      last_pushed_hash: p.clioHash,
      last_pulled_hash: p.xeroHash,
      base_snapshot: JSON.stringify(p.snapshot),
      state: 'synced',
      error_code: null,
      error_message: null,
      last_synced_at: sql`now()`,
      updated_at: sql`now()`,
      ...(p.clioEtag ? { clio_etag: p.clioEtag } : {}),
    })
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('clio_id', '=', p.clioId)
    .execute();
}

/** Both sides changed a shared field differently: nothing is written until an admin chooses. */
export async function recordConflict(db: Database, firmId: string, kind: LinkKind, clioId: string, snapshot: LinkSnapshot, message: string): Promise<void> {
  await db
    .updateTable('links')
    .set({ state: 'conflict', base_snapshot: JSON.stringify(snapshot), error_code: 'SYNC_CONFLICT', error_message: message.slice(0, 2000), updated_at: sql`now()` })
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('clio_id', '=', clioId)
    .execute();
}

/** Only the snapshot moves (what Xero's payments look like now, say); state and hashes stay. */
export async function updateSnapshot(
  db: Database,
  firmId: string,
  kind: LinkKind,
  clioId: string,
  snapshot: LinkSnapshot,
  extra: { lastPulledHash?: string; clioEtag?: string } = {},
): Promise<void> {
  await db
    .updateTable('links')
    .set({
      base_snapshot: JSON.stringify(snapshot),
      updated_at: sql`now()`,
      ...(extra.lastPulledHash ? { last_pulled_hash: extra.lastPulledHash } : {}),
      ...(extra.clioEtag ? { clio_etag: extra.clioEtag } : {}),
    })
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('clio_id', '=', clioId)
    .execute();
}

export interface ConflictRow {
  kind: string;
  clioId: string;
  xeroId: string | null;
  fields: (FieldConflict | BillFieldConflict)[];
  since: string;
}

/** The conflict list of the Status tab. */
export async function listConflicts(db: Database, firmId: string): Promise<ConflictRow[]> {
  const rows = await db
    .selectFrom('links')
    .select(['kind', 'clio_id', 'xero_id', 'base_snapshot', 'updated_at'])
    .where('firm_id', '=', firmId)
    .where('state', '=', 'conflict')
    .orderBy('updated_at')
    .execute();
  return rows.map((r) => {
    const snap = (r.base_snapshot as LinkSnapshot | null) ?? {};
    return { kind: r.kind, clioId: r.clio_id ?? '', xeroId: r.xero_id, fields: snap.conflict?.fields ?? [], since: snap.conflict?.at ?? r.updated_at.toISOString() };
  });
}

export interface WaitingLink {
  clioId: string;
  reason: string | null;
  parentClioId: string | null;
  since: string;
}

/** The records of a kind waiting to sync, oldest first, with why (the Status tab's "Waiting" count opened). */
export async function listWaiting(db: Database, firmId: string, kind: LinkKind, limit: number): Promise<{ total: number; records: WaitingLink[] }> {
  const base = db.selectFrom('links').where('firm_id', '=', firmId).where('kind', '=', kind).where('state', '=', 'pending').where('clio_id', 'is not', null);
  const [rows, count] = await Promise.all([
    base.select(['clio_id', 'error_message', 'parent_clio_id', 'updated_at']).orderBy('updated_at').orderBy('id').limit(limit).execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    records: rows.map((r) => ({ clioId: r.clio_id!, reason: r.error_message, parentClioId: r.parent_clio_id, since: r.updated_at.toISOString() })),
  };
}

/**
 * Why the firm's records wait, as each says (`waits until invoice 15 is approved in Xero`), with
 * how many wait for it: the Status tab shows them under the counts. The most common first.
 */
export async function waitingReasons(db: Database, firmId: string, limit = 50): Promise<{ kind: string; reason: string; count: number }[]> {
  const rows = await db
    .selectFrom('links')
    .select(['kind', 'error_message', (eb) => eb.fn.countAll<string>().as('count')])
    .where('firm_id', '=', firmId)
    .where('state', '=', 'pending')
    .where('error_message', 'is not', null)
    .groupBy(['kind', 'error_message'])
    .orderBy('count', 'desc')
    .orderBy('kind')
    .orderBy('error_message')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ kind: r.kind, reason: r.error_message!, count: Number(r.count) }));
}
