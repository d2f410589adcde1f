import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SyncRecordKind } from '../domain/kinds';
import type { Database } from '../db/database';
import type { VerifiedChange } from '../domain/changes';
import { firmIdsForTenants } from './connections-repository';
import type { XeroDeps } from './deps';

/** Xero's ITR body breaks its own schema (sequence 0), so only what we use is required. */
export const xeroWebhookBody = z.object({
  events: z.array(
    z.object({
      resourceId: z.string().min(1),
      eventDateUtc: z.string().min(1),
      eventType: z.string().min(1),
      eventCategory: z.string().min(1),
      tenantId: z.string().min(1),
    }),
  ),
});
export type XeroWebhookEvent = z.infer<typeof xeroWebhookBody>['events'][number];

/** Xero's webhook categories and the `sync_records` kinds they name (payments send no webhooks). */
const KIND_BY_CATEGORY: Partial<Record<string, SyncRecordKind<'xero'>>> = {
  CONTACT: 'contact',
  INVOICE: 'invoice',
  CREDITNOTE: 'credit_note',
};

/** Xero delivers at least once; the same change redelivered has the same key. */
export function eventKey(e: XeroWebhookEvent): string {
  return createHash('sha256').update([e.tenantId.toLowerCase(), e.resourceId.toLowerCase(), e.eventDateUtc, e.eventCategory, e.eventType].join('\n')).digest('hex');
}

/**
 * The events of connected firms, as changes to sync (sync/ingest.ts records and queues them). No
 * Xero call here: the 5-second answer budget belongs to Xero, the work to the job. Events of firms
 * that uninstalled the add-on, and of categories we do not sync, are counted as ignored.
 */
export async function verifiedXeroChanges(deps: Pick<XeroDeps, 'db'>, events: XeroWebhookEvent[]): Promise<{ changes: VerifiedChange[]; ignored: number }> {
  const relevant = events.filter((e) => KIND_BY_CATEGORY[e.eventCategory]);
  const firms = await firmIdsForTenants(deps.db, [...new Set(relevant.map((e) => e.tenantId))]);
  const changes = new Map<string, VerifiedChange>();
  for (const e of relevant) {
    const firmId = firms.get(e.tenantId.toLowerCase());
    if (!firmId) continue;
    const key = eventKey(e);
    changes.set(key, { source: 'xero', firmId, kind: KIND_BY_CATEGORY[e.eventCategory]!, id: e.resourceId, receipt: { eventKey: key }, changedAt: e.eventDateUtc });
  }
  return { changes: [...changes.values()], ignored: events.length - changes.size };
}

/** Stores the event keys not seen before (Xero delivers at least once) and returns them. */
export async function recordXeroEvents(db: Database, rows: { eventKey: string; firmId: string }[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await db
    .insertInto('xero_webhook_events')
    .values(rows.map((r) => ({ event_key: r.eventKey, firm_id: r.firmId })))
    .onConflict((oc) => oc.column('event_key').doNothing())
    .returning('event_key')
    .execute();
  return new Set(inserted.map((r) => r.event_key));
}

/** When the firm's last Xero webhook event came in (kept as long as the dedupe keys are, a week). */
export async function lastXeroWebhookAt(db: Pick<XeroDeps, 'db'>['db'], firmId: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('xero_webhook_events')
    .select((eb) => eb.fn.max('received_at').as('at'))
    .where('firm_id', '=', firmId)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : undefined;
}
