import type { CreditNote } from 'xero-node';
import type { SyncContext } from '../context';
import { claimForCreate, getLinks, type LinkRow } from '../links';
import type { ClioAllocation, ClioCreditMemo } from '../mapping/clio-records';
import { type CreditedBill, creditNoteNumberFor, invoiceTaxShares, memoToCreditNote } from '../mapping/credit-notes';
import { contentHash } from '../mapping/hash';
import { toCents } from '../mapping/money';
import type { CreditNoteDraft, Mapped } from '../mapping/xero-drafts';
import { currencyFailure } from '../currencies';
import { failed, ignored, removedInXero, succeeded, waiting } from '../outcome';
import { planPush } from '../plan';
import {
  allocateCreditNote,
  chunk,
  createCreditNotes,
  deleteCreditNoteAllocation,
  findCreditNotesByNumber,
  getCreditNote,
  getInvoicesById,
  voidCreditNotes,
} from '../xero-writer';
import { refreshUnapprovedInvoices, waitsForInvoice } from './invoice-approvals';
import { foreignCurrencyOf, knowInvoiceCurrencies } from './invoice-currencies';
import { pushContacts } from './push-contacts';

const KIND = 'credit_memo' as const;
const ALLOCATION = 'credit_allocation' as const;
const APPLIED = ['AUTHORISED', 'PAID'];
const labelOf = (memo: ClioCreditMemo) => `Credit ${memo.id}`;

/**
 * Clio credit memos → ACCRECCREDIT credit notes on the credit-notes account, each allocated to
 * the invoices of the bills it was applied to. A memo waits until every bill it credits is an
 * approved invoice in Xero (Xero allocates only to approved invoices).
 */
