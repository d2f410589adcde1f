import type { Invoice } from 'xero-node';
import { ClioApiError } from '../../clio/errors';
import { readBillDetails, readBills } from '../clio-reader';
import { patchBill, patchLineItem } from '../clio-writer';
import { clioBillUrl, type SyncContext } from '../context';
import { getLinksByXeroIds, type LinkRow, type LinkSnapshot, updateSnapshot } from '../links';
import { resolveFailures } from '../failure-groups';
import { appendLog } from '../history';
import type { ClioBill, ClioLineItem } from '../mapping/clio-records';
import { contentHash } from '../mapping/hash';
import { billToInvoice, type XeroTaxBook } from '../mapping/invoices';
import { xeroTaxBook } from '../xero-tax';
import { billEditsFrom, conflictWords, invoiceConflicts, invoiceHash, viewOfDraft, viewOfInvoice, type InvoiceView } from '../mapping/xero-invoices';
import { conflicted, reported } from '../outcome';
import { getInvoicesById } from '../xero-writer';
import { settlePayments } from './pull-payments';

const KIND = 'bill' as const;
/** Edits that could not reach Clio are grouped apart from the bill's push problems. */
const GROUP = 'bill_from_xero';

/**
 * Invoices Xero says changed (an INVOICE webhook, which a payment also triggers, or the payments
 * sweep). Invoices created in Xero have no link and stay in Xero. For each linked one: payments
 * first (Xero owns them), then the bookkeeper's edits; both only with "sync bill updates from Xero" on.
 * An invoice whose content is what we last saw or wrote is our own echo and stops before Clio is read.
 */
export async function pullInvoices(ctx: SyncContext, xeroIds: string[], opts: { edits: boolean }): Promise<void> {
  // Bills follow Xero (payments, edits) only when the firm turned it on; the setting also names the bank account.
  if (!ctx.settings.syncFromXero) return;
  const links = await getLinksByXeroIds(ctx.db, ctx.firmId, KIND, xeroIds);
  if (links.size === 0) return;
  const invoices = await getInvoicesById(
    ctx.xero,
    [...links.values()].map((l) => l.xeroId!),
  );
  await pullListedInvoices(ctx, invoices, opts, links);
}

/** Invoices already read (a listing of what changed): the same as pullInvoices without the read. */
export async function pullListedInvoices(ctx: SyncContext, invoices: Invoice[], opts: { edits: boolean }, known?: Map<string, LinkRow>): Promise<void> {
  if (!ctx.settings.syncFromXero) return;
  const links =
    known ??
    (await getLinksByXeroIds(
      ctx.db,
      ctx.firmId,
      KIND,
      invoices.flatMap((i) => (i.invoiceID ? [i.invoiceID] : [])),
    ));
  const todo: { link: LinkRow; invoice: Invoice; hash: string }[] = [];
  for (const invoice of invoices) {
    const link = invoice.invoiceID ? links.get(invoice.invoiceID.toLowerCase()) : undefined;
    if (!link) continue;
    const hash = invoiceHash(invoice);
    if (hash === link.lastPulledHash) {
      ctx.plan.push({ kind: KIND, clioId: link.clioId, label: `Invoice ${invoice.invoiceNumber}`, action: 'skip', reason: 'no change in Xero since the last sync' });
      continue;
    }
    todo.push({ link, invoice, hash });
  }
  if (todo.length === 0) return;
  const bills = new Map(
    (
      await readBills(
        ctx.clio,
        todo.map((t) => t.link.clioId),
      )
    ).map((b) => [String(b.id), b]),
  );
  for (const { link, invoice, hash } of todo) {
    const bill = bills.get(link.clioId);
    if (!bill) continue;
    // The link as settlePayments left it (it may have moved the payment state).
    const settled = { ...link, snapshot: await settlePayments(ctx, link, invoice, bill) };
    const snapshot = opts.edits && !ctx.dryRun && String(invoice.status) !== 'PAID' ? await applyXeroEdits(ctx, settled, invoice, bill) : settled.snapshot;
    if (!ctx.dryRun) await updateSnapshot(ctx.db, ctx.firmId, KIND, link.clioId, snapshot ?? {}, { lastPulledHash: hash });
  }
}

function draftView(ctx: SyncContext, bill: ClioBill, lines: ClioLineItem[], link: LinkRow, xeroTax: XeroTaxBook): InvoiceView | undefined {
  const mapped = billToInvoice({
    bill,
    lines,
    interest: [],
    accounts: ctx.settings,
    xeroTax,
    categoryAccountForLine: new Map(),
    approvedStatus: ctx.settings.invoiceStatus,
    clioBillUrl: clioBillUrl(ctx, bill.id),
  });
  return mapped.ok ? viewOfDraft(mapped.value, link.snapshot?.lines ?? {}) : undefined;
}

