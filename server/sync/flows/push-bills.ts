import type { Invoice } from 'xero-node';
import { clioBillUrl, type SyncContext } from '../context';
import { readActivityCategories, readBillDetails, readBills, readCreditMemos, readMemoAllocations, readPaymentAllocations } from '../clio-reader';
import type { RecordFailure } from '../errors';
import type { ClioBillState } from '../../domain/kinds';
import { claimForCreate, getLinks, type LinkRow, type LinkSnapshot, parentsWithLinks } from '../links';
import type { ClioBill, ClioLineItem } from '../mapping/clio-records';
import { contentHash } from '../mapping/hash';
import { billToInvoice } from '../mapping/invoices';
import { toCents } from '../mapping/money';
import { invoiceHash, viewOfDraft, viewOfInvoice } from '../mapping/xero-invoices';
import type { InvoiceDraft, Mapped } from '../mapping/xero-drafts';
import { failed, removedInXero, succeeded, waiting } from '../outcome';
import { billScope, planPush, type PlanItem, unlinkedBillMayBeInScope } from '../plan';
import {
  chunk,
  createInvoices,
  type ElementResult,
  type ExistingLine,
  findInvoicesByNumber,
  getInvoicesById,
  type InvoiceWrite,
  setInvoiceStatuses,
  updateInvoices,
} from '../xero-writer';
import { currencyFailure } from '../currencies';
import { forgetXeroTaxBook, xeroTaxBook } from '../xero-tax';
import { pushContacts } from './push-contacts';
import { pushCreditMemos } from './push-credit-memos';
import { pullListedInvoices } from './pull-invoices';
import { pushPayments } from './push-payments';
import { invoiceCurrency } from './invoice-currencies';

const KIND = 'bill' as const;

interface Ready {
  bill: ClioBill;
  link: LinkRow | undefined;
  item: PlanItem<InvoiceDraft>;
  contactId: string;
}

/**
 * Clio bills → Xero sales invoices: in scope by the firm's settings, their client first, then
 * created, updated, voided or deleted in batches; credit memos on them follow.
 */
export type BillDetails = Awaited<ReturnType<typeof readBillDetails>>;

/**
 * `chosen`: an admin chose Clio's version of these bills in conflict (flows/resolve-bill-conflict.ts).
 * `payments: 'per_bill'` (a webhook or a resync: a handful of bills) also reads the payments of each
 * approved bill — Clio has no webhook for a manual payment, but it touches the bill.
 * The sweep leaves them to its own allocation cursor, one call for every bill.
 */
export async function pushBills(ctx: SyncContext, bills: ClioBill[], opts: { details?: BillDetails; payments?: 'per_bill'; chosen?: boolean }): Promise<void> {
  const links = await billLinks(ctx, bills);
  const { inScope, ends, skips } = triage(ctx, bills, links, opts.chosen ?? false);
  ctx.plan.push(...skips);

  // Details are read for the bills that changed; a void or a delete needs none.
  const details = opts.details ?? (inScope.length ? await readBillDetails(ctx.clio, inScope, 'per_bill') : undefined);
  const ready = details ? await prepare(ctx, inScope, links, details) : [];
  await writeCreates(
    ctx,
    ready.filter((r) => r.item.action === 'create'),
  );
  const editedInXero = await writeUpdates(
    ctx,
    ready.filter((r) => r.item.action === 'update'),
  );
  // Xero's edits are in Clio now (or the bill is held as a conflict, and skipped): Clio's bill as it
  // stands goes out, whether or not the pull wrote to Clio (a refused edit writes nothing, and no
  // Clio webhook would bring it). Those invoices were just read, so this pass does not hand them over again.
  if (editedInXero.length) await pushBills(ctx, await readBills(ctx.clio, editedInXero), {});
  await writeEnds(ctx, ends);

  if (opts.payments === 'per_bill') {
    // Every approved bill named, changed or not: a retried job finds its bill's version already
    // stored, and its payments must still be read.
    const paid = await billsWithPaymentsToRead(
      ctx,
      bills.filter((b) => b.state === 'awaiting_payment' || b.state === 'paid'),
    );
    if (paid.length) await pushPayments(ctx, await readPaymentAllocations(ctx.clio, { billIds: paid.map((b) => b.id) }));
  }

  // Credit memos on these bills follow their invoices, with each memo's allocations on every bill,
  // voided ones too (a credit moved here left another bill). A backfill has them all in hand already.
  // The sweep's own allocations listing covers the credit of bills that did not change.
  const named = opts.payments === 'per_bill' ? bills : inScope;
  const credited = new Set(named.filter((b) => (b.credits_issued ?? 0) > 0 && b.state !== 'void' && b.state !== 'deleted').map((b) => b.id));
  if (credited.size) {
    const bulk = details?.memos ? details : undefined;
    const onBills = bulk ? bulk.memoAllocations.filter((a) => a.bill && credited.has(a.bill.id)) : await readMemoAllocations(ctx.clio, { billIds: [...credited] });
    const memoIds = [...new Set(onBills.flatMap((a) => (a.parent ? [a.parent.id] : [])))];
    if (memoIds.length) {
      const memos = bulk ? bulk.memos!.filter((m) => memoIds.includes(m.id)) : await readCreditMemos(ctx.clio, memoIds);
      const allocations = bulk ? bulk.memoAllocations.filter((a) => a.parent && memoIds.includes(a.parent.id)) : await readMemoAllocations(ctx.clio, { memoIds });
      await pushCreditMemos(ctx, memos, allocations);
    }
  }
}

