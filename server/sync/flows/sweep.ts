import type { SyncContext } from '../context';
import {
  billPagesSince,
  contactPagesSince,
  hardCostPagesSince,
  memoPagesSince,
  paymentAllocationPagesSince,
  readActivities,
  readBillDetails,
  readBills,
  readContacts,
  readCreditMemos,
  readMemoAllocations,
  readPaymentAllocations,
} from '../clio-reader';
import { advanceCursor, getCursor } from '../cursors';
import { getLinks, unsettledClioIds } from '../links';
import { recordProgress } from '../runs';
import type { ClioBill } from '../mapping/clio-records';
import { sweepXero } from './pull';
import { pushBills } from './push-bills';
import { pushContacts } from './push-contacts';
import { pushCreditMemos } from './push-credit-memos';
import { pushHardCosts } from './push-hard-costs';
import { pushPayments } from './push-payments';

/**
 * The safety net behind the webhooks: what changed in Clio since each kind's cursor, then the
 * records that failed or wait. An idle firm costs one Clio call per kind and none to Xero.
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

function nextCursor(seen: string[], started: Date): string | undefined {
  if (seen.length === 0) return undefined;
  const newest = seen.reduce((a, b) => (a > b ? a : b));
  const ceiling = new Date(started.getTime() - CURSOR_MARGIN_MS).toISOString();
  return newest < ceiling ? newest : ceiling;
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
  const details = bills.length >= BULK_FROM ? await readBillDetails(ctx.clio, bills, 'bulk') : undefined;
  if (!ctx.dryRun) await recordProgress(ctx.db, ctx.firmId, 0, bills.length);
  for (let i = 0; i < bills.length; i += 200) {
    await pushBills(ctx, bills.slice(i, i + 200), details ? { details } : {});
    if (!ctx.dryRun) await recordProgress(ctx.db, ctx.firmId, Math.min(i + 200, bills.length), bills.length);
  }
  const next = nextCursor(
    bills.map((b) => b.updated_at),
    started,
  );
  if (next && !ctx.dryRun) await advanceCursor(ctx.db, ctx.firmId, 'clio', 'bills', next);
}

async function sweepCreditMemos(ctx: SyncContext, started: Date, fresh: boolean): Promise<void> {
  const since = fresh ? undefined : await getCursor(ctx.db, ctx.firmId, 'clio', 'credit_memos');
  const memos = [];
  for await (const page of memoPagesSince(ctx.clio, since)) memos.push(...page);
  const next = nextCursor(
    memos.map((m) => m.updated_at),
    started,
  );
  // A memo already in Xero changes only by being voided; the rest of what the listing re-reads
  // (the cursor is inclusive) needs no allocations read, so an idle firm pays one call here.
  const links = await getLinks(
    ctx.db,
    ctx.firmId,
    'credit_memo',
    memos.map((m) => String(m.id)),
  );
  const open = memos.filter((m) => {
    const link = links.get(String(m.id));
    return !link?.xeroId || (m.voided_at && link.snapshot?.status !== 'VOIDED');
  });
  if (open.length) {
    // A few memos: their own allocations; many (a backfill): every allocation changed since the cursor in one listing.
    const many = open.length > BULK_FROM;
    const allocations = await readMemoAllocations(ctx.clio, many ? { since: since ?? '' } : { memoIds: open.map((m) => m.id) });
    const without = many ? open.filter((m) => !allocations.some((a) => a.parent?.id === m.id)) : [];
    if (without.length) allocations.push(...(await readMemoAllocations(ctx.clio, { memoIds: without.map((m) => m.id) })));
    await pushCreditMemos(ctx, open, allocations);
  }
  if (next && !ctx.dryRun) await advanceCursor(ctx.db, ctx.firmId, 'clio', 'credit_memos', next);
}

/**
 * Payments. Clio has no payments listing and its Clio Payments listing has no `updated_since`, so
 * every payment is found through its allocations (parent_type=Payment): each one — manual, from
 * trust, or a Clio Payments charge (`has_online_payment`) — is an allocation on a bill, and a
 * void stamps its `updated_at`. One Clio call for an idle firm; Clio Payments webhooks and bill
 * webhooks bring them sooner.
 */
async function sweepPayments(ctx: SyncContext, started: Date, fresh: boolean): Promise<void> {
  const since = fresh ? undefined : await getCursor(ctx.db, ctx.firmId, 'clio', 'payment_allocations');
  const seen: string[] = [];
  for await (const page of paymentAllocationPagesSince(ctx.clio, since)) {
    await pushPayments(ctx, page);
    seen.push(...page.map((a) => a.updated_at));
  }
  const next = nextCursor(seen, started);
  if (next && !ctx.dryRun) await advanceCursor(ctx.db, ctx.firmId, 'clio', 'payment_allocations', next);
}

/** Hard costs changed since the cursor (only while the setting is on: off costs no call at all). Deletions come by webhook. */
async function sweepHardCosts(ctx: SyncContext, started: Date, fresh: boolean): Promise<void> {
  if (!ctx.settings.syncHardCosts) return;
  const since = fresh ? undefined : await getCursor(ctx.db, ctx.firmId, 'clio', 'hard_costs');
  const seen: string[] = [];
  for await (const page of hardCostPagesSince(ctx.clio, since)) {
    await pushHardCosts(ctx, page);
    seen.push(...page.map((a) => a.updated_at));
  }
  const next = nextCursor(seen, started);
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
  if (costs.length) {
    const found = await readActivities(ctx.clio, costs);
    await pushHardCosts(ctx, found, { deletedIds: costs.filter((id) => !found.some((a) => String(a.id) === id)) });
  }
}

/** `fresh` reads every record regardless of the cursors (a backfill preview). */
export async function sweep(ctx: SyncContext, opts: { fresh?: boolean } = {}, now = new Date()): Promise<void> {
  const fresh = opts.fresh ?? false;
  await sweepContacts(ctx, now, fresh);
  await sweepBills(ctx, now, fresh);
  await sweepCreditMemos(ctx, now, fresh);
  await sweepPayments(ctx, now, fresh);
  await sweepHardCosts(ctx, now, fresh);
  if (!fresh) await sweepXero(ctx);
  if (!ctx.dryRun) await retryUnsettled(ctx, now);
}
