import type { SyncRecordKind } from '../../domain/kinds';
import type { SyncContext } from '../context';
import { isUnapproved } from './invoice-approvals';
import { pushPayments } from './push-payments';
import { readPaymentAllocations } from '../clio-reader';
import { getLinksByXeroIds, pendingChildren } from '../links';
import { isEchoOfOurWrite, pullContactsById } from './pull-contacts';
import { pullInvoices, pullListedInvoices } from './pull-invoices';
import { paymentInvoiceIds, xeroInvoicePagesSince, xeroPaymentPagesSince } from '../xero-reader';
import { listXeroSinceCursor } from './xero-listing';

/** What a Xero webhook names, to its flow. Credit notes are created from Clio only; their Xero edits are not synced back. */
export async function pullFromXero(ctx: SyncContext, kind: SyncRecordKind<'xero'>, ids: string[], changedAt: Record<string, string> = {}): Promise<void> {
  switch (kind) {
    case 'contact':
      await pullContactsById(ctx, ids, changedAt);
      break;
    case 'invoice':
      await followInvoiceApprovals(ctx, ids, changedAt);
      await pullInvoices(ctx, ids, { edits: true });
      break;
    case 'payment':
      await pullInvoices(ctx, await paymentInvoiceIds(ctx.xero, ids), { edits: false });
      break;
    case 'credit_note':
      ctx.logger.debug({ kind }, 'credit notes are owned by Clio');
      break;
    default: {
      const unknownKind: never = kind;
      throw new Error(`no Xero flow for ${String(unknownKind)}`);
    }
  }
}

/**
 * Payments recorded in Xero since the cursor, for the sweep: Xero sends no payment webhooks (and an
 * INVOICE webhook may be lost), so this listing is how they are found: the invoices they were paid
 * on are pulled (one Xero call when nothing changed). The first listing only sets the cursor.
 */
export async function sweepXeroPayments(ctx: SyncContext): Promise<void> {
  await listXeroSinceCursor(
    ctx,
    'payments',
    (since) => xeroPaymentPagesSince(ctx.xero, since),
    async (page) => {
      const invoiceIds = [...new Set(page.flatMap((p) => (p.invoice?.invoiceID ? [p.invoice.invoiceID] : [])))];
      if (invoiceIds.length) await pullInvoices(ctx, invoiceIds, { edits: false });
    },
  );
}

/**
 * Sales invoices changed in Xero since the cursor, for the sweep: the net behind a lost INVOICE
 * webhook, so a bookkeeper's edit still comes back. The first listing only sets the cursor.
 */
export async function sweepXeroInvoices(ctx: SyncContext): Promise<void> {
  await listXeroSinceCursor(
    ctx,
    'invoices',
    (since) => xeroInvoicePagesSince(ctx.xero, since),
    (page) => pullListedInvoices(ctx, page, { edits: true }),
  );
}

/**
 * An INVOICE webhook for an invoice we sent as a draft may be the bookkeeper approving it: the
 * payments waiting on its bill are sent now (pushPayments looks at the invoice again first) rather
 * than on the next sweep. The echo of our own write (dated before it was stored) costs nothing.
 */
async function followInvoiceApprovals(ctx: SyncContext, xeroIds: string[], changedAt: Record<string, string>): Promise<void> {
  const at = new Map(Object.entries(changedAt).map(([id, time]) => [id.toLowerCase(), time]));
  const bills = [...(await getLinksByXeroIds(ctx.db, ctx.firmId, 'bill', xeroIds)).values()].filter(
    (l) => isUnapproved(l.snapshot?.status) && !isEchoOfOurWrite(at.get(l.xeroId!.toLowerCase()), l),
  );
  const waiting = await pendingChildren(
    ctx.db,
    ctx.firmId,
    'payment_allocation',
    bills.map((l) => l.clioId),
  );
  if (waiting.length) await pushPayments(ctx, await readPaymentAllocations(ctx.clio, { ids: waiting }));
}
