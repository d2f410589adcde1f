import type { SyncContext } from '../context';
import { claimForCreate, getLinks, type LinkRow } from '../links';
import type { ClioPaymentAllocation } from '../mapping/clio-records';
import { contentHash } from '../mapping/hash';
import { allocationToPayment } from '../mapping/payments';
import type { PaymentDraft } from '../mapping/xero-drafts';
import { failed, ignored, removedInXero, succeeded, waiting } from '../outcome';
import { planPush } from '../plan';
import { chunk, createPayments, deletePayment, findPayments } from '../xero-writer';
import { openItemsOfBills } from '../open-items';
import { refreshUnapprovedInvoices, waitsForInvoice } from './invoice-approvals';
import { foreignCurrencyOf, knowInvoiceCurrencies } from './invoice-currencies';
import { reportUnappliedCredit } from './unapplied-credit';
import { closeRecorded, OPEN_ITEM_KIND } from './xero-payments-to-record';

const KIND = 'payment_allocation' as const;
/** Xero takes payments on approved invoices only. */
const PAYABLE = ['AUTHORISED', 'PAID'];

interface Create {
  allocation: ClioPaymentAllocation;
  link: LinkRow | undefined;
  draft: PaymentDraft;
  hash: string;
  /** The deleted Xero payment this one replaces (a changed allocation). */
  replaces?: string;
}

const billOf = (a: ClioPaymentAllocation) => String(a.bill!.id);
const labelOf = (a: ClioPaymentAllocation) => `Payment ${a.parent?.id ?? '?'} on bill ${a.bill?.id ?? '?'}${a.interest ? ' (interest)' : ''}`;

/**
 * Clio payment allocations → Xero payments on the invoices of their bills (see mapping/payments.ts
 * for why one per allocation). Xero payments are immutable, so a voided allocation deletes its
 * payment and a changed one (amount, date, another invoice) deletes it and creates the new one.
 * A payment on a bill that is not in Xero yet (or not approved there) waits, and follows the bill:
 * the sweep retries waiting records, and a bill's own sync reads its payments.
 */
export async function pushPayments(ctx: SyncContext, allocations: ClioPaymentAllocation[]): Promise<void> {
  const list = allocations.filter((a) => a.parent?.type === 'Payment' && a.bill);
  if (list.length === 0) return;
  const [links, billLinks] = await Promise.all([
    getLinks(
      ctx.db,
      ctx.firmId,
      KIND,
      list.map((a) => String(a.id)),
    ),
    getLinks(ctx.db, ctx.firmId, 'bill', list.map(billOf)),
  ]);
  // Only bills that hold a payment still to send are looked at again.
  const toSend = new Set(list.filter((a) => !a.voided_at && !links.get(String(a.id))?.xeroId).map(billOf));
  await refreshUnapprovedInvoices(ctx, billLinks, toSend);
  await knowInvoiceCurrencies(ctx, billLinks, toSend);
  const creates: Create[] = [];
  const deletes: { allocation: ClioPaymentAllocation; link: LinkRow; then?: Create }[] = [];
  for (const a of list) {
    const id = String(a.id);
    const link = links.get(id);
    const label = labelOf(a);
    const gone = link?.snapshot?.status === 'DELETED';
    if (a.voided_at) {
      if (link?.xeroId && !gone) {
        deletes.push({ allocation: a, link });
        ctx.plan.push({ kind: KIND, clioId: id, label, action: 'delete', reason: 'voided in Clio' });
      } else {
        ctx.plan.push({ kind: KIND, clioId: id, label, action: 'skip', reason: link?.xeroId ? 'already deleted in Xero' : 'voided in Clio before it reached Xero' });
        if (!ctx.dryRun && link && !link.xeroId && link.state !== 'ignored') await ignored(ctx, KIND, id);
      }
      continue;
    }
    const billLink = billLinks.get(billOf(a));
    if (!billLink) {
      // Not a bill the sync has taken up (before the start date, say): nothing to pay in Xero.
      // Should the bill be taken up later, its own sync reads its payments. A dry run links no
      // bill, so there a bill the same plan creates means its payment is created after it.
      const billPlanned = ctx.dryRun && ctx.plan.some((p) => p.kind === 'bill' && p.clioId === billOf(a) && p.action === 'create');
      ctx.plan.push({
        kind: KIND,
        clioId: id,
        label,
        action: billPlanned ? 'create' : 'skip',
        reason: billPlanned ? 'after its bill’s invoice is created' : 'its bill is not synced to Xero',
      });
      continue;
    }
    if (!billLink.xeroId || !PAYABLE.includes(billLink.snapshot?.status ?? '')) {
      const reason = waitsForInvoice(billOf(a), billLink);
      ctx.plan.push({ kind: KIND, clioId: id, label, action: 'wait', reason });
      if (!ctx.dryRun) await waiting(ctx, KIND, id, reason, billOf(a));
      continue;
    }
    const mapped = allocationToPayment(a, { id: billLink.xeroId, currencyRate: foreignCurrencyOf(billLink)?.rate }, ctx.settings.paymentBankAccountCode);
    // The bank account is left out of the hash: choosing another one in the settings applies to new
    // payments, and never deletes and re-creates (un-reconciles) the ones already in Xero. So is the
    // rate: it is the invoice's, fixed when the invoice was made, and no change of the payment.
    const hash = mapped.ok ? contentHash({ ...mapped.value, bankAccountCode: null, currencyRate: undefined }) : undefined;
    // A payment deleted in Xero after a void has nothing left to update: a live allocation behind it is a new payment.
    const item = planPush(KIND, id, label, gone ? undefined : link, mapped, hash);
    ctx.plan.push(item);
    if (item.action === 'fail') {
      if (!ctx.dryRun) await failed(ctx, KIND, id, item.failure!, { dropClaim: true, xeroId: link?.xeroId ?? null });
    } else if (item.action === 'create') creates.push({ allocation: a, link: gone ? undefined : link, draft: item.draft!, hash: hash! });
    else if (item.action === 'update')
      deletes.push({ allocation: a, link: link!, then: { allocation: a, link: undefined, draft: item.draft!, hash: hash!, replaces: link!.xeroId! } });
  }
  if (ctx.dryRun) return;
  for (const d of deletes) {
    const recreate = await remove(ctx, d.allocation, d.link, d.then ? 'changed in Clio: Xero payments cannot be edited' : 'voided in Clio');
    if (recreate && d.then) creates.push(d.then);
  }
  await create(ctx, creates);
  // Where money moved, the payment may now hold more (or less) than its bills: its unapplied credit is not in Xero.
  await reportUnappliedCredit(
    ctx,
    [...creates, ...deletes].map((c) => c.allocation.parent!.id),
  );
}