const billLinks = (ctx: SyncContext, bills: ClioBill[]) =>
  getLinks(
    ctx.db,
    ctx.firmId,
    KIND,
    bills.map((b) => String(b.id)),
  );

/** Which bills need their details read (in scope and changed since the last push), which end in Xero, and which are skipped. */
function triage(ctx: SyncContext, bills: ClioBill[], links: Map<string, LinkRow>, chosen = false) {
  const inScope: ClioBill[] = [];
  const ends: { bill: ClioBill; link: LinkRow; end: 'void' | 'delete' }[] = [];
  const skips: PlanItem[] = [];
  for (const bill of bills) {
    const link = links.get(String(bill.id));
    const scope = billScope(bill, ctx.settings, Boolean(link?.xeroId));
    const label = `Bill ${bill.number}`;
    if (scope.in) {
      // Unchanged since the last push (same Clio etag): nothing to read, nothing to write.
      if (link?.state === 'synced' && link.clioEtag && link.clioEtag === bill.etag) {
        skips.push({ kind: KIND, clioId: String(bill.id), label, action: 'skip', reason: 'unchanged since the last sync' });
      } else if (link?.state === 'conflict' && !chosen) {
        // Changed on both sides: neither is overwritten until an admin chooses (flows/pull-invoices.ts).
        skips.push({ kind: KIND, clioId: String(bill.id), label, action: 'skip', reason: 'changed in Clio and in Xero: waits for an admin to choose which to keep' });
      } else inScope.push(bill);
    } else if (scope.end && link?.xeroId) ends.push({ bill, link, end: scope.end });
    else skips.push({ kind: KIND, clioId: String(bill.id), label, action: 'skip', reason: scope.reason });
  }
  return { inScope, ends, skips };
}

/**
 * The bills a webhook job must read from Clio. One its webhook named in a state it cannot be synced
 * in (not approved while only approved bills sync, void, deleted) is skipped unread unless it is
 * linked as a bill (it may be in Xero, or on its way): out of scope and not approved, it has no
 * payments or credits to follow either, Clio taking neither before approval. One with no state
 * named (an older job or webhook) is read as before.
 */
export async function billsToReadOnWebhook(ctx: SyncContext, ids: string[], states: Record<string, ClioBillState> = {}): Promise<string[]> {
  const idle = ids.filter((id) => {
    const state = states[id];
    return state !== undefined && state !== 'awaiting_payment' && state !== 'paid' && !unlinkedBillMayBeInScope(state, ctx.settings);
  });
  const links = await getLinks(ctx.db, ctx.firmId, KIND, idle);
  return ids.filter((id) => !idle.includes(id) || links.has(id));
}

/**
 * Of these approved bills, the ones whose payments must be read. A bill whose balance is still its
 * whole total (Clio's total includes interest) was neither paid nor credited, so it has no payment
 * to send; unless one of its payments is linked already: a voided payment gives the bill its
 * balance back, and its Xero payment must still be deleted. A bill read without its balance is read.
 */
async function billsWithPaymentsToRead(ctx: SyncContext, bills: ClioBill[]): Promise<ClioBill[]> {
  const unpaid = bills.filter((b) => typeof b.balance === 'number' && toCents(b.balance) === toCents(b.total));
  const withPayments = await parentsWithLinks(
    ctx.db,
    ctx.firmId,
    'payment_allocation',
    unpaid.map((b) => String(b.id)),
  );
  return bills.filter((b) => !unpaid.includes(b) || withPayments.has(String(b.id)));
}

