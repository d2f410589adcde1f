import { readBills } from '../clio-reader';
import type { SyncContext } from '../context';
import { getLinks, updateSnapshot } from '../links';
import { invoiceHash } from '../mapping/xero-invoices';
import { getInvoicesById } from '../xero-writer';
import { applyXeroEdits } from './pull-invoices';
import { pushBills } from './push-bills';

/**
 * An admin's choice for a bill in conflict. Both sides are read again and compared with the chosen
 * side winning the conflicting fields: Xero's edits (all of them, keeping Xero) are written to
 * Clio, then Clio's bill is pushed to Xero (keeping Clio, its values replace Xero's), which brings
 * the link back to synced and resolves the conflict's group. False when it is not (or no longer) in conflict.
 */
export async function resolveBillConflict(ctx: SyncContext, clioId: string, keep: 'clio' | 'xero'): Promise<boolean> {
  const link = (await getLinks(ctx.db, ctx.firmId, 'bill', [clioId])).get(clioId);
  if (!link || link.state !== 'conflict' || !link.xeroId) return false;
  const [invoice] = await getInvoicesById(ctx.xero, [link.xeroId]);
  const [bill] = await readBills(ctx.clio, [clioId]);
  if (!invoice || !bill) return false;
  const snapshot = await applyXeroEdits(ctx, link, invoice, bill, keep);
  // What Xero holds is now in hand: the push that follows overwrites it rather than reading it again.
  await updateSnapshot(ctx.db, ctx.firmId, 'bill', clioId, snapshot ?? {}, { lastPulledHash: invoiceHash(invoice) });
  const [now] = await readBills(ctx.clio, [clioId]);
  if (now) await pushBills(ctx, [now], { chosen: true });
  return true;
}
