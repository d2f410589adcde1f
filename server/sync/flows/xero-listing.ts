import type { SyncContext } from '../context';
import { advanceCursor, getCursor } from '../cursors';
import { newestXeroStamp } from '../xero-reader';

/** Where a Xero cursor starts when the organisation holds nothing of that kind yet. */
const EPOCH = new Date(0);

/**
 * One Xero listing of the sweep: what changed since the kind's cursor, page by page, then the
 * cursor moves to the newest change handled. The first listing only sets the cursor at the newest
 * change Xero holds: the history before the connection is not read (the push and the webhooks
 * cover it).
 */
export async function listXeroSinceCursor<T extends { updatedDateUTC?: Date }>(
  ctx: SyncContext,
  kind: 'contacts' | 'invoices' | 'payments',
  pagesSince: (since: Date) => AsyncGenerator<T[]>,
  handle: (page: T[]) => Promise<void>,
): Promise<void> {
  const cursor = await getCursor(ctx.db, ctx.firmId, 'xero', kind);
  if (!cursor) {
    const newest = await newestXeroStamp(ctx.xero, kind);
    if (!ctx.dryRun) await advanceCursor(ctx.db, ctx.firmId, 'xero', kind, (newest ?? EPOCH).toISOString());
    return;
  }
  let newest = cursor;
  for await (const page of pagesSince(new Date(cursor))) {
    await handle(page);
    for (const r of page) if (r.updatedDateUTC && r.updatedDateUTC.toISOString() > newest) newest = r.updatedDateUTC.toISOString();
  }
  if (newest > cursor && !ctx.dryRun) await advanceCursor(ctx.db, ctx.firmId, 'xero', kind, newest);
}