/** How many of these bills would need their details read: the sweep reads them in bulk when there are many. */
export async function billsToRead(ctx: SyncContext, bills: ClioBill[]): Promise<number> {
  return triage(ctx, bills, await billLinks(ctx, bills)).inScope.length;
}

async function categoryAccountsFor(ctx: SyncContext, lines: ClioLineItem[]): Promise<Map<number, string>> {
  const overrides = ctx.settings.categoryAccounts;
  const out = new Map<number, string>();
  if (overrides.length === 0) return out;
  const activityIds = lines.flatMap((l) => (l.activity ? [l.activity.id] : []));
  if (activityIds.length === 0) return out;
  const byActivity = new Map((await readActivityCategories(ctx.clio, activityIds)).map((a) => [a.id, a]));
  const account = (kind: 'activity_description' | 'expense_category', id: number | undefined) =>
    id === undefined ? undefined : overrides.find((o) => o.clioKind === kind && o.clioId === String(id))?.accountCode;
  for (const line of lines) {
    const activity = line.activity ? byActivity.get(line.activity.id) : undefined;
    const code = account('activity_description', activity?.activity_description?.id) ?? account('expense_category', activity?.expense_category?.id);
    if (code) out.set(line.id, code);
  }
  return out;
}

async function prepare(ctx: SyncContext, bills: ClioBill[], links: Map<string, LinkRow>, details: BillDetails): Promise<Ready[]> {
  if (bills.length === 0) return [];
  const withClient = bills.filter((b) => b.client);
  const contacts = await pushContacts(
    ctx,
    withClient.map((b) => String(b.client!.id)),
    { create: true, refreshLinked: false },
  );
  const categories = await categoryAccountsFor(ctx, [...details.lines.values()].flat());
  const xeroTax = await xeroTaxBook(ctx);
  const ready: Ready[] = [];
  for (const bill of bills) {
    const id = String(bill.id);
    const link = links.get(id);
    const invoice = billToInvoice({
      bill,
      lines: details.lines.get(bill.id) ?? [],
      interest: details.interest.get(bill.id) ?? [],
      accounts: ctx.settings,
      xeroTax,
      categoryAccountForLine: categories,
      approvedStatus: ctx.settings.invoiceStatus,
      clioBillUrl: clioBillUrl(ctx, bill.id),
    });
    // A currency Xero lacks fails the bill as a mapping problem does, on the same path.
    const currency = invoice.ok ? await currencyFailure(ctx, invoice.value.currencyCode) : undefined;
    const mapped: Mapped<InvoiceDraft> = currency ? { ok: false, problem: currency } : invoice;
    const contactId = bill.client ? contacts.get(String(bill.client.id)) : undefined;
    const hash = mapped.ok ? contentHash({ invoice: mapped.value, contactId: contactId ?? null }) : undefined;
    const item = planPush(KIND, id, `Bill ${bill.number}`, link, mapped, hash);
    if (item.action === 'fail') {
      // The rates kept from an earlier run may be what is out of date: the next run reads them again.
      if (item.failure?.code === 'XERO_TAX_TYPE_INVALID' || item.failure?.code === 'TAX_RATE_MISMATCH') forgetXeroTaxBook(ctx.xero.connectionId);
      ctx.plan.push(item);
      if (!ctx.dryRun) await failed(ctx, KIND, id, item.failure!, { dropClaim: true, xeroId: link?.xeroId ?? null });
      continue;
    }
    if (!contactId && bill.client) {
      // In a dry run the client would be created first, unless it waits (for an admin's review of
      // its match); in a real run it failed or waits, and the bill waits with it.
      const clientWaits = ctx.plan.some((p) => p.kind === 'contact' && p.clioId === String(bill.client!.id) && p.action === 'wait');
      if (ctx.dryRun) ctx.plan.push(clientWaits ? { ...item, action: 'wait', reason: 'its client waits for an admin to review its match' } : item);
      else {
        ctx.plan.push({ ...item, action: 'wait', reason: 'its client is not in Xero yet (see the contact’s own status)' });
        await waiting(ctx, KIND, id, 'waits for its client to reach Xero');
      }
      continue;
    }
    ctx.plan.push(item);
    if (item.action === 'skip' && !ctx.dryRun && link?.xeroId && link.lastPushedHash) {
      // Same content under a newer Clio version (a payment touched it, say): remember the version.
      await succeeded(ctx, KIND, {
        clioId: id,
        xeroId: link.xeroId,
        hash: link.lastPushedHash,
        snapshot: link.snapshot ?? {},
        action: 'skip',
        reason: 'unchanged content',
        clioEtag: bill.etag,
      });
    }
    if (item.action === 'create' || item.action === 'update') ready.push({ bill, link, item, contactId: contactId! });
  }
  return ctx.dryRun ? [] : ready;
}

