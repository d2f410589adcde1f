import type { ProgressKind } from '../../domain/kinds';
import type { SyncContext } from '../context';
import {
  billPagesSince,
  contactPagesSince,
  hardCostPagesSince,
  allocationPagesSince,
  readBillDetails,
  readBills,
  readContacts,
  readCreditMemos,
  readMemoAllocations,
  readPaymentAllocations,
} from '../clio-reader';
import { isLive, listFirmSubscriptions } from '../../clio/webhook-subscriptions';
import { advanceCursor, type CursorKey, getCursor, leastRecentlyChecked, markChecked } from '../cursors';
import { xeroWebhookSilence } from '../xero-webhook-silence';
import { getLinks, unsettledClioIds } from '../links';
import { recordProgress } from '../runs';
import type { ClioAllocation, ClioBill, ClioHardCost, ClioPaymentAllocation } from '../mapping/clio-records';
import { sweepXeroInvoices, sweepXeroPayments } from './pull';
import { sweepXeroContacts } from './pull-contacts';
import { billsToRead, pushBills } from './push-bills';
import { pushContacts } from './push-contacts';
import { pushCreditMemos } from './push-credit-memos';
import { pushHardCosts, pushHardCostsById } from './push-hard-costs';
import { pushPayments } from './push-payments';

/**
 * The sweep: what changed since each kind's cursor — the only way to learn of what no webhook
 * announces, and the safety net behind the webhooks for the rest — then the records that failed
 * or wait (ADR 0005).
 *
 * Clio lists in id order, not by updated_at, so a cursor cannot move page by page; it moves when
 * a whole listing is stored, to the newest updated_at seen but never past the run's start less a
 * margin (a record changed while we listed may carry an older stamp than one we saw). What is
 * re-read because of the margin is skipped by its stored version at no Xero cost.
 */
const CURSOR_MARGIN_MS = 60_000;
/** Failed records are retried by the sweep at most this often; a Clio edit retries them at once. */
const RETRY_FAILED_AFTER_MS = 10 * 60_000;
const RETRY_BATCH = 50;
/** Up to this many bills changed in one sweep are read bill by bill; more are read in bulk. */
const BULK_FROM = 25;
/** A long listing is sent this many records at a time, the run's progress marked after each. */
const PROGRESS_CHUNK = 200;

function nextCursor(seen: string[], started: Date): string | undefined {
  if (seen.length === 0) return undefined;
  const newest = seen.reduce((a, b) => (a > b ? a : b));
  const ceiling = new Date(started.getTime() - CURSOR_MARGIN_MS).toISOString();
  return newest < ceiling ? newest : ceiling;
}

/**
 * Sends a listing's records a chunk at a time, marking how far the run has got (0 of N first, then
 * after each chunk) so the Status tab can say what a long first sync or backfill is doing now.
 */
async function pushWithProgress<T>(ctx: SyncContext, kind: ProgressKind, records: T[], push: (chunk: T[]) => Promise<void>): Promise<void> {
  if (!ctx.dryRun) await recordProgress(ctx.db, ctx.firmId, 0, records.length, kind);
  for (let i = 0; i < records.length; i += PROGRESS_CHUNK) {
    await push(records.slice(i, i + PROGRESS_CHUNK));
    if (!ctx.dryRun) await recordProgress(ctx.db, ctx.firmId, Math.min(i + PROGRESS_CHUNK, records.length), records.length, kind);
  }
}

async function sweepContacts(ctx: SyncContext, started: Date, fresh: boolean): Promise<void> {
  const since = fresh ? undefined : await getCursor(ctx.db, ctx.firmId, 'clio', 'contacts');
  const seen: string[] = [];
  for await (const page of contactPagesSince(ctx.clio, since)) {
    ctx.clioContacts ??= new Map();
    for (const c of page) ctx.clioContacts.set(String(c.id), c);
    const links = await getLinks(
      ctx.db,
      ctx.firmId,
      'contact',
      page.map((c) => String(c.id)),
    );
    const linked = page.filter((c) => links.get(String(c.id))?.xeroId);
    // Only contacts already in Xero follow their edits; the rest go when a bill of theirs syncs.
    if (linked.length)
      await pushContacts(
        ctx,
        linked.map((c) => String(c.id)),
        { create: false, refreshLinked: true, read: linked },
      );
    seen.push(...page.map((c) => c.updated_at));
  }
  const next = nextCursor(seen, started);
  if (next && !ctx.dryRun) await advanceCursor(ctx.db, ctx.firmId, 'clio', 'contacts', next);
}

async function sweepBills(ctx: SyncContext, started: Date, fresh: boolean): Promise<void> {
  const since = fresh ? undefined : await getCursor(ctx.db, ctx.firmId, 'clio', 'bills');
  const bills: ClioBill[] = [];
  for await (const page of billPagesSince(ctx.clio, since)) bills.push(...page);
  if (bills.length === 0) return;
  const details = (await billsToRead(ctx, bills)) >= BULK_FROM ? await readBillDetails(ctx.clio, bills, 'bulk') : undefined;
  await pushWithProgress(ctx, 'bill', bills, (chunk) => pushBills(ctx, chunk, details ? { details } : {}));
  const next = nextCursor(
    bills.map((b) => b.updated_at),
    started,
  );
  if (next && !ctx.dryRun) await advanceCursor(ctx.db, ctx.firmId, 'clio', 'bills', next);
}

