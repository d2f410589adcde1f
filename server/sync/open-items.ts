import { sql } from 'kysely';
import type { Database } from '../db/database';

/**
 * The only code that touches `open_items`: money that reached one side only and waits for a
 * person, keyed by the record it is about (`subject_id`). Two kinds: a payment made in Xero, which
 * Clio's public API cannot record, so the billing user records it in Clio by hand (the Status tab
 * lists it, a Clio task asks for it), keyed by the Xero payment; and a Clio payment's unapplied
 * credit, which is not in Xero, keyed by the Clio payment.
 */

export type OpenItemKind = 'xero_payment_to_record' | 'clio_credit_not_in_xero';

export interface OpenItem {
  id: string;
  kind: OpenItemKind;
  subjectId: string;
  clioBillId: string | null;
  amountCents: number;
  words: string;
  clioTaskId: string | null;
  taskClaimedAt: Date | null;
  openedAt: Date;
  closedAt: Date | null;
}

const COLUMNS = ['id', 'kind', 'subject_id', 'clio_bill_id', 'amount_cents', 'words', 'clio_task_id', 'task_claimed_at', 'opened_at', 'closed_at'] as const;

const toItem = (r: {
  id: string;
  kind: OpenItemKind;
  subject_id: string;
  clio_bill_id: string | null;
  amount_cents: number;
  words: string;
  clio_task_id: string | null;
  task_claimed_at: Date | null;
  opened_at: Date;
  closed_at: Date | null;
}): OpenItem => ({
  id: String(r.id),
  kind: r.kind,
  subjectId: r.subject_id,
  clioBillId: r.clio_bill_id,
  amountCents: r.amount_cents,
  words: r.words,
  clioTaskId: r.clio_task_id === null ? null : String(r.clio_task_id),
  taskClaimedAt: r.task_claimed_at,
  openedAt: r.opened_at,
  closedAt: r.closed_at,
});

/**
 * Opens the item once per record: a second sweep gets the row the first one opened (open or
 * closed). With `refresh`, an existing row takes the new words and amount and is open again (a
 * credit whose amount moved, or came back).
 */
export async function openItem(
  db: Database,
  firmId: string,
  item: { kind: OpenItemKind; subjectId: string; clioBillId: string | null; amountCents: number; words: string },
  opts: { refresh?: boolean } = {},
): Promise<OpenItem> {
  await db
    .insertInto('open_items')
    .values({ firm_id: firmId, kind: item.kind, subject_id: item.subjectId, clio_bill_id: item.clioBillId, amount_cents: item.amountCents, words: item.words })
    .onConflict((oc) => {
      const on = oc.columns(['firm_id', 'kind', 'subject_id']);
      return opts.refresh ? on.doUpdateSet({ words: item.words, amount_cents: item.amountCents, closed_at: null, close_reason: null }) : on.doNothing();
    })
    .execute();
  const row = await db
    .selectFrom('open_items')
    .select(COLUMNS)
    .where('firm_id', '=', firmId)
    .where('kind', '=', item.kind)
    .where('subject_id', '=', item.subjectId)
    .executeTakeFirstOrThrow();
  return toItem(row);
}

/** The open items of these bills, oldest first. */
export async function openItemsOfBills(db: Database, firmId: string, kind: OpenItemKind, clioBillIds: string[]): Promise<OpenItem[]> {
  if (clioBillIds.length === 0) return [];
  const rows = await db
    .selectFrom('open_items')
    .select(COLUMNS)
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('clio_bill_id', 'in', [...new Set(clioBillIds)])
    .where('closed_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map(toItem);
}

/** The firm's open items, for the Status tab, oldest first. */
export async function listOpenItems(db: Database, firmId: string, limit = 100): Promise<OpenItem[]> {
  const rows = await db.selectFrom('open_items').select(COLUMNS).where('firm_id', '=', firmId).where('closed_at', 'is', null).orderBy('id').limit(limit).execute();
  return rows.map(toItem);
}

/** The open item about this record, if there is one. */
export async function findOpenItem(db: Database, firmId: string, kind: OpenItemKind, subjectId: string): Promise<OpenItem | undefined> {
  const row = await db
    .selectFrom('open_items')
    .select(COLUMNS)
    .where('firm_id', '=', firmId)
    .where('kind', '=', kind)
    .where('subject_id', '=', subjectId)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return row && toItem(row);
}

/** Committed before the task is created in Clio: a claim with no task id tells the next attempt to look first. */
export async function claimTask(db: Database, firmId: string, id: string): Promise<void> {
  await db
    .updateTable('open_items')
    .set({ task_claimed_at: sql`now()` })
    .where('firm_id', '=', firmId)
    .where('id', '=', id)
    .execute();
}

export async function setTask(db: Database, firmId: string, id: string, taskId: string): Promise<void> {
  await db.updateTable('open_items').set({ clio_task_id: taskId }).where('firm_id', '=', firmId).where('id', '=', id).execute();
}

export async function closeItem(db: Database, firmId: string, id: string, reason: string): Promise<void> {
  await db
    .updateTable('open_items')
    .set({ closed_at: sql`now()`, close_reason: reason })
    .where('firm_id', '=', firmId)
    .where('id', '=', id)
    .where('closed_at', 'is', null)
    .execute();
}