function snapshotOf(draft: InvoiceDraft, invoice: Invoice): LinkSnapshot {
  const lines: LinkSnapshot['lines'] = {};
  draft.lines.forEach((l, i) => {
    const id = invoice.lineItems?.[i]?.lineItemID;
    if (id) lines[l.key] = { lineItemId: id, accountCode: l.accountCode };
  });
  return {
    lines,
    status: String(invoice.status ?? draft.status),
    totalCents: toCents(invoice.total ?? 0),
    pushed: viewOfDraft(draft, lines),
    ...invoiceCurrency(invoice),
  };
}

/** Stores one element's result; a saved invoice whose total differs from Clio's is kept linked and reported. */
async function settle(ctx: SyncContext, r: Ready, result: ElementResult<Invoice>, action: 'create' | 'update'): Promise<void> {
  const id = String(r.bill.id);
  const draft = r.item.draft!;
  if (!result.ok) {
    await failed(ctx, KIND, id, result.failure, {
      dropClaim: action === 'create',
      xeroId: r.link?.xeroId ?? null,
    });
    return;
  }
  const invoice = result.record;
  await succeeded(ctx, KIND, {
    clioId: id,
    xeroId: invoice.invoiceID!,
    hash: r.item.hash!,
    beforeHash: r.link?.lastPushedHash ?? null,
    snapshot: snapshotOf(draft, invoice),
    action,
    reason: r.item.reason,
    xeroNumber: draft.invoiceNumber,
    clioEtag: r.bill.etag,
    xeroHash: invoiceHash(invoice),
    detail: { total: invoice.total, status: String(invoice.status) },
  });
  if (toCents(invoice.total ?? 0) !== draft.totalCents) {
    const failure: RecordFailure = {
      code: 'TOTAL_MISMATCH',
      detail: `Bill ${r.bill.number}: Xero's total is ${invoice.total} but Clio's is ${(draft.totalCents / 100).toFixed(2)}.`,
    };
    await failed(ctx, KIND, id, failure, { dropClaim: false, xeroId: invoice.invoiceID ?? null });
  }
}

const writeOf = (r: Ready, extra: Partial<InvoiceWrite> = {}): InvoiceWrite => ({ draft: r.item.draft!, contactId: r.contactId, ...extra });

/**
 * Creates. A bill whose earlier create may have landed (claimed, no Xero id) is looked up by its
 * number first; found and ours (its Url is this bill's), it is updated instead of created again.
 */
async function writeCreates(ctx: SyncContext, items: Ready[]): Promise<void> {
  const suspects = items.filter((r) => r.link?.claimedAt);
  const found = suspects.length
    ? await findInvoicesByNumber(
        ctx.xero,
        suspects.map((r) => r.item.draft!.invoiceNumber),
      )
    : [];
  const fresh: Ready[] = [];
  const adopted: { r: Ready; invoice: Invoice }[] = [];
  for (const r of items) {
    const match = r.link?.claimedAt ? found.find((i) => i.invoiceNumber === r.item.draft!.invoiceNumber) : undefined;
    if (!match) fresh.push(r);
    else if (match.url === r.item.draft!.url) adopted.push({ r, invoice: match });
    else
      await failed(
        ctx,
        KIND,
        String(r.bill.id),
        { code: 'XERO_INVOICE_NUMBER_TAKEN', detail: `Invoice ${match.invoiceNumber} in Xero was not created from this bill.` },
        { dropClaim: true },
      );
  }
  for (const part of chunk(adopted)) {
    const writes = part.map(({ r, invoice }) =>
      writeOf(r, { invoiceId: invoice.invoiceID!, status: String(invoice.status) === 'DRAFT' ? r.item.draft!.status : String(invoice.status) }),
    );
    const results = await updateInvoices(ctx.xero, writes);
    for (const [i, res] of results.entries()) await settle(ctx, part[i]!.r, res, 'create');
  }
  for (const part of chunk(fresh)) {
    await claimForCreate(
      ctx.db,
      ctx.firmId,
      KIND,
      part.map((r) => ({ clioId: String(r.bill.id), xeroNumber: r.item.draft!.invoiceNumber })),
    );
    const results = await createInvoices(
      ctx.xero,
      part.map((r) => writeOf(r, { status: r.item.draft!.status })),
    );
    for (const [i, res] of results.entries()) await settle(ctx, part[i]!, res, 'create');
  }
}