/** Deletes the allocation's Xero payment; true when it is gone (a payment already deleted in Xero counts). */
async function remove(ctx: SyncContext, a: ClioPaymentAllocation, link: LinkRow, reason: string): Promise<boolean> {
  const id = String(a.id);
  const r = await deletePayment(ctx.xero, link.xeroId!);
  if (!r.ok && !/already been deleted/i.test(r.failure.detail)) {
    await failed(ctx, KIND, id, r.failure, { dropClaim: false, xeroId: link.xeroId });
    return false;
  }
  await removedInXero(ctx, KIND, { clioId: id, link, status: 'DELETED', reason, parentClioId: billOf(a) });
  return true;
}

/**
 * Creates, batched. An allocation claimed earlier with no Xero id may have landed: Xero payments
 * have no number, so it is looked for by invoice, amount, date and our Reference before a new one.
 */
async function create(ctx: SyncContext, all: Create[]): Promise<void> {
  const items = await linkRecordedXeroPayments(ctx, all);
  const suspects = items.filter((c) => c.link?.claimedAt);
  const found = suspects.length
    ? await findPayments(
        ctx.xero,
        suspects.map((c) => c.draft),
      )
    : [];
  const fresh: Create[] = [];
  for (const c of items) {
    const match = c.link?.claimedAt ? found.find((p) => p.reference === c.draft.reference && p.invoice?.invoiceID === c.draft.invoiceId) : undefined;
    if (match?.paymentID) await settle(ctx, c, match.paymentID, 'link', 'found in Xero after an interrupted create');
    else fresh.push(c);
  }
  for (const part of chunk(fresh)) {
    await claimForCreate(
      ctx.db,
      ctx.firmId,
      KIND,
      part.map((c) => ({ clioId: String(c.allocation.id), xeroNumber: c.draft.reference, parentClioId: billOf(c.allocation) })),
    );
    const results = await createPayments(
      ctx.xero,
      part.map((c) => c.draft),
      part.map((c) => c.replaces ?? null),
    );
    for (const [i, r] of results.entries()) {
      const c = part[i]!;
      if (r.ok) await settle(ctx, c, r.record.paymentID!, 'create', c.allocation.source_bank_account ? 'payment from trust in Clio' : 'payment in Clio');
      else await failed(ctx, KIND, String(c.allocation.id), r.failure, { dropClaim: true });
    }
  }
}

/**
 * A new allocation that records in Clio a payment made in Xero (an open item of its bill, of the
 * same amount, the task's words asked for exactly that) is that payment: it is linked to it, the
 * item closes and its Clio task is completed — never sent to Xero a second time. The rest are new.
 */
async function linkRecordedXeroPayments(ctx: SyncContext, items: Create[]): Promise<Create[]> {
  // Not one claimed by an earlier create: that one may be in Xero already, as its own payment.
  const candidates = items.filter((c) => !c.replaces && !c.link?.xeroId && !c.link?.claimedAt);
  const open = await openItemsOfBills(
    ctx.db,
    ctx.firmId,
    OPEN_ITEM_KIND,
    candidates.map((c) => billOf(c.allocation)),
  );
  if (open.length === 0) return items;
  const rest: Create[] = [];
  for (const c of items) {
    const at = candidates.includes(c) ? open.findIndex((o) => o.clioBillId === billOf(c.allocation) && o.amountCents === c.draft.amountCents) : -1;
    if (at < 0) {
      rest.push(c);
      continue;
    }
    const [item] = open.splice(at, 1);
    // Linked before the item closes: a run cut short in between finds the item open and links again, never sends it.
    await closeRecorded(ctx, item!, 'recorded in Clio', () => settle(ctx, c, item!.subjectId, 'link', 'the payment made in Xero, recorded in Clio'));
  }
  return rest;
}

async function settle(ctx: SyncContext, c: Create, paymentId: string, action: 'create' | 'link', reason: string): Promise<void> {
  await succeeded(ctx, KIND, {
    clioId: String(c.allocation.id),
    xeroId: paymentId,
    hash: c.hash,
    snapshot: { status: 'AUTHORISED', totalCents: c.draft.amountCents },
    action,
    reason,
    xeroNumber: c.draft.reference,
    parentClioId: billOf(c.allocation),
    detail: {
      invoiceId: c.draft.invoiceId,
      amountCents: c.draft.amountCents,
      account: c.draft.bankAccountCode,
      date: c.draft.date,
      // A foreign-currency invoice's payment: the rate it went at (the invoice's).
      ...(c.draft.currencyRate !== undefined ? { currencyRate: c.draft.currencyRate } : {}),
    },
  });
}