/**
 * Payments and credit memos, which no Clio webhook announces, through one listing: every
 * allocation changed since the cursor. A payment (manual, from trust, or a Clio Payments charge —
 * its listing has no `updated_since`) is an allocation with parent Payment; a credit memo reaches
 * a bill only through allocations with parent CreditMemo, and applying, moving or voiding one
 * stamps their `updated_at`. A memo applied to nothing yet has nothing to send. One Clio call for
 * an idle firm, on every sweep. The whole listing is read before any payment is sent (the cursor
 * moves only at its end anyway), so a first sync can say how many payments it has to send.
 */
async function sweepAllocations(ctx: SyncContext, started: Date, fresh: boolean): Promise<void> {
  const since = fresh ? undefined : await getCursor(ctx.db, ctx.firmId, 'clio', 'allocations');
  const listed: ClioPaymentAllocation[] = [];
  for await (const page of allocationPagesSince(ctx.clio, since)) listed.push(...page);
  const payments = listed.filter((a) => a.parent?.type === 'Payment');
  if (payments.length) await pushWithProgress(ctx, 'payment_allocation', payments, (chunk) => pushPayments(ctx, chunk));
  const onMemos = listed.filter((a) => a.parent?.type === 'CreditMemo');
  const memoIds = await memosWithNews(ctx, onMemos);
  if (memoIds.length) {
    // A memo's unchanged allocations matter too (it waits until every bill it credits is in Xero):
    // a listing from the start holds them all; a few memos read their own, many read every memo's.
    const allocations = !since ? onMemos : await readMemoAllocations(ctx.clio, memoIds.length > BULK_FROM ? {} : { memoIds });
    await pushCreditMemos(ctx, await readCreditMemos(ctx.clio, memoIds), allocations);
  }
  const next = nextCursor(
    listed.map((a) => a.updated_at),
    started,
  );
  if (next && !ctx.dryRun) await advanceCursor(ctx.db, ctx.firmId, 'clio', 'allocations', next);
}

/**
 * The memos whose listed allocations tell us something we do not hold: a credit on a synced bill
 * not yet allocated in Xero, or a void not yet undone there. The rest (what the cursor's margin
 * lists again, credit on bills the sync never took up) cost no read.
 */
async function memosWithNews(ctx: SyncContext, allocations: ClioAllocation[]): Promise<number[]> {
  const ids = (list: (string | number)[]) => list.map(String);
  const [allocationLinks, billLinks, memoLinks] = await Promise.all([
    getLinks(ctx.db, ctx.firmId, 'credit_allocation', ids(allocations.map((a) => a.id))),
    getLinks(ctx.db, ctx.firmId, 'bill', ids(allocations.flatMap((a) => (a.bill ? [a.bill.id] : [])))),
    getLinks(ctx.db, ctx.firmId, 'credit_memo', ids(allocations.map((a) => a.parent!.id))),
  ]);
  const news = (a: ClioAllocation) => {
    const allocated = allocationLinks.get(String(a.id));
    const inXero = Boolean(allocated?.xeroId) && allocated?.snapshot?.status !== 'DELETED';
    if (!a.voided_at) return !inXero && Boolean(a.bill && billLinks.has(String(a.bill.id)));
    const note = memoLinks.get(String(a.parent!.id));
    return inXero || Boolean(note?.xeroId && note.snapshot?.status !== 'VOIDED');
  };
  return [...new Set(allocations.filter(news).map((a) => a.parent!.id))];
}

/**
 * Hard costs changed since the cursor (listed only while the setting is on), all listed before any
 * is sent so the run's progress can count them. Deletions come by webhook.
 */
async function sweepHardCosts(ctx: SyncContext, started: Date, fresh: boolean): Promise<void> {
  const since = fresh ? undefined : await getCursor(ctx.db, ctx.firmId, 'clio', 'hard_costs');
  const costs: ClioHardCost[] = [];
  for await (const page of hardCostPagesSince(ctx.clio, since)) costs.push(...page);
  if (costs.length) await pushWithProgress(ctx, 'hard_cost', costs, (chunk) => pushHardCosts(ctx, chunk));
  const next = nextCursor(
    costs.map((c) => c.updated_at),
    started,
  );
  if (next && !ctx.dryRun) await advanceCursor(ctx.db, ctx.firmId, 'clio', 'hard_costs', next);
}