/** Xero never moves an invoice back from approved; a draft moves forward when Clio approves the bill. */
function statusToSend(current: string | undefined, wanted: string): string {
  if (!current || current === 'DRAFT' || current === 'SUBMITTED') return wanted;
  return current === 'PAID' ? 'AUTHORISED' : current;
}

/** Returns the bills handed to the pull for Xero's edits instead of being written. */
async function writeUpdates(ctx: SyncContext, items: Ready[]): Promise<number[]> {
  const editedInXero: number[] = [];
  for (const all of chunk(items)) {
    const part = await notEditedInXero(ctx, all);
    editedInXero.push(...all.filter((r) => !part.includes(r)).map((r) => r.bill.id));
    if (part.length === 0) continue;
    const writes = part.map((r) =>
      writeOf(r, {
        invoiceId: r.link!.xeroId!,
        existingLines: (r.link!.snapshot?.lines ?? {}) as Record<string, ExistingLine>,
        status: statusToSend(r.link!.snapshot?.status, r.item.draft!.status),
      }),
    );
    const results = await updateInvoices(ctx.xero, writes);
    for (const [i, res] of results.entries()) await settle(ctx, part[i]!, res, 'update');
  }
  return editedInXero;
}

/**
 * With "sync bill updates from Xero" on, an invoice the bookkeeper may have edited since we last
 * saw it is read before it is overwritten (one read per batch): edited, it goes through the pull's
 * three-way comparison instead — Xero's edits reach Clio, or both sides are held as a conflict —
 * and Clio's push follows the Clio write, if any. A change of payments only is no edit.
 */
async function notEditedInXero(ctx: SyncContext, items: Ready[]): Promise<Ready[]> {
  if (!ctx.settings.syncFromXero) return items;
  const invoices = new Map(
    (
      await getInvoicesById(
        ctx.xero,
        items.map((r) => r.link!.xeroId!),
      )
    ).map((i) => [i.invoiceID!.toLowerCase(), i]),
  );
  const out: Ready[] = [];
  for (const r of items) {
    const invoice = invoices.get(r.link!.xeroId!.toLowerCase());
    const base = r.link!.snapshot?.pushed;
    const edited = invoice && base && invoiceHash(invoice) !== r.link!.lastPulledHash && contentHash(viewOfInvoice(invoice)) !== contentHash(base);
    if (!edited) out.push(r);
    else await pullListedInvoices(ctx, [invoice], { edits: true }, new Map([[invoice.invoiceID!.toLowerCase(), r.link!]]));
  }
  return out;
}

/** A void in Clio voids the invoice (a Xero draft is deleted instead); Xero refuses while money is applied to it. */
async function writeEnds(ctx: SyncContext, ends: { bill: ClioBill; link: LinkRow; end: 'void' | 'delete' }[]): Promise<void> {
  const todo = ends.filter(({ bill, link }) => {
    const status = link.snapshot?.status;
    const done = status === 'VOIDED' || status === 'DELETED';
    ctx.plan.push({
      kind: KIND,
      clioId: String(bill.id),
      label: `Bill ${bill.number}`,
      action: done ? 'skip' : bill.state === 'void' ? 'void' : 'delete',
      reason: done ? `already ${status?.toLowerCase()} in Xero` : `${bill.state === 'void' ? 'voided' : 'deleted'} in Clio`,
    });
    return !done;
  });
  if (ctx.dryRun) return;
  for (const part of chunk(todo)) {
    const changes = part.map(({ link }) => ({
      invoiceId: link.xeroId!,
      status: (link.snapshot?.status === 'DRAFT' || link.snapshot?.status === 'SUBMITTED' ? 'DELETED' : 'VOIDED') as 'VOIDED' | 'DELETED',
    }));
    const results = await setInvoiceStatuses(ctx.xero, changes);
    for (const [i, res] of results.entries()) {
      const { bill, link } = part[i]!;
      const id = String(bill.id);
      if (res.ok) {
        await removedInXero(ctx, KIND, { clioId: id, link, status: changes[i]!.status, reason: `${bill.state} in Clio`, clioEtag: bill.etag });
      } else {
        const moneyApplied = res.failure.code === 'XERO_PAID_LINE_EDIT';
        await failed(ctx, KIND, id, moneyApplied ? { code: 'XERO_VOID_HAS_PAYMENTS', detail: res.failure.detail } : res.failure, {
          dropClaim: false,
          xeroId: link.xeroId,
        });
      }
    }
  }
}
