import { sql } from 'kysely';
import type { Database } from '../db/database';

/** Every job of one firm runs in this graphile-worker queue, so they never run at the same time. */
export const firmQueueName = (firmId: string) => `firm:${firmId}`;

/**
 * Drops the firm's waiting jobs (disconnect, uninstall). A job already running is left to finish:
 * it finds the connection gone and stops without calling out. `complete_jobs` is graphile-worker's
 * public way to remove jobs that carry no job key.
 */
export async function cancelQueuedFirmJobs(db: Database, firmId: string): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    select id from graphile_worker.complete_jobs(array(
      select id from graphile_worker.jobs where queue_name = ${firmQueueName(firmId)} and locked_at is null))`.execute(db);
  return rows.length;
}
