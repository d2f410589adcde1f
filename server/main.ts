import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'kysely';
import type { AddressInfo } from 'node:net';
import { createSessionIssuer, deriveSessionKey, type SessionIssuer } from './auth/session';
import type { Config } from './config';
import { createSecretBox, resolveSecretKey, type SecretBox } from './crypto/secrets';
import { createDatabase, type Database, migrateToLatest } from './db/database';
import { startEmbeddedPostgres } from './db/embedded-postgres';
import { createApp } from './http/app';
import type { ReadinessReport } from './http/env';
import { type JobRunner, startJobRunner } from './jobs/runner';
import { renewClioWebhooks } from './clio/webhooks';
import { matchFirmContacts } from './contacts/matching';
import { CRON, createTasks } from './jobs/tasks';
import type { Logger } from './log';
import { createSyncEngine } from './sync/engine';
import { createSmtpMailer } from './notify/mailer';
import { createFailureNotifier } from './notify/failure-emails';
import { purgeDueFirms } from './offboarding/purge';
import { checkXeroConnections } from './xero/daily-check';
import { runAgreementCheck } from './agreement/check';

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  secrets: SecretBox;
  sessions: SessionIssuer;
  jobs: JobRunner;
  /** Graceful stop: no new requests, running jobs finish (up to the deadline), Postgres stops. */
  stop(): Promise<void>;
}

/** The composition root: every I/O resource is created here and handed down explicitly. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: config.DATA_DIR, onLog: (line) => logger.debug({ postgres: line }) });
  const databaseUrl = config.DATABASE_URL ?? embedded!.url;
  const { db, pool } = createDatabase(databaseUrl, {
    onConnectionError: (err) => logger.warn({ err: { message: err.message } }, 'database connection failed'),
  });
  try {
    await migrateToLatest(db);
    const secretKey = await resolveSecretKey(config.SECRET_KEY, config.DATA_DIR);
    const secrets = createSecretBox(secretKey);
    const sessions = createSessionIssuer(deriveSessionKey(secretKey), config.SESSION_TTL_SECONDS, config.SESSION_MAX_AGE_SECONDS);
    const engine = createSyncEngine({ config, db, secrets, logger });
    const mailer = config.smtpUrl
      ? await createSmtpMailer(config.smtpUrl, config.MAIL_FROM).catch((err: Error) => {
          logger.error({ err: { message: err.message } }, 'failure emails are off: the mail library could not be loaded');
          return undefined;
        })
      : undefined;
    const jobs = await startJobRunner({
      pool,
      db,
      heartbeat: { beatMs: config.JOB_HEARTBEAT_MS, deadAfterMs: config.JOB_WORKER_DEAD_AFTER_MS },
      logger: logger.child({ component: 'jobs' }),
      concurrency: config.WORKER_CONCURRENCY,
      tasks: createTasks({
        db,
        logger,
        syncFirm: engine.syncFirm,
        syncRecords: engine.syncRecords,
        renewClioWebhooks: async () => void (await renewClioWebhooks({ config, db, secrets, logger })),
        matchContacts: ({ firmId }) => matchFirmContacts({ config, db, secrets, logger }, firmId),
        ...(mailer ? { notify: createFailureNotifier({ db, logger, mailer, publicUrl: config.PUBLIC_URL }) } : {}),
        checkXeroConnections: async () => void (await checkXeroConnections({ config, db, secrets, logger })),
        checkAgreement: (firmId) => runAgreementCheck({ config, db, secrets, logger }, firmId),
        purgeUninstalledFirms: async () => {
          const purged = await purgeDueFirms(db, config.PURGE_AFTER_DAYS);
          if (purged.length) logger.info({ purged }, 'uninstalled firms purged');
        },
      }),
      cron: CRON,
    });

    const readiness = async (): Promise<ReadinessReport> => {
      const checks: ReadinessReport['checks'] = {};
      try {
        await sql`select 1`.execute(db);
        checks.database = { ok: true };
      } catch (err) {
        // The driver's message can name hosts and users: it goes to the log, not to an anonymous caller.
        logger.warn({ err: { message: (err as Error).message } }, 'readiness: database check failed');
        checks.database = { ok: false, reason: 'database unreachable' };
      }
      checks.jobs = jobs.isRunning() ? { ok: true } : { ok: false, reason: 'job runner is not running' };
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    };

    const app = createApp({ config, db, logger, secrets, sessions, jobs, readiness, engine });
    const server: ServerType = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: config.PORT, hostname: '0.0.0.0' }, () => resolve(s));
    });
    const port = (server.address() as AddressInfo).port;

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        // Idle keep-alive sockets would hold close() open until they time out.
        if ('closeIdleConnections' in server) server.closeIdleConnections();
        const { timedOut } = await jobs.stop(config.SHUTDOWN_TIMEOUT_MS);
        if (timedOut) logger.warn('jobs still running at the shutdown deadline; they will be retried');
        if ('closeAllConnections' in server) server.closeAllConnections();
        await closed;
        mailer?.close();
        await db.destroy();
        await embedded?.stop();
      })());

    return { url: config.PUBLIC_URL, port, db, secrets, sessions, jobs, stop };
  } catch (err) {
    await db.destroy().catch(() => {});
    await embedded?.stop().catch(() => {});
    throw err;
  }
}
