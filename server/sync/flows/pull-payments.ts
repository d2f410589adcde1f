import type { Invoice } from 'xero-node';
import { ClioApiError } from '../../clio/errors';
import { readBills } from '../clio-reader';
import { patchBill } from '../clio-writer';
import type { SyncContext } from '../context';
import { type LinkRow, type LinkSnapshot, updateSnapshot } from '../links';
import { resolveFailures } from '../failure-groups';
import { appendLog } from '../history';
import type { ClioBill } from '../mapping/clio-records';
import { fromCents, toCents } from '../mapping/money';
import { xeroDay } from '../mapping/xero-invoices';
import { reported } from '../outcome';
import type { XeroPaymentState } from '../../api-contract';

const KIND = 'bill' as const;
/** Payment problems are grouped apart from the bill's push, so a later push does not clear them. */
const GROUP = 'payment';

/**
 * Payments recorded in Xero (Xero owns them). Clio's API has no way to record a payment; its
 * OpenAPI lists `paid` among the states a bill PATCH takes, so a fully paid invoice moves the bill
 * to paid. Where Clio refuses, the error says exactly what to record by hand. A part payment is
 * shown on the record; a payment removed in Xero after we marked the bill paid is reported, never
 * undone by guess. Each state is acted on once: the link remembers what Xero's payments last were.
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
  if ((prev?.state ?? 'unpaid') === state && (prev?.paidCents ?? 0) === paidCents) return unchanged;
  const label = `Bill ${bill.number}`;
  const payments = (invoice.payments ?? []).map((p) => ({ paymentId: p.paymentID, date: xeroDay(p.date), amount: p.amount, reference: p.reference ?? null }));
  const detail = { status, amountPaid: fromCents(paidCents), amountDue: fromCents(dueCents), payments };
  const log = (action: 'update' | 'skip', reason: string) =>
    appendLog(ctx.db, ctx.firmId, [{ kind: KIND, clioId: link.clioId, xeroId: link.xeroId, action, reason, detail, direction: 'xero_to_clio' }]);
  let markedPaidInClio = prev?.markedPaidInClio ?? false;
  let clioEtag: string | undefined;
  ctx.plan.push({
    kind: KIND,
    clioId: link.clioId,
    label,
    action: state === 'paid' && bill.state !== 'paid' ? 'update' : 'skip',
    reason: `${state.replace('_', ' ')} in Xero`,
  });
  if (ctx.dryRun) return unchanged;

  if (state === 'paid') {
    if (bill.state === 'paid') await log('skip', 'paid in Xero; already paid in Clio');
    else if (toCents(invoice.total ?? 0) !== toCents(bill.total)) {
      await reported(ctx, KIND, GROUP, {
        clioId: link.clioId,
        xeroId: link.xeroId,
        failure: {
          code: 'CLIO_PAYMENT_NOT_RECORDED',
          detail: `${label} was paid in full in Xero (${fromCents(paidCents).toFixed(2)}), but the bill's total in Clio is now ${bill.total.toFixed(2)}: it was not marked paid. ${byHand(payments)}`,
        },
        detail,
      });
    } else {
      const result = await markPaid(ctx, bill);
      if (result.ok) {
        markedPaidInClio = true;
        clioEtag = result.etag;
        await log('update', 'paid in Xero: bill marked paid in Clio');
        await resolveFailures(ctx.db, ctx.firmId, GROUP, [link.clioId]);
      } else
        await reported(ctx, KIND, GROUP, {
          clioId: link.clioId,
          xeroId: link.xeroId,
          failure: {
            code: 'CLIO_PAYMENT_NOT_RECORDED',
            detail: `${label} was paid in full in Xero; Clio refused to mark it paid (${result.message}). ${byHand(payments)}`,
          },
          detail,
        });
    }
  } else if (prev?.state === 'paid' && markedPaidInClio) {
    await reported(ctx, KIND, GROUP, {
      clioId: link.clioId,
      xeroId: link.xeroId,
      failure: {
        code: 'XERO_PAYMENT_REMOVED',
        detail: `${label}: a payment was removed in Xero after the bill was marked paid in Clio; Xero now shows ${fromCents(paidCents).toFixed(2)} paid and ${fromCents(dueCents).toFixed(2)} due. The Clio bill was left as it is.`,
      },
      detail,
    });
  } else if (state === 'part_paid') await log('skip', 'part paid in Xero');
  else await log('skip', 'payments removed in Xero');

  const snapshot = { ...link.snapshot, xeroPayment: { state, paidCents, dueCents, markedPaidInClio } };
  await updateSnapshot(ctx.db, ctx.firmId, KIND, link.clioId, snapshot, clioEtag ? { clioEtag } : {});
  return snapshot;
}

/** Exactly what to record in Clio by hand, from Xero's payments. */
function byHand(payments: { date: string | null; amount?: number; reference: string | null }[]): string {
  const each = payments.map((p) => `${(p.amount ?? 0).toFixed(2)} on ${p.date ?? 'the payment date'}${p.reference ? ` (reference "${p.reference}")` : ''}`);
  return `Record in Clio, on this bill: ${each.length ? `a payment of ${each.join('; and a payment of ')}` : 'the payments shown in Xero'}, to the bank account chosen for Xero payments in the sync settings.`;
}

/** PATCH state paid with If-Match; a 412 (the bill changed since we read it) re-reads once. */
async function markPaid(ctx: SyncContext, bill: ClioBill): Promise<{ ok: true; etag: string } | { ok: false; message: string }> {
  let current = bill;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const written = await patchBill(ctx.clio, current.id, { state: 'paid' }, current.etag);
      return { ok: true, etag: written.etag };
    } catch (err) {
      if (!(err instanceof ClioApiError) || err.status >= 500 || err.status === 401 || err.status === 403 || err.status === 429) throw err;
      if (err.status === 412 && attempt === 0) {
        const [again] = await readBills(ctx.clio, [bill.id]);
        if (!again) return { ok: false, message: 'the bill is gone' };
        if (again.state === 'paid') return { ok: true, etag: again.etag };
        current = again;
        continue;
      }
      return { ok: false, message: err.message };
    }
  }
  return { ok: false, message: 'the bill kept changing' };
}