export async function pushCreditMemos(ctx: SyncContext, memos: ClioCreditMemo[], allocations: ClioAllocation[]): Promise<void> {
  if (memos.length === 0) return;
  const live = allocations.filter((a) => !a.voided_at && a.bill && a.parent?.type === 'CreditMemo');
  const byMemo = new Map<number, ClioAllocation[]>(memos.map((m) => [m.id, live.filter((a) => a.parent!.id === m.id)]));
  const [memoLinks, billLinks] = await Promise.all([
    getLinks(
      ctx.db,
      ctx.firmId,
      KIND,
      memos.map((m) => String(m.id)),
    ),
    getLinks(
      ctx.db,
      ctx.firmId,
      'bill',
      live.map((a) => String(a.bill!.id)),
    ),
  ]);
  await refreshUnapprovedInvoices(ctx, billLinks);
  const contacts = await pushContacts(
    ctx,
    memos.flatMap((m) => (m.contact && !m.voided_at ? [String(m.contact.id)] : [])),
    { create: true, refreshLinked: false },
  );

  const creates: { memo: ClioCreditMemo; draft: CreditNoteDraft; hash: string; contactId: string; link: LinkRow | undefined }[] = [];
  const voids: { memo: ClioCreditMemo; link: LinkRow }[] = [];
  const ready: { memo: ClioCreditMemo; contactId: string; link: LinkRow | undefined }[] = [];
  for (const memo of memos) {
    const id = String(memo.id);
    const link = memoLinks.get(id);
    const label = labelOf(memo);
    if (memo.voided_at) {
      if (link?.xeroId && link.snapshot?.status !== 'VOIDED') voids.push({ memo, link });
      ctx.plan.push({ kind: KIND, clioId: id, label, action: link?.xeroId ? 'void' : 'skip', reason: 'voided in Clio' });
      continue;
    }
    if (link?.xeroId) {
      ctx.plan.push({ kind: KIND, clioId: id, label, action: 'skip', reason: 'already in Xero' });
      continue;
    }
    const bills = (byMemo.get(memo.id) ?? []).map((a) => billLinks.get(String(a.bill!.id)));
    if (bills.length && bills.every((b) => !b)) {
      // Credit on bills the sync never took up (before the start date, say): nothing to credit in
      // Xero. Should a bill be taken up later, its own sync reads its credit memos.
      ctx.plan.push({ kind: KIND, clioId: id, label, action: 'skip', reason: 'its bill is not synced to Xero' });
      if (!ctx.dryRun && link && !link.xeroId && link.state !== 'ignored') await ignored(ctx, KIND, id);
      continue;
    }
    const notReady = (byMemo.get(memo.id) ?? []).find((a) => !APPLIED.includes(billLinks.get(String(a.bill!.id))?.snapshot?.status ?? ''));
    const contactId = memo.contact ? contacts.get(String(memo.contact.id)) : undefined;
    if (bills.length === 0 || notReady || !contactId) {
      const reason =
        bills.length === 0
          ? 'applied to no bill yet'
          : notReady
            ? waitsForInvoice(String(notReady.bill!.id), billLinks.get(String(notReady.bill!.id)))
            : 'waits for its client to reach Xero';
      ctx.plan.push({ kind: KIND, clioId: id, label, action: 'wait', reason });
      if (!ctx.dryRun) await waiting(ctx, KIND, id, reason);
      continue;
    }
    ready.push({ memo, contactId, link });
  }
  const credited = await creditedBills(
    ctx,
    ready.map((r) => r.memo),
    byMemo,
    billLinks,
  );
  const billOfMemo = (m: ClioCreditMemo) => billLinks.get(String(byMemo.get(m.id)![0]!.bill!.id));
  await knowInvoiceCurrencies(
    ctx,
    billLinks,
    ready.flatMap((r) => (byMemo.get(r.memo.id) ?? []).map((a) => String(a.bill!.id))),
  );
  for (const { memo, contactId, link } of ready) {
    const id = String(memo.id);
    // In the currency of the (first) bill it credits; a second bill in another currency is refused its allocation by Xero, and says so.
    const foreign = foreignCurrencyOf(billOfMemo(memo));
    const note = memoToCreditNote(
      memo,
      { accountCode: ctx.settings.creditNoteAccountCode, taxMode: ctx.settings.creditNoteTaxMode },
      credited.get(memo.id) ?? [],
      foreign,
    );
    const currency = note.ok ? await currencyFailure(ctx, note.value.currencyCode) : undefined;
    const mapped: Mapped<CreditNoteDraft> = currency ? { ok: false, problem: currency } : note;
    const hash = mapped.ok ? contentHash({ creditNote: mapped.value, contactId }) : undefined;
    const item = planPush(KIND, id, labelOf(memo), link, mapped, hash);
    ctx.plan.push(item);
    if (item.action === 'fail') {
      if (!ctx.dryRun) await failed(ctx, KIND, id, item.failure!, { dropClaim: true });
    } else if (item.action === 'create') creates.push({ memo, draft: item.draft!, hash: hash!, contactId, link });
  }
  if (ctx.dryRun) return;

  // Allocations voided in Clio (a void, or a reallocation moving the credit) come off first, so the
  // credit is free for the new ones and a voided memo's note can be voided.
  await unallocate(
    ctx,
    allocations.filter((a) => a.voided_at && a.parent?.type === 'CreditMemo'),
    memoLinks,
  );
  await createNotes(ctx, creates);
  for (const part of chunk(voids)) {
    const results = await voidCreditNotes(
      ctx.xero,
      part.map((v) => v.link.xeroId!),
    );
    for (const [i, r] of results.entries()) {
      const { memo, link } = part[i]!;
      if (r.ok) await removedInXero(ctx, KIND, { clioId: String(memo.id), link, status: 'VOIDED', reason: 'voided in Clio' });
      else await failed(ctx, KIND, String(memo.id), r.failure, { dropClaim: false, xeroId: link.xeroId });
    }
  }
  await allocate(
    ctx,
    memos.filter((m) => !m.voided_at),
    byMemo,
    billLinks,
  );
}

