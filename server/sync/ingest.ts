import { recordDelivery } from '../clio/webhook-subscriptions';
import { inTransaction, type Database } from '../db/database';
import type { VerifiedChange } from '../domain/changes';
import { enqueueSyncRecords } from '../jobs/enqueue';
import { recordXeroEvents } from '../xero/webhook-service';
import type { SyncRecordsRequest } from './engine';

/**
 * Verified webhook changes, from Clio and Xero alike → their receipts recorded → one record-sync
 * job per firm, source and kind for the changes not seen before. The receipts and the jobs are
 * written in one transaction (the caller's, when it passes one; graphile-worker's SQL add_job
 * joins it), so a crash leaves neither or both: a receipt is never kept without its job, and the
 * redelivery is then queued, not dropped.
 */
export async function ingestChanges(db: Database, changes: VerifiedChange[]): Promise<{ queued: number; duplicates: number }> {
  if (changes.length === 0) return { queued: 0, duplicates: 0 };
  return inTransaction(db, async (trx) => {
    const fresh = await newChanges(trx, changes);
    const jobs = new Map<string, SyncRecordsRequest>();
    for (const c of fresh) {
      const key = `${c.firmId}:${c.source}:${c.kind}`;
      const job = jobs.get(key) ?? jobs.set(key, emptyJob(c)).get(key)!;
      if (!job.ids.includes(c.id)) job.ids.push(c.id);
      if (c.source === 'clio' && job.source === 'clio') {
        if (c.type) job.types = { ...job.types, [c.id]: c.type };
        if (c.state) job.states = { ...job.states, [c.id]: c.state };
      }
      if (c.source === 'xero' && job.source === 'xero' && !(job.changedAt?.[c.id]! >= c.changedAt)) job.changedAt = { ...job.changedAt, [c.id]: c.changedAt };
    }
    for (const job of jobs.values()) await enqueueSyncRecords(trx, job);
    return { queued: fresh.length, duplicates: changes.length - fresh.length };
  });
}

const emptyJob = (c: VerifiedChange): SyncRecordsRequest =>
  c.source === 'clio'
    ? { firmId: c.firmId, source: 'clio', kind: c.kind, ids: [], reason: 'webhook' }
    : { firmId: c.firmId, source: 'xero', kind: c.kind, ids: [], reason: 'webhook' };

/** The changes whose receipt was not held yet, their receipts now stored. */
async function newChanges(db: Database, changes: VerifiedChange[]): Promise<VerifiedChange[]> {
  const fresh: VerifiedChange[] = [];
  for (const c of changes)
    if (c.source === 'clio' && (await recordDelivery(db, { webhookId: c.receipt.webhookId, recordId: c.id, version: c.receipt.version }))) fresh.push(c);
  const xero = changes.flatMap((c) => (c.source === 'xero' ? [c] : []));
  const kept = await recordXeroEvents(
    db,
    xero.map((c) => ({ eventKey: c.receipt.eventKey, firmId: c.firmId })),
  );
  return [...fresh, ...xero.filter((c) => kept.has(c.receipt.eventKey))];
}
