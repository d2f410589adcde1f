import { type AddJobFunction, type CronItem, type LogFunctionFactory, Logger as WorkerLogger, parseCronItems, run, type Runner, type TaskList } from 'graphile-worker';
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Database } from '../db/database';
import type { Logger } from '../log';
import { startHeartbeats } from './heartbeats';

export interface JobRunner {
  addJob: AddJobFunction;
  isRunning(): boolean;
  /** Stops taking jobs and waits for running ones, up to `deadlineMs`. */
  stop(deadlineMs: number): Promise<{ timedOut: boolean }>;
}

export interface JobRunnerOptions {
  pool: pg.Pool;
  db: Database;
  /** How often this process stamps its workers alive, and after how long without a stamp a worker is taken for dead. */
  heartbeat?: { beatMs: number; deadAfterMs: number };
  logger: Logger;
  concurrency: number;
  tasks: TaskList;
  cron: CronItem[];
  pollInterval?: number;
}

function workerLogger(logger: Logger): WorkerLogger {
  const factory: LogFunctionFactory = (scope) => (level, message, meta) => {
    const fields = { scope: { label: scope.label, taskIdentifier: scope.taskIdentifier, jobId: scope.jobId }, ...meta };
    const method = level === 'warning' ? 'warn' : level;
    logger[method](fields, message);
  };
  return new WorkerLogger(factory);
}

export async function startJobRunner(opts: JobRunnerOptions): Promise<JobRunner> {
  let running = true;
  const heartbeats = startHeartbeats({ db: opts.db, logger: opts.logger, ...opts.heartbeat });
  const events: NonNullable<Parameters<typeof run>[0]['events']> = new EventEmitter();
  events.on('worker:create', ({ worker }) => heartbeats.add(worker.workerId));
  events.on('worker:stop', ({ worker }) => heartbeats.remove(worker.workerId));
  const runner: Runner = await run({
    events,
    pgPool: opts.pool,
    concurrency: opts.concurrency,
    taskList: opts.tasks,
    parsedCronItems: parseCronItems(opts.cron),
    // The server owns SIGTERM/SIGINT and stops the runner as one step of its own shutdown.
    noHandleSignals: true,
    pollInterval: opts.pollInterval ?? 1000,
    logger: workerLogger(opts.logger),
  });
  runner.promise.catch((err) => {
    running = false;
    opts.logger.error({ err: { message: (err as Error).message } }, 'job runner stopped on an error');
  });
  return {
    addJob: runner.addJob,
    isRunning: () => running,
    async stop(deadlineMs) {
      if (!running) return { timedOut: false };
      running = false;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), deadlineMs)));
      const outcome = await Promise.race([runner.stop().then(() => 'stopped' as const), deadline]);
      clearTimeout(timer);
      heartbeats.stop();
      return { timedOut: outcome === 'timeout' };
    },
  };
}
