import { enqueueAgreementCheck, enqueueSyncFirm, enqueueSyncRecords, type JobQueue } from '../jobs/enqueue';

/**
 * Link kind → the `sync_records` kind that syncs such a record by its Clio id (a hard cost is a Clio
 * expense activity). Payments are Clio allocations, reached through their bill or a sweep: a sync of
 * the firm retries those, and failures of the whole firm.
 */
const RECORD_JOB_KINDS = { contact: 'contact', bill: 'bill', credit_memo: 'credit_memo', hard_cost: 'activity' } as const;

/** Re-queues records of one kind at once (a retry skips the sweep's wait between attempts). */
export async function retryRecords(jobs: JobQueue, firmId: string, kind: string, clioIds: string[]): Promise<void> {
  // A difference between Clio and Xero is fixed by hand; trying it again is checking again.
  if (kind.startsWith('agreement_')) return enqueueAgreementCheck(jobs, { firmId });
  const jobKind = RECORD_JOB_KINDS[kind as keyof typeof RECORD_JOB_KINDS];
  if (jobKind && clioIds.length > 0) {
    for (let i = 0; i < clioIds.length; i += 200)
      await enqueueSyncRecords(jobs, { firmId, source: 'clio', kind: jobKind, ids: clioIds.slice(i, i + 200), reason: 'manual' });
    return;
  }
  await enqueueSyncFirm(jobs, { firmId, reason: 'manual' });
}
