import { sql } from 'kysely';
import type { Database } from '../db/database';

/**
 * Drops the firm's waiting jobs (its queue is `firm:<id>`, see jobs/tasks.ts). A job already
 * running is left to finish: it finds the connection gone and stops without calling Xero.
 * graphile-worker offers removal by job key only, and record syncs carry no key, so this goes
 * to its table directly (schema of graphile-worker 0.16).
 */
export async function removeQueuedFirmJobs(db: Database, firmId: string): Promise<number> {
  const result = await sql`
    delete from graphile_worker._private_jobs as j
    using graphile_worker._private_job_queues as q
    where j.job_queue_id = q.id and q.queue_name = ${`firm:${firmId}`} and j.locked_at is null`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