/**
 * For pro rata tax, what each memo credits: per bill, the amount applied and the tax shares of its
 * invoice as Xero holds it (one read per 50 invoices, and one for the ROUNDING account, only when
 * there are notes to create). The invoice's own lines are read rather than the bill re-mapped, so
 * the note follows what the invoice says, however its lines were coded.
 */
async function creditedBills(
  ctx: SyncContext,
  memos: ClioCreditMemo[],
  byMemo: Map<number, ClioAllocation[]>,
  billLinks: Map<string, LinkRow>,
): Promise<Map<number, CreditedBill[]>> {
  const out = new Map<number, CreditedBill[]>();
  if (ctx.settings.creditNoteTaxMode !== 'pro_rata' || memos.length === 0) return out;
  const invoiceOf = (a: ClioAllocation) => billLinks.get(String(a.bill!.id))!.xeroId!.toLowerCase();
  const [invoices, accounts] = await Promise.all([
    getInvoicesById(
      ctx.xero,
      memos.flatMap((m) => (byMemo.get(m.id) ?? []).map(invoiceOf)),
    ),
    // The whole chart, one call: no public source says Xero filters on SystemAccount.
    ctx.xero.getAccounts(),
  ]);
  const roundingCode = accounts.find((a) => String(a.systemAccount) === 'ROUNDING')?.code ?? null;
  const shares = new Map(
    invoices.map((inv) => [
      inv.invoiceID!.toLowerCase(),
      invoiceTaxShares(
        {
          lineAmountTypes: String(inv.lineAmountTypes),
          lines: (inv.lineItems ?? []).map((l) => ({
            taxType: l.taxType ?? null,
            accountCode: l.accountCode ?? null,
            lineAmountCents: toCents(l.lineAmount ?? 0),
            taxCents: toCents(l.taxAmount ?? 0),
          })),
        },
        roundingCode,
      ),
    ]),
  );
  for (const m of memos)
    out.set(
      m.id,
      (byMemo.get(m.id) ?? []).map((a) => ({ amountCents: toCents(a.amount), shares: shares.get(invoiceOf(a)) ?? [] })),
    );
  return out;
}

async function createNotes(
  ctx: SyncContext,
  creates: { memo: ClioCreditMemo; draft: CreditNoteDraft; hash: string; contactId: string; link: LinkRow | undefined }[],
): Promise<void> {
  const suspects = creates.filter((c) => c.link?.claimedAt);
  const found = suspects.length
    ? await findCreditNotesByNumber(
        ctx.xero,
        suspects.map((c) => c.draft.creditNoteNumber),
      )
    : [];
  const fresh = [];
  for (const c of creates) {
    const match = c.link?.claimedAt ? found.find((f) => f.creditNoteNumber === c.draft.creditNoteNumber) : undefined;
    if (match?.creditNoteID) {
      await succeeded(ctx, KIND, {
        clioId: String(c.memo.id),
        xeroId: match.creditNoteID,
        hash: c.hash,
        snapshot: { status: String(match.status) },
        action: 'link',
        reason: 'found by number after an interrupted create',
        xeroNumber: c.draft.creditNoteNumber,
      });
    } else fresh.push(c);
  }
  for (const part of chunk(fresh)) {
    await claimForCreate(
      ctx.db,
      ctx.firmId,
      KIND,
      part.map((c) => ({ clioId: String(c.memo.id), xeroNumber: c.draft.creditNoteNumber })),
    );
    const results = await createCreditNotes(
      ctx.xero,
      part.map((c) => ({ draft: c.draft, contactId: c.contactId })),
    );
    for (const [i, r] of results.entries()) {
      const c = part[i]!;
      if (r.ok) {
        await succeeded(ctx, KIND, {
          clioId: String(c.memo.id),
          xeroId: r.record.creditNoteID!,
          hash: c.hash,
          snapshot: { status: String(r.record.status), totalCents: toCents(r.record.total ?? 0) },
          action: 'create',
          reason: 'credit memo in Clio',
          xeroNumber: c.draft.creditNoteNumber,
        });
      } else await failed(ctx, KIND, String(c.memo.id), r.failure, { dropClaim: true });
    }
  }
}

