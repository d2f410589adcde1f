import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SyncRecordKind } from '../domain/kinds';
import { enqueueSyncRecords } from '../jobs/enqueue';
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
 * Records each new event and queues one record-sync job per firm and kind. No Xero call here:
 * the 5-second answer budget belongs to Xero, the work to the job. The dedupe rows and the jobs
 * are written in one transaction (graphile-worker's SQL add_job), so a crash leaves neither or
 * both: an event key is never kept without its job, and Xero's retry is then queued, not dropped.
 * Events of firms that uninstalled the add-on are ignored.
 */
export async function acceptXeroEvents(
  deps: Pick<XeroDeps, 'db' | 'logger'>,
  events: XeroWebhookEvent[],
): Promise<{ queued: number; duplicates: number; ignored: number }> {
  const relevant = events.filter((e) => KIND_BY_CATEGORY[e.eventCategory]);
  const firms = await firmIdsForTenants(deps.db, [...new Set(relevant.map((e) => e.tenantId))]);
  const groups = new Map<string, { firmId: string; kind: SyncRecordKind<'xero'>; byKey: Map<string, XeroWebhookEvent> }>();
  for (const e of relevant) {
    const firmId = firms.get(e.tenantId.toLowerCase());
    if (!firmId) continue;
    const kind = KIND_BY_CATEGORY[e.eventCategory]!;
    const group = groups.get(`${firmId}:${kind}`) ?? { firmId, kind, byKey: new Map() };
    group.byKey.set(eventKey(e), e);
    groups.set(`${firmId}:${kind}`, group);
  }

  const seen = [...groups.values()].reduce((n, g) => n + g.byKey.size, 0);
  const queued = !groups.size
    ? 0
    : await deps.db.transaction().execute(async (trx) => {
        let n = 0;
        for (const { firmId, kind, byKey } of groups.values()) {
          const inserted = await trx
            .insertInto('xero_webhook_events')
            .values([...byKey.keys()].map((event_key) => ({ event_key, firm_id: firmId })))
            .onConflict((oc) => oc.column('event_key').doNothing())
            .returning('event_key')
            .execute();
          if (!inserted.length) continue;
          const changedAt: Record<string, string> = {};
          for (const r of inserted) {
            const e = byKey.get(r.event_key)!;
            if (!(changedAt[e.resourceId]! >= e.eventDateUtc)) changedAt[e.resourceId] = e.eventDateUtc;
          }
          await enqueueSyncRecords(trx, { firmId, source: 'xero', kind, ids: Object.keys(changedAt), reason: 'webhook', changedAt });
          n += inserted.length;
        }
        return n;
      });
  const result = { queued, duplicates: seen - queued, ignored: events.length - seen };
  if (events.length) deps.logger.info(result, 'xero webhook events accepted');
  return result;
}
