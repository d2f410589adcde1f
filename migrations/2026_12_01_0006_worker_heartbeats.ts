import { type Kysely, sql } from 'kysely';

/**
 * `job_worker_heartbeats`: each live job worker stamps its id here every few seconds. graphile-worker
 * releases the jobs and queues of a worker that died without stopping (SIGKILL, a lost machine)
 * only after 4 hours; with the stamps, a live process frees them within a minute (jobs/heartbeats.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_worker_heartbeats')
    .ifNotExists()
    .addColumn('worker_id', 'text', (c) => c.primaryKey())
    .addColumn('beat_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_worker_heartbeats').ifExists().execute();
}
