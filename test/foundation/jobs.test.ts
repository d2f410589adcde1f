import type { Task } from 'graphile-worker';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertFirm } from '../../server/firms/repository';
import { reapDeadWorkers } from '../../server/jobs/heartbeats';
import { type JobRunner, startJobRunner } from '../../server/jobs/runner';
import { type SyncFirmPayload, syncFirmJobSpec, TASK } from '../../server/jobs/enqueue';
import { createTasks } from '../../server/jobs/tasks';
import { unwiredTaskDeps } from '../support/task-deps';
import { createLogger } from '../../server/log';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/eventually';

const logger = createLogger('silent');
let t: TestDatabase;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  await sql`create table job_runs (n int not null, runner text not null)`.execute(t.db);
});
afterAll(async () => {
  // Stopped here too, so a failing test cannot leave a runner holding the pools open.
  await Promise.all(runners.map((r) => r.stop(5000)));
  await Promise.all(pools.map((p) => p.end()));
  await t.drop();
});

const runners: JobRunner[] = [];
async function runner(opts: Omit<Parameters<typeof startJobRunner>[0], 'db'>) {
  const r = await startJobRunner({ db: t.db, ...opts });
  runners.push(r);
  return r;
}

function pool() {
  const p = new pg.Pool({ connectionString: t.url, max: 6 });
  // As the server's pool does (server/db/database.ts): a connection the database ends (the test
  // database is dropped at the end while a stopped runner's clients are still closing) is an
  // event on the pool, not an uncaught exception that fails the whole run.
  p.on('error', () => {});
  pools.push(p);
  return p;
}

/** A task that says when it has started, then runs until released. */
function heldTask(): { task: Task; started: Promise<void>; release: () => void } {
  let start!: () => void;
  let release!: () => void;
  const started = new Promise<void>((r) => (start = r));
  const released = new Promise<void>((r) => (release = r));
  const task: Task = async () => {
    start();
    await released;
  };
  return { task, started, release };
}

