import type { SyncContext } from '../context';
import { type LinkRow, updateSnapshot } from '../links';
import { getInvoicesById } from '../xero-writer';

const UNAPPROVED = ['DRAFT', 'SUBMITTED'];
/** An invoice Xero takes no payment or credit allocation on yet. */
export const isUnapproved = (status: string | undefined) => UNAPPROVED.includes(status ?? '');

/**
 * Xero takes payments and credit allocations on approved invoices only, so those on a bill whose
 * invoice we sent as a draft wait. With "create invoices as drafts" chosen the bookkeeper
 * approves them in Xero, which nothing tells us of when "sync bill updates from Xero" is off: so
 * before anything waits on a draft, the invoice is looked at again (one Xero call per 50), and the
 * status Xero now has is stored on the bill's link. `billLinks` (by Clio bill id) is updated in
 * place; `only` limits the look to the bills that hold something still to send.
 */
export async function refreshUnapprovedInvoices(ctx: SyncContext, billLinks: Map<string, LinkRow>, only?: Set<string>): Promise<void> {
  // An invoice this run wrote itself (a first sync sending bills, then their payments), or has
  // looked at already, is as the run knows it: looking again would cost a call per 50 for nothing.
  const checked = (ctx.draftsChecked ??= new Set());
  const drafts = [...billLinks.values()].filter(
    (l) =>
      l.xeroId && isUnapproved(l.snapshot?.status) && (!only || only.has(l.clioId)) && !checked.has(l.clioId) && !(l.lastSyncedAt && l.lastSyncedAt >= ctx.startedAt),
  );
  if (drafts.length === 0) return;
  for (const l of drafts) checked.add(l.clioId);
  const invoices = await getInvoicesById(
    ctx.xero,
    drafts.map((l) => l.xeroId!),
  );
  for (const link of drafts) {
    const status = invoices.find((i) => i.invoiceID?.toLowerCase() === link.xeroId!.toLowerCase())?.status;
    if (status === undefined || String(status) === link.snapshot?.status) continue;
    const snapshot = { ...link.snapshot, status: String(status) };
    if (!ctx.dryRun) await updateSnapshot(ctx.db, ctx.firmId, 'bill', link.clioId, snapshot);
    billLinks.set(link.clioId, { ...link, snapshot });
  }
}

/**
 * Why a payment or credit on this bill waits, in words the Status tab can show: the invoice it
 * waits on by its number, so the bookkeeper knows which one to approve.
 */
export function waitsForInvoice(billId: string, billLink: LinkRow | undefined): string {
  if (!billLink?.xeroId) return `waits until bill ${billId} reaches Xero`;
  return `waits until invoice ${billLink.xeroNumber ?? billId} is approved in Xero`;
}