/**
 * One Xero call per allocation (Xero has no batch for them). An allocation claimed earlier with no
 * id is looked for on the credit note first: same invoice and amount, not yet linked.
 */
async function allocate(ctx: SyncContext, memos: ClioCreditMemo[], byMemo: Map<number, ClioAllocation[]>, billLinks: Map<string, LinkRow>): Promise<void> {
  const memoLinks = await getLinks(
    ctx.db,
    ctx.firmId,
    KIND,
    memos.map((m) => String(m.id)),
  );
  const all = memos.flatMap((m) => byMemo.get(m.id) ?? []);
  const allocLinks = await getLinks(
    ctx.db,
    ctx.firmId,
    ALLOCATION,
    all.map((a) => String(a.id)),
  );
  for (const memo of memos) {
    const noteId = memoLinks.get(String(memo.id))?.xeroId;
    if (!noteId) continue;
    let note: CreditNote | undefined;
    for (const a of byMemo.get(memo.id) ?? []) {
      const id = String(a.id);
      const link = allocLinks.get(id);
      if (link?.xeroId) continue;
      const invoiceId = billLinks.get(String(a.bill!.id))?.xeroId;
      if (!invoiceId) continue;
      const amountCents = toCents(a.amount);
      const hash = contentHash({ invoiceId, amountCents, noteId });
      if (link?.claimedAt) {
        note ??= await getCreditNote(ctx.xero, noteId);
        const existing = note?.allocations?.find((x) => x.invoice?.invoiceID === invoiceId && toCents(x.amount ?? 0) === amountCents && x.allocationID);
        if (existing?.allocationID) {
          await succeeded(ctx, ALLOCATION, {
            clioId: id,
            xeroId: existing.allocationID,
            hash,
            snapshot: {},
            action: 'link',
            reason: 'found on the credit note after an interrupted allocation',
            parentClioId: String(memo.id),
          });
          continue;
        }
      }
      await claimForCreate(ctx.db, ctx.firmId, ALLOCATION, [{ clioId: id, xeroNumber: `${noteId}:${invoiceId}`, parentClioId: String(memo.id) }]);
      const r = await allocateCreditNote(ctx.xero, noteId, { invoiceId, amountCents, date: a.date.slice(0, 10) });
      if (r.ok)
        await succeeded(ctx, ALLOCATION, {
          clioId: id,
          xeroId: r.record.allocationID!,
          hash,
          snapshot: {},
          action: 'allocate',
          reason: `credit applied to bill ${a.bill!.id}`,
          parentClioId: String(memo.id),
        });
      else await failed(ctx, ALLOCATION, id, r.failure, { dropClaim: true });
    }
  }
}

/** Removes the Xero allocations of Clio allocations that were voided. */
async function unallocate(ctx: SyncContext, voided: ClioAllocation[], memoLinks: Map<string, LinkRow>): Promise<void> {
  const links = await getLinks(
    ctx.db,
    ctx.firmId,
    ALLOCATION,
    voided.map((a) => String(a.id)),
  );
  for (const a of voided) {
    const id = String(a.id);
    const link = links.get(id);
    const noteId = memoLinks.get(String(a.parent!.id))?.xeroId;
    if (!link?.xeroId || !noteId || link.snapshot?.status === 'DELETED') continue;
    const r = await deleteCreditNoteAllocation(ctx.xero, noteId, link.xeroId);
    if (r.ok) await removedInXero(ctx, ALLOCATION, { clioId: id, link, status: 'DELETED', reason: 'credit moved or voided in Clio', parentClioId: String(a.parent!.id) });
    else await failed(ctx, ALLOCATION, id, r.failure, { dropClaim: false, xeroId: link.xeroId });
  }
}