describe('job runner', () => {
  it('shares jobs between two runners on one database and runs none twice', async () => {
    // Runner a's jobs wait until b has run one, so a cannot drain the queue alone: if b never
    // got a job, a would time out and the test would fail rather than pass by luck.
    let bRan!: () => void;
    const bHasRun = new Promise<void>((r) => (bRan = r));
    const record =
      (runner: string): Task =>
      async (payload) => {
        const { n } = payload as { n: number };
        if (runner === 'a') {
          await Promise.race([bHasRun, new Promise((_, fail) => setTimeout(() => fail(new Error('b never ran a job')), 10_000))]);
        }
        await sql`insert into job_runs (n, runner) values (${n}, ${runner})`.execute(t.db);
        if (runner === 'b') bRan();
      };
    const start = (name: string) => runner({ pool: pool(), logger, concurrency: 4, tasks: { record: record(name) }, cron: [], pollInterval: 100 });
    const [a, b] = [await start('a'), await start('b')];
    const N = 200;
    for (let n = 0; n < N; n++) await (n % 2 ? a : b).addJob('record', { n }, { maxAttempts: 1 });
    const count = async () => Number((await sql<{ c: string }>`select count(*) c from job_runs`.execute(t.db)).rows[0]!.c);
    await eventually(async () => (await count()) >= N, 'all jobs');
    await Promise.all([a.stop(5000), b.stop(5000)]);

    const rows = (await sql<{ n: number; runner: string }>`select n, runner from job_runs`.execute(t.db)).rows;
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.n)).size).toBe(N);
    expect(new Set(rows.map((r) => r.runner))).toEqual(new Set(['a', 'b']));
  });

  it('lets a running job finish on stop, up to the deadline', async () => {
    let finished = 0;
    let started!: () => void;
    const hasStarted = new Promise<void>((r) => (started = r));
    const slow: Task = async (payload) => {
      started();
      await new Promise((r) => setTimeout(r, (payload as { ms: number }).ms));
      finished++;
    };
    const patient = await runner({ pool: pool(), logger, concurrency: 1, tasks: { slow }, cron: [], pollInterval: 50 });
    await patient.addJob('slow', { ms: 300 });
    await hasStarted;
    expect(await patient.stop(5000)).toEqual({ timedOut: false });
    expect(finished).toBe(1);
    expect(patient.isRunning()).toBe(false);
  });

  it('gives up waiting at the deadline when a job runs on, and says so', async () => {
    const stuck = heldTask();
    const impatient = await runner({ pool: pool(), logger, concurrency: 1, tasks: { stuck: stuck.task }, cron: [], pollInterval: 50 });
    await impatient.addJob('stuck', {}, { maxAttempts: 1 });
    await stuck.started;
    const stopping = impatient.stop(200);
    // The job never ends by itself: if stop ignored its deadline it would still be waiting.
    const outcome = await Promise.race([stopping, new Promise((r) => setTimeout(() => r('still waiting'), 5_000))]);
    stuck.release();
    expect(outcome).toEqual({ timedOut: true });
    expect(impatient.isRunning()).toBe(false);
  });

  it('collapses repeated sweeps of one firm into one pending job and runs them serially', async () => {
    const firm = await upsertFirm(t.db, { clioAccountId: 7, region: 'us', name: 'Serial & Sons' });
    let running = 0;
    let maxRunning = 0;
    const seen: SyncFirmPayload[] = [];
    const tasks = createTasks({
      db: t.db,
      logger,
      syncFirm: async (p) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 30));
        seen.push(p);
        running--;
      },
      syncRecords: async () => {},
      ...unwiredTaskDeps,
    });
    const workers: JobRunner[] = [];
    // Queue before any runner starts, so all three adds meet the same pending job.
    const utilsRunner = await runner({ pool: pool(), logger, concurrency: 1, tasks: {}, cron: [] });
    for (let i = 0; i < 3; i++) {
      await utilsRunner.addJob(TASK.syncFirm, { firmId: firm.id, reason: 'sweep' }, syncFirmJobSpec(firm.id));
    }
    const pending = await sql<{ c: string }>`
      select count(*) c from graphile_worker.jobs where task_identifier = ${TASK.syncFirm}`.execute(t.db);
    expect(Number(pending.rows[0]!.c)).toBe(1);
    for (let i = 0; i < 2; i++) {
      workers.push(await runner({ pool: pool(), logger, concurrency: 4, tasks, cron: [], pollInterval: 50 }));
    }
    // The sweep is marked after the sync returns, so wait for the mark rather than for the sync.
    const sweptAt = async () => (await t.db.selectFrom('firms').select('last_sweep_at').where('id', '=', firm.id).executeTakeFirstOrThrow()).last_sweep_at;
    await eventually(async () => (await sweptAt()) !== null, 'the sweep to run');
    expect(await sweptAt()).toBeInstanceOf(Date);
    expect(seen).toEqual([{ firmId: firm.id, reason: 'sweep' }]);

    // Manual and webhook syncs of one firm share a queue: never two at once.
    for (let i = 0; i < 6; i++) {
      await workers[i % 2]!.addJob(TASK.syncFirm, { firmId: firm.id, reason: 'manual' }, { queueName: `firm:${firm.id}` });
    }
    await eventually(async () => seen.length === 7, 'manual syncs');
    expect(maxRunning).toBe(1);
    await Promise.all([...workers, utilsRunner].map((r) => r.stop(5000)));
  });

  it('the sweep enqueues only firms whose interval has passed', async () => {
    const due = await upsertFirm(t.db, { clioAccountId: 8, region: 'us', name: 'Due LLP' });
    const recent = await upsertFirm(t.db, { clioAccountId: 9, region: 'us', name: 'Recent LLP' });
    await t.db
      .updateTable('firms')
      .set({ last_sweep_at: new Date(Date.now() - 6 * 60_000) })
      .where('id', '=', due.id)
      .execute();
    await t.db
      .updateTable('firms')
      .set({ last_sweep_at: new Date(Date.now() - 60_000) })
      .where('id', '=', recent.id)
      .execute();
    await t.db.updateTable('firms').set({ status: 'uninstalled' }).where('name', '=', 'Serial & Sons').execute();
    await sql`delete from graphile_worker._private_jobs`.execute(t.db);

    const tasks = createTasks({ db: t.db, logger, syncFirm: async () => {}, syncRecords: async () => {}, ...unwiredTaskDeps });
    const producer = await runner({ pool: pool(), logger, concurrency: 1, tasks: {}, cron: [] });
    await producer.addJob(TASK.sweepDueFirms, {});
    const worker = await runner({
      pool: pool(),
      logger,
      concurrency: 1,
      tasks: { [TASK.sweepDueFirms]: tasks[TASK.sweepDueFirms]! },
      cron: [],
      pollInterval: 50,
    });
    await eventually(async () => {
      const r = await sql<{ c: string }>`select count(*) c from graphile_worker.jobs where task_identifier = ${TASK.syncFirm}`.execute(t.db);
      return Number(r.rows[0]!.c) > 0;
    }, 'sweep to enqueue');
    const keys = await sql<{ key: string }>`
      select key from graphile_worker.jobs where task_identifier = ${TASK.syncFirm} order by key`.execute(t.db);
    expect(keys.rows.map((r) => r.key)).toEqual([`sync_firm:${due.id}`]);
    await Promise.all([producer.stop(5000), worker.stop(5000)]);
  });

  it('never frees the jobs of a worker that still stamps its heartbeat, however long its job runs', async () => {
    const slow = heldTask();
    const r = await runner({
      pool: pool(),
      logger,
      concurrency: 1,
      tasks: { slow: slow.task },
      cron: [],
      pollInterval: 100,
      heartbeat: { beatMs: 100, deadAfterMs: 1_000 },
    });
    await r.addJob('slow', {}, { queueName: 'long-job' });
    await slow.started;
    // Well past the dead-after time: the lock is old, but the worker keeps stamping.
    await new Promise((done) => setTimeout(done, 1_500));
    expect(await reapDeadWorkers(t.db, 1_000)).toEqual([]);
    const { rows } = await sql<{ locked_by: string | null }>`select j.locked_by from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = 'slow'`.execute(t.db);
    expect(rows).toEqual([{ locked_by: expect.any(String) }]);
    slow.release();
  });
});
