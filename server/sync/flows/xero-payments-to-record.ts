import type { Invoice } from 'xero-node';
import { ClioApiError } from '../../clio/errors';
import { bankAccountName, billingUserId, completeTask, createTask, findTask } from '../clio-tasks';
import type { SyncContext } from '../context';
import { linkedXeroIds, type LinkRow } from '../links';
import { resolveFailures } from '../failure-groups';
import { appendLog } from '../history';
import type { ClioBill } from '../mapping/clio-records';
import { toCents } from '../mapping/money';
import { xeroPaymentToRecordWords } from '../mapping/open-item-words';
import { xeroDay } from '../mapping/xero-invoices';
import { claimTask, closeItem, type OpenItem, openItem, openItemsOfBills, setTask } from '../open-items';
import { reported } from '../outcome';

/**
 * Payments made in Xero reach Clio only by hand: Clio's public API records no payments (a bill
 * becomes paid in Clio by recording one). Each such payment is an open item on the Status tab and
 * a Clio task for the firm's billing user, in the same words, opened once per Xero payment. It
 * closes, and its task is completed, when the payment is recorded in Clio — a Clio payment of the
 * same amount on the bill, which push-payments then links to the Xero payment instead of sending
 * it again — or when the payment is removed in Xero (nothing left to record).
 */

export const OPEN_ITEM_KIND = 'xero_payment_to_record' as const;
/** Payment problems are grouped apart from the bill's push, so a later push does not clear them. */
const GROUP = 'payment';

export interface XeroMadePayment {
  paymentId: string;
  amountCents: number;
  date: string;
  reference: string | null;
}

/** The marker in the task's description that finds it again after an interrupted create. */
const taskMarker = (paymentId: string) => `Xero payment ${paymentId}`;
/** The Reference push-payments gives a payment it sends (mapping/payments.ts paymentReference). */
const ourReference = /^Clio payment \d+$/;

/**
 * The invoice's payments that were made in Xero: not one the sync sent from Clio (linked, or — a
 * create whose link a crash lost — carrying our Reference).
 */
export async function paymentsMadeInXero(ctx: SyncContext, invoice: Invoice): Promise<XeroMadePayment[]> {
  const live = (invoice.payments ?? []).filter((p) => p.paymentID && String(p.status ?? 'AUTHORISED') !== 'DELETED');
  const ours = await linkedXeroIds(
    ctx.db,
    ctx.firmId,
    'payment_allocation',
    live.map((p) => p.paymentID!),
  );
  return live
    .filter((p) => !ours.has(p.paymentID!) && !ourReference.test(p.reference ?? ''))
    .map((p) => ({ paymentId: p.paymentID!, amountCents: toCents(p.amount ?? 0), date: xeroDay(p.date) ?? '', reference: p.reference ?? null }));
}

/** Items of the bill still waiting for their Clio task (a refused or interrupted create). */
export async function itemsWithoutTask(ctx: SyncContext, billId: string): Promise<boolean> {
  return (await openItemsOfBills(ctx.db, ctx.firmId, OPEN_ITEM_KIND, [billId])).some((i) => !i.clioTaskId);
}

/**
 * Opens an item (once) for each payment made in Xero, with its Clio task, and closes the items of
 * payments no longer in Xero.
 */