/** Records that failed (not retried more often than every few minutes) or wait for another record. */
async function retryUnsettled(ctx: SyncContext, now: Date): Promise<void> {
  const olderThan = new Date(now.getTime() - RETRY_FAILED_AFTER_MS);
  const contacts = await unsettledClioIds(ctx.db, ctx.firmId, 'contact', RETRY_BATCH, olderThan);
  if (contacts.length) await pushContacts(ctx, contacts, { create: true, refreshLinked: false, read: await readContacts(ctx.clio, contacts) });
  const bills = await unsettledClioIds(ctx.db, ctx.firmId, 'bill', RETRY_BATCH, olderThan);
  if (bills.length) await pushBills(ctx, await readBills(ctx.clio, bills), {});
  const memos = await unsettledClioIds(ctx.db, ctx.firmId, 'credit_memo', RETRY_BATCH, olderThan);
  if (memos.length) {
    const ids = memos.map(Number);
    await pushCreditMemos(ctx, await readCreditMemos(ctx.clio, ids), await readMemoAllocations(ctx.clio, { memoIds: ids }));
  }
  const payments = await unsettledClioIds(ctx.db, ctx.firmId, 'payment_allocation', RETRY_BATCH, olderThan);
  if (payments.length) await pushPayments(ctx, await readPaymentAllocations(ctx.clio, { ids: payments }));
  const costs = await unsettledClioIds(ctx.db, ctx.firmId, 'hard_cost', RETRY_BATCH, olderThan);
  if (costs.length) await pushHardCostsById(ctx, costs);
}

interface Listing extends CursorKey {
  run: (ctx: SyncContext, started: Date, fresh: boolean) => Promise<void>;
  /** The webhook that announces these changes as they happen, making this listing only the net for a lost delivery. */
  announcedBy?: { source: 'clio'; model: string } | { source: 'xero' };
  /** Whether the firm's settings want this kind at all. */
  wanted?: (ctx: SyncContext) => boolean;
}

/** In this order: a bill's contact before the bill, a bill before its payments and credits. */
const LISTINGS: Listing[] = [
  { source: 'clio', kind: 'contacts', run: sweepContacts, announcedBy: { source: 'clio', model: 'contact' } },
  { source: 'clio', kind: 'bills', run: sweepBills, announcedBy: { source: 'clio', model: 'bill' } },
  { source: 'clio', kind: 'allocations', run: sweepAllocations },
  { source: 'clio', kind: 'hard_costs', run: sweepHardCosts, announcedBy: { source: 'clio', model: 'activity' }, wanted: (ctx) => ctx.settings.syncHardCosts },
  { source: 'xero', kind: 'contacts', run: (ctx) => sweepXeroContacts(ctx), announcedBy: { source: 'xero' } },
  { source: 'xero', kind: 'invoices', run: (ctx) => sweepXeroInvoices(ctx), announcedBy: { source: 'xero' }, wanted: (ctx) => ctx.settings.syncFromXero },
  { source: 'xero', kind: 'payments', run: (ctx) => sweepXeroPayments(ctx) },
];

/**
 * What a scheduled sweep lists: every kind no webhook announces (Clio allocations, Xero payments),
 * every kind whose webhook is not live (a Clio one never enabled or lapsed; Xero's gone silent,
 * as Xero disables them after 24 hours of failed deliveries), and of the kinds whose
 * webhooks are live, the one listed longest ago. An idle firm so costs three calls a sweep, and a
 * lost delivery is still found within as many sweeps as there are webhook-announced kinds.
 */
async function scheduledListings(ctx: SyncContext, listings: Listing[], now: Date): Promise<Listing[]> {
  const [subscriptions, xeroSilent] = await Promise.all([listFirmSubscriptions(ctx.db, ctx.firmId), xeroWebhookSilence(ctx.db, ctx.firmId, now)]);
  // For the operator: the Status tab says the same to the firm.
  if (xeroSilent) ctx.logger.warn({ firmId: ctx.firmId, since: xeroSilent.since.toISOString() }, 'xero webhooks silent: the sweep lists every xero kind');
  const announced = (l: Listing) => {
    const by = l.announcedBy;
    if (!by) return false;
    return by.source === 'xero' ? !xeroSilent : subscriptions.some((sub) => sub.model === by.model && isLive(sub, now));
  };
  const rotated = await leastRecentlyChecked(ctx.db, ctx.firmId, listings.filter(announced));
  return listings.filter((l) => !announced(l) || l === rotated);
}

/**
 * `fresh` reads every Clio record regardless of the cursors (a backfill). `scheduled` is the
 * timer's sweep, which lists only what is due (above); a sync now, a backfill and a preview list
 * everything.
 */
export async function sweep(ctx: SyncContext, opts: { fresh?: boolean; scheduled?: boolean } = {}): Promise<void> {
  const now = ctx.startedAt;
  const fresh = opts.fresh ?? false;
  const wanted = LISTINGS.filter((l) => (l.wanted?.(ctx) ?? true) && !(fresh && l.source === 'xero'));
  const due = opts.scheduled && !fresh ? await scheduledListings(ctx, wanted, now) : wanted;
  for (const listing of due) {
    await listing.run(ctx, now, fresh);
    if (!ctx.dryRun) await markChecked(ctx.db, ctx.firmId, listing, now);
  }
  if (!ctx.dryRun) await retryUnsettled(ctx, now);
}
