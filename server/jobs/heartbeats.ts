import { sql } from 'kysely';
import type { Database } from '../db/database';
import type { Logger } from '../log';

/**
 * The only code that touches `job_worker_heartbeats`. A process stamps its workers' ids every
 * `beatMs`; any process frees the locks of workers whose stamp is older than `deadAfterMs`, so a
 * firm's queue is not blocked for graphile-worker's 4 hours after a crash. A worker busy with a long
 * job keeps stamping, so its lock is never taken from it.
 */
export interface Heartbeats {
  add(workerId: string): void;
  remove(workerId: string): void;
  /** One beat and one reap now (also what the timer runs). */
  tick(): Promise<void>;
  stop(): void;
}

export async function reapDeadWorkers(db: Database, deadAfterMs: number): Promise<string[]> {
  const cutoff = sql`now() - make_interval(secs => ${deadAfterMs / 1000})`;
  const { rows } = await sql<{ locked_by: string }>`
    select distinct locked_by from (
      select locked_by from graphile_worker._private_jobs where locked_by is not null and locked_at < ${cutoff}
      union all
      select locked_by from graphile_worker._private_job_queues where locked_by is not null and locked_at < ${cutoff}
    ) locked
    where not exists (select 1 from job_worker_heartbeats h where h.worker_id = locked.locked_by and h.beat_at >= ${cutoff})`.execute(db);
  const dead = rows.map((r) => r.locked_by);
  if (dead.length) await sql`select graphile_worker.force_unlock_workers(${dead}::text[])`.execute(db);
  await db
    .deleteFrom('job_worker_heartbeats')
    .where('beat_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
  return dead;
}

export function startHeartbeats(opts: { db: Database; logger: Logger; beatMs?: number; deadAfterMs?: number }): Heartbeats {
  const beatMs = opts.beatMs ?? 10_000;
  const deadAfterMs = opts.deadAfterMs ?? 60_000;
  const ids = new Set<string>();
  let stopped = false;
  const tick = async () => {
    if (ids.size) {
      await opts.db
        .insertInto('job_worker_heartbeats')
        .values([...ids].map((worker_id) => ({ worker_id, beat_at: sql<Date>`now()` })))
        .onConflict((oc) => oc.column('worker_id').doUpdateSet({ beat_at: sql`now()` }))
        .execute();
    }
    const freed = await reapDeadWorkers(opts.db, deadAfterMs);
    if (freed.length) opts.logger.warn({ workers: freed }, 'freed the jobs of workers that stopped without releasing them');
  };
  const timer = setInterval(() => {
    if (!stopped) tick().catch((err: Error) => opts.logger.warn({ err: { message: err.message } }, 'worker heartbeat failed'));
  }, beatMs);
  timer.unref();
  return {
    add: (id) => void ids.add(id),
    remove: (id) => void ids.delete(id),
    tick,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