export async function askToRecord(ctx: SyncContext, link: LinkRow, invoice: Invoice, bill: ClioBill, payments: XeroMadePayment[]): Promise<void> {
  const live = new Set((invoice.payments ?? []).map((p) => p.paymentID));
  for (const item of await openItemsOfBills(ctx.db, ctx.firmId, OPEN_ITEM_KIND, [link.clioId])) {
    if (!live.has(item.subjectId)) await closeRecorded(ctx, item, 'payment removed in Xero: nothing to record');
  }
  // Clio's balance already at or below what Xero says is due: what Xero received is in Clio (a bill
  // linked at the first sync, paid long ago on both sides), and there is nothing to ask for.
  if (payments.length === 0 || (typeof bill.balance === 'number' && toCents(bill.balance) <= toCents(invoice.amountDue ?? 0))) return;
  const account = ctx.settings.clioPaymentBankAccountId ? await cached(ctx, 'account', () => bankAccountName(ctx.clio, ctx.settings.clioPaymentBankAccountId!)) : null;
  for (const p of payments) {
    const words = xeroPaymentToRecordWords({
      amountCents: p.amountCents,
      currencyCode: invoice.currencyCode ? String(invoice.currencyCode) : bill.currency?.code,
      date: p.date,
      billNumber: bill.number,
      clientName: invoice.contact?.name ?? 'the client',
      clioBankAccountName: account,
    });
    const item = await openItem(ctx.db, ctx.firmId, { kind: OPEN_ITEM_KIND, subjectId: p.paymentId, clioBillId: link.clioId, amountCents: p.amountCents, words });
    if (item.closedAt || item.clioTaskId) continue;
    await ensureTask(ctx, item, bill, p, link);
  }
}

async function ensureTask(ctx: SyncContext, item: OpenItem, bill: ClioBill, p: XeroMadePayment, link: LinkRow): Promise<void> {
  const marker = taskMarker(p.paymentId);
  let taskId = item.taskClaimedAt ? await findTask(ctx.clio, marker) : undefined;
  if (!taskId) {
    await claimTask(ctx.db, ctx.firmId, item.id);
    try {
      taskId = await createTask(ctx.clio, {
        name: item.words,
        description: `${item.words}.\nRecord it on bill ${bill.number} as one payment of the amount named, dated as named${p.reference ? `, reference "${p.reference}"` : ''}: the sync then links it to the payment in Xero and closes this task.\n(${marker})`,
        assigneeId: await cached(ctx, 'user', () => billingUserId(ctx.clio)),
        matterId: bill.matters?.[0]?.id ?? null,
        dueAt: ctx.startedAt.toISOString(),
      });
    } catch (err) {
      if (!(err instanceof ClioApiError) || err.status >= 500 || err.status === 401 || err.status === 403 || err.status === 429) throw err;
      await reported(ctx, 'bill', GROUP, {
        clioId: link.clioId,
        xeroId: link.xeroId,
        failure: { code: 'CLIO_PAYMENT_NOT_RECORDED', detail: `${item.words}. Clio refused the task asking for it (${err.message}).` },
      });
      return;
    }
  }
  await setTask(ctx.db, ctx.firmId, item.id, String(taskId));
  await appendLog(ctx.db, ctx.firmId, [
    {
      kind: 'bill',
      clioId: link.clioId,
      xeroId: p.paymentId,
      action: 'create',
      reason: 'Clio task: record the payment made in Xero',
      detail: { words: item.words, taskId },
      direction: 'xero_to_clio',
    },
  ]);
  await resolveFailures(ctx.db, ctx.firmId, GROUP, [link.clioId]);
}

/** Completes the item's Clio task, does what must be stored before the item closes (`first`), and closes it. */
export async function closeRecorded(ctx: SyncContext, item: OpenItem, reason: string, first?: () => Promise<void>): Promise<void> {
  if (item.clioTaskId) await completeTask(ctx.clio, item.clioTaskId);
  await first?.();
  await closeItem(ctx.db, ctx.firmId, item.id, reason);
  await appendLog(ctx.db, ctx.firmId, [
    {
      kind: 'bill',
      clioId: item.clioBillId,
      xeroId: item.subjectId,
      action: 'update',
      reason: `open item closed: ${reason}`,
      detail: { words: item.words, taskId: item.clioTaskId },
      direction: 'xero_to_clio',
    },
  ]);
}

/** Once a run: the billing user and the bank account's name cost a Clio call each, not one per payment. */
const runCache = new WeakMap<SyncContext, Map<string, Promise<unknown>>>();
function cached<T>(ctx: SyncContext, key: string, load: () => Promise<T>): Promise<T> {
  const map = runCache.get(ctx) ?? runCache.set(ctx, new Map()).get(ctx)!;
  if (!map.has(key)) map.set(key, load());
  return map.get(key) as Promise<T>;
}
