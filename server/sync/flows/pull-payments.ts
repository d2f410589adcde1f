import type { Invoice } from 'xero-node';
import type { SyncContext } from '../context';
import { type LinkRow, type LinkSnapshot, updateSnapshot } from '../links';
import { resolveFailures } from '../failure-groups';
import { appendLog } from '../history';
import type { ClioBill } from '../mapping/clio-records';
import { fromCents, toCents } from '../mapping/money';
import { xeroDay } from '../mapping/xero-invoices';
import { reported } from '../outcome';
import type { XeroPaymentState } from '../../api-contract';
import { askToRecord, itemsWithoutTask, paymentsMadeInXero } from './xero-payments-to-record';

const KIND = 'bill' as const;
/** Payment problems are grouped apart from the bill's push, so a later push does not clear them. */
const GROUP = 'payment';

/**
 * Payments recorded in Xero (Xero owns them). Clio's public API records no payments, and no public
 * source documents moving a bill to paid by PATCH (Clio's help: a bill becomes paid by recording a
 * payment), so the bill is never marked paid: each payment made in Xero, part or full, becomes an
 * open item and a Clio task asking the billing user to record it (xero-payments-to-record.ts). A
 * payment removed in Xero after an earlier version marked the bill paid is reported, never undone
 * by guess. Each state is acted on once: the link remembers what Xero's payments last were.
 * Returns the link's snapshot as it now stands (stored here when the payment state moved).
 */
export async function settlePayments(ctx: SyncContext, link: LinkRow, invoice: Invoice, bill: ClioBill): Promise<LinkSnapshot> {
  const paidCents = toCents(invoice.amountPaid ?? 0);
  const dueCents = toCents(invoice.amountDue ?? 0);
  const status = String(invoice.status);
  const unchanged = link.snapshot ?? {};
  if (status === 'VOIDED' || status === 'DELETED') return unchanged;
  const state: XeroPaymentState['state'] = status === 'PAID' ? 'paid' : paidCents > 0 ? 'part_paid' : 'unpaid';
  const prev = link.snapshot?.xeroPayment;
  // A task Clio refused (or a create cut short) is tried again on the next look, the state unchanged.
  if ((prev?.state ?? 'unpaid') === state && (prev?.paidCents ?? 0) === paidCents && !(await itemsWithoutTask(ctx, link.clioId))) return unchanged;
  const label = `Bill ${bill.number}`;
  const payments = (invoice.payments ?? []).map((p) => ({ paymentId: p.paymentID, date: xeroDay(p.date), amount: p.amount, reference: p.reference ?? null }));
  const detail = { status, amountPaid: fromCents(paidCents), amountDue: fromCents(dueCents), payments };
  const fromXero = await paymentsMadeInXero(ctx, invoice);
  ctx.plan.push({
    kind: KIND,
    clioId: link.clioId,
    label,
    action: fromXero.length ? 'update' : 'skip',
    reason: fromXero.length ? `${state.replace('_', ' ')} in Xero: a Clio task asks to record it` : `${state.replace('_', ' ')} in Xero`,
  });
  if (ctx.dryRun) return unchanged;

  await askToRecord(ctx, link, invoice, bill, fromXero);
  const markedPaidInClio = prev?.markedPaidInClio ?? false;
  if (state !== 'paid' && prev?.state === 'paid' && markedPaidInClio) {
    await reported(ctx, KIND, GROUP, {
      clioId: link.clioId,
      xeroId: link.xeroId,
      failure: {
        code: 'XERO_PAYMENT_REMOVED',
        detail: `${label}: a payment was removed in Xero after the bill was marked paid in Clio; Xero now shows ${fromCents(paidCents).toFixed(2)} paid and ${fromCents(dueCents).toFixed(2)} due. The Clio bill was left as it is.`,
      },
      detail,
    });
  } else {
    const reason = state === 'paid' ? 'paid in Xero' : state === 'part_paid' ? 'part paid in Xero' : 'payments removed in Xero';
    await appendLog(ctx.db, ctx.firmId, [{ kind: KIND, clioId: link.clioId, xeroId: link.xeroId, action: 'skip', reason, detail, direction: 'xero_to_clio' }]);
  }

  const snapshot = { ...link.snapshot, xeroPayment: { state, paidCents, dueCents, markedPaidInClio } };
  await updateSnapshot(ctx.db, ctx.firmId, KIND, link.clioId, snapshot);
  return snapshot;
}
