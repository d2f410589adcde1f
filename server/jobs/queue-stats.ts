import { sql } from 'kysely';
import type { Database } from '../db/database';

/**
 * How far behind the job queue is, for every process on the database: jobs due and not taken
 * (a retry waiting out its back-off, or a job that used up its attempts, is not due), and how
 * long the oldest of them has waited.
 */
export async function queueStats(db: Database): Promise<{ depth: number; oldestAgeSeconds: number }> {
  const { rows } = await sql<{ depth: string; oldest: number | null }>`
    select count(*) as depth, extract(epoch from now() - min(run_at))::float8 as oldest
    from graphile_worker.jobs
    where locked_at is null and attempts < max_attempts and run_at <= now()`.execute(db);
  const row = rows[0]!;
  return { depth: Number(row.depth), oldestAgeSeconds: Math.max(0, row.oldest ?? 0) };
}