/**
 * The bookkeeper's edits to the bill, by a three-way comparison per field: base (what we last
 * pushed), Clio now, Xero now. A field Xero alone changed is written to Clio; one Clio alone
 * changed is left for Clio's push; one both changed differently holds the bill for an admin, and
 * then nothing is written on either side (`keep`, the admin's choice, settles those fields).
 * After writing, if the bill now maps to what Xero holds, its new version is stored as ours, so the
 * Clio webhook our write triggers sends nothing back; if Clio computed other amounts (or changed
 * other fields), its push corrects Xero. Returns the link's snapshot to store.
 */
export async function applyXeroEdits(ctx: SyncContext, link: LinkRow, invoice: Invoice, bill: ClioBill, keep?: 'clio' | 'xero'): Promise<LinkSnapshot | null> {
  const sameVersion = Boolean(link.clioEtag) && link.clioEtag === bill.etag;
  // A bill pushed before bases were kept and changed in Clio too: Clio's push follows, as it did.
  if (!sameVersion && !link.snapshot?.pushed) return link.snapshot;
  const lines = (await readBillDetails(ctx.clio, [bill], 'per_bill')).lines.get(bill.id) ?? [];
  const clioNow = draftView(ctx, bill, lines, link, await xeroTaxBook(ctx));
  if (!clioNow) return link.snapshot;
  const xero = viewOfInvoice(invoice);
  const three = invoiceConflicts(sameVersion ? clioNow : link.snapshot!.pushed!, clioNow, xero, keep);
  if (three.conflicts.length) {
    const conflict = { fields: three.conflicts, at: link.snapshot?.conflict?.at ?? new Date().toISOString() };
    const snapshot = { ...link.snapshot, conflict };
    // Seen again unchanged (another save in Xero, the sweep): nothing new to record.
    if (link.state !== 'conflict' || contentHash(link.snapshot?.conflict?.fields ?? []) !== contentHash(three.conflicts))
      await conflicted(ctx, KIND, { clioId: link.clioId, xeroId: link.xeroId, snapshot, detail: conflictWords(bill.number, bill.client?.name, three.conflicts) });
    return snapshot;
  }
  // Both sides now agree on what Xero holds, but for what Clio alone changed (its push follows).
  const agreed: LinkSnapshot = { ...link.snapshot, pushed: xero, ...(keep ? { conflict: undefined } : {}) };
  const byXeroId = new Map<string, ClioLineItem>();
  for (const l of lines) {
    const id = link.snapshot?.lines?.[`line:${l.id}`]?.lineItemId;
    if (id) byXeroId.set(id, l);
  }
  const edits = billEditsFrom(xero, three.base, byXeroId, bill.memo);
  if (!Object.keys(edits.bill).length && edits.lines.size === 0 && edits.refused.length === 0) return agreed;
  const refused = [...edits.refused];
  const written: string[] = [];
  try {
    if (Object.keys(edits.bill).length) {
      await patchBill(ctx.clio, bill.id, edits.bill, bill.etag);
      written.push(...Object.keys(edits.bill));
    }
    for (const [lineId, patch] of edits.lines) {
      const line = lines.find((l) => l.id === lineId)!;
      const after = await patchLineItem(ctx.clio, lineId, patch, line.etag);
      written.push(`line ${lineId}: ${Object.keys(patch).join(', ')}`);
      // Clio keeps a time entry's line quantity (the entry's duration decides it) without an error.
      if (patch.quantity !== undefined && Math.abs(after.quantity - patch.quantity) > 1e-6)
        refused.push(
          `The quantity of "${line.description ?? 'a line'}" was changed to ${patch.quantity} in Xero; Clio keeps ${after.quantity} for a line from a time entry or expense. Change the entry's duration or quantity in Clio.`,
        );
    }
  } catch (err) {
    if (!(err instanceof ClioApiError) || err.status >= 500 || err.status === 401 || err.status === 403 || err.status === 429) throw err;
    // 412: the bill changed in Clio meanwhile, and Clio owns it; anything else is Clio refusing the edit.
    refused.push(err.status === 412 ? 'The bill changed in Clio while the Xero edit was applied; Clio’s version is kept.' : `Clio refused the edit: ${err.message}`);
  }
  if (written.length)
    await appendLog(ctx.db, ctx.firmId, [
      { kind: KIND, clioId: link.clioId, xeroId: link.xeroId, action: 'update', reason: 'edited in Xero', detail: { written }, direction: 'xero_to_clio' },
    ]);
  if (refused.length)
    await reported(ctx, KIND, GROUP, { clioId: link.clioId, xeroId: link.xeroId, failure: { code: 'XERO_EDIT_NOT_APPLIED', detail: refused.join(' ') } });
  else await resolveFailures(ctx.db, ctx.firmId, GROUP, [link.clioId]);
  if (!written.length) return agreed;
  const [now] = await readBills(ctx.clio, [bill.id]);
  if (!now) return agreed;
  const nowLines = (await readBillDetails(ctx.clio, [now], 'per_bill')).lines.get(now.id) ?? [];
  const after = draftView(ctx, now, nowLines, link, await xeroTaxBook(ctx));
  if (after && contentHash(after) === contentHash(xero)) await updateSnapshot(ctx.db, ctx.firmId, KIND, link.clioId, agreed, { clioEtag: now.etag });
  return agreed;
}
