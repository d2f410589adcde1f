import { type ClioPaymentShare, readAllocationsOfPayments, readOperatingDeposits } from '../clio-reader';
import type { ClioDeposit } from '../mapping/clio-records';
import type { SyncContext } from '../context';
import { recordFailureGroup, resolveFailures } from '../failure-groups';
import { appendLog } from '../history';
import { toCents } from '../mapping/money';
import { unappliedCents, unappliedCreditWords } from '../mapping/unapplied-credit';
import { closeItem, findOpenItem, openItem } from '../open-items';

/** The failure group's kind: its records are Clio payments (not allocations). */
const GROUP = 'payment_credit';
const ITEM = 'clio_credit_not_in_xero' as const;

/** More payments than this in one push are checked from two firm-wide listings (a backfill), not two reads each. */
const BULK_FROM = 10;

/**
 * Payments whose money just moved in Clio (an allocation created, changed or voided): each one
 * larger than its live allocations is the named error CLIO_OVERPAYMENT_NOT_IN_XERO, saying exactly
 * what to enter in Xero by hand, and an open item on the Status tab in those words; one whose
 * credit has since been applied leaves the group and its item closes. Only when money moved: two
 * Clio reads a payment (its allocations, its client's deposits), or for many payments (a backfill)
 * every payment allocation and every operating deposit, listed once a run.
 */
export async function reportUnappliedCredit(ctx: SyncContext, paymentIds: number[]): Promise<void> {
  if (ctx.dryRun) return;
  const ids = [...new Set(paymentIds)];
  const firmWide = ids.length >= BULK_FROM ? await listedOnce(ctx) : undefined;
  for (const id of ids) {
    const allocations = firmWide ? (firmWide.byPayment.get(id) ?? []) : await readAllocationsOfPayments(ctx.clio, id);
    const client = allocations.find((a) => a.contact?.id)?.contact;
    if (!client) continue;
    const found = unappliedCents(firmWide?.deposits ?? (await readOperatingDeposits(ctx.clio, client.id)), allocations);
    // No deposit names the payment: nothing certain to report.
    if (!found) continue;
    if (found.cents <= 0) {
      await resolveFailures(ctx.db, ctx.firmId, GROUP, [String(id)]);
      const item = await findOpenItem(ctx.db, ctx.firmId, ITEM, String(id));
      if (item) await closeItem(ctx.db, ctx.firmId, item.id, 'the credit was applied in Clio');
      continue;
    }
    const detail = unappliedCreditWords({
      receivedCents: toCents(found.deposit.funds_in),
      creditCents: found.cents,
      currencyCode: found.deposit.currency,
      date: found.deposit.date,
      clientName: client.name ?? 'the client',
      xeroBankAccountCode: ctx.settings.paymentBankAccountCode,
    });
    ctx.logger.info({ firmId: ctx.firmId, paymentId: id, code: 'CLIO_OVERPAYMENT_NOT_IN_XERO' }, 'unapplied credit reported');
    await appendLog(ctx.db, ctx.firmId, [{ kind: GROUP, clioId: String(id), xeroId: null, action: 'fail', reason: 'CLIO_OVERPAYMENT_NOT_IN_XERO', detail: { detail } }]);
    await recordFailureGroup(ctx.db, ctx.firmId, GROUP, String(id), { code: 'CLIO_OVERPAYMENT_NOT_IN_XERO', detail });
    await openItem(ctx.db, ctx.firmId, { kind: ITEM, subjectId: String(id), clioBillId: null, amountCents: found.cents, words: detail }, { refresh: true });
  }
}

interface FirmWide {
  byPayment: Map<number, ClioPaymentShare[]>;
  deposits: ClioDeposit[];
}

/** The firm-wide listings, read once a run (a backfill pushes its payments a chunk at a time). */
const runListings = new WeakMap<SyncContext, Promise<FirmWide>>();
function listedOnce(ctx: SyncContext): Promise<FirmWide> {
  const cached = runListings.get(ctx);
  if (cached) return cached;
  const loading = (async () => {
    const byPayment = new Map<number, ClioPaymentShare[]>();
    for (const a of await readAllocationsOfPayments(ctx.clio)) {
      if (a.parent?.type === 'Payment') byPayment.set(a.parent.id, [...(byPayment.get(a.parent.id) ?? []), a]);
    }
    return { byPayment, deposits: await readOperatingDeposits(ctx.clio) };
  })();
  runListings.set(ctx, loading);
  return loading;
}
