import { serve, type ServerType } from '@hono/node-server';
import { makeWorkerUtils, type WorkerUtils } from 'graphile-worker';
import { randomBytes } from 'node:crypto';
import { createSessionIssuer, deriveSessionKey } from '../../server/auth/session';
import type { ClioDeps } from '../../server/clio/deps';
import { loadConfig } from '../../server/config';
import { createSecretBox } from '../../server/crypto/secrets';
import { createSyncEngine } from '../../server/sync/engine';
import { createApp } from '../../server/http/app';
import { freePort } from '../../server/net/free-port';
import type { AppDeps } from '../../server/http/env';
import { startClioEmulator } from '../emulators/clio/server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { capturedLogger } from '../support/logs';
import { newBrowser } from '../support/cookie-jar';
import { sessionTokenFrom } from '../support/stack';

/**
 * Our HTTP app on a real port, against its own database and one Clio emulator per region, with
 * graphile-worker's schema but no worker: queued jobs stay visible, so tests can read exactly what
 * was queued. (The full-stack helper runs a worker that would consume them at once.)
 */
export interface ClioHarness {
  url: string;
  t: TestDatabase;
  deps: AppDeps & ClioDeps;
  logs: string[];
  clio: Record<'us' | 'ca', Awaited<ReturnType<typeof startClioEmulator>>>;
  jobs(): Promise<{ task_identifier: string; payload: Record<string, unknown>; queue_name: string | null }[]>;
  /** Walks the OAuth install in the emulator as Clio user `clioUserId`; returns the final redirect. */
  install(opts?: { clioUserId?: number; region?: 'us' | 'ca'; a2c?: boolean }): Promise<{ status: number; location: string }>;
  stop(): Promise<void>;
}

/** The US emulator's account owner (an admin) and a user with no roles (a clerk): who most tests act as. */
export const accountOwner = (h: ClioHarness) => h.clio.us.emulator.state.users.all().find((u) => u.account_owner)!;
export const plainClerk = (h: ClioHarness) => h.clio.us.emulator.state.users.all().find((u) => !u.account_owner && u.roles.length === 0)!;

/** One browser shared by a test file's helpers: it keeps the OAuth binding cookies between hops. */
export const manual = newBrowser();

export async function startClioHarness(): Promise<ClioHarness> {
  const [t, us, ca, port] = await Promise.all([createTestDatabase(), startClioEmulator({ port: 0 }), startClioEmulator({ port: 0, region: 'CA' }), freePort()]);
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: url,
    DATABASE_URL: t.url,
    LOG_LEVEL: 'debug',
    CLIO_CLIENT_ID: 'sandbox',
    CLIO_CLIENT_SECRET: 'sandbox-secret',
    CLIO_US_BASE_URL: us.url,
    CLIO_CA_CLIENT_ID: 'sandbox',
    CLIO_CA_CLIENT_SECRET: 'sandbox-secret',
    CLIO_CA_BASE_URL: ca.url,
    XERO_CLIENT_ID: 'sandbox',
    XERO_CLIENT_SECRET: 'sandbox-secret',
    XERO_WEBHOOK_KEY: 'sandbox-webhook-key',
    SECRET_KEY: randomBytes(32).toString('base64'),
  });
  const { logger, lines } = capturedLogger('debug');
  const key = randomBytes(32);
  const workerUtils: WorkerUtils = await makeWorkerUtils({ pgPool: t.pool });
  await workerUtils.migrate();
  const base = { config, db: t.db, logger, secrets: createSecretBox(key) };
  const deps: AppDeps & ClioDeps = {
    ...base,
    sessions: createSessionIssuer(deriveSessionKey(key), 900),
    jobs: { addJob: workerUtils.addJob },
    readiness: async () => ({ ready: true, checks: {} }),
    engine: createSyncEngine(base),
  };
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const clio = { us, ca };

  return {
    url,
    t,
    deps,
    logs: lines,
    clio,
    async jobs() {
      const { rows } = await t.pool.query(
        `select t.identifier as task_identifier, j.payload, q.queue_name
           from graphile_worker._private_jobs j
           join graphile_worker._private_tasks t on t.id = j.task_id
           left join graphile_worker._private_job_queues q on q.id = j.job_queue_id
          order by j.id`,
      );
      return rows;
    },
    async install(opts = {}) {
      const region = opts.region ?? 'us';
      const emu = clio[region];
      if (opts.clioUserId !== undefined) {
        await fetch(`${emu.url}/_emulator/session`, {
          method: 'POST',
          body: JSON.stringify({ user_id: opts.clioUserId }),
          headers: { 'content-type': 'application/json' },
        });
      }
      let res = await manual(`${url}/oauth/clio/start?region=${region}${opts.a2c ? '&a2c=1' : ''}`);
      if (res.status !== 302) return { status: res.status, location: '' };
      res = await manual(res.headers.get('location')!);
      res = await manual(res.headers.get('location')!);
      await emu.emulator.flushWebhooks();
      return { status: res.status, location: res.headers.get('location') ?? '' };
    },
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      await workerUtils.release();
      await Promise.all([us.close(), ca.close()]);
      await t.drop();
    },
  };
}

export async function control(emuUrl: string, path: string, body?: unknown, method = 'POST'): Promise<any> {
  const res = await fetch(`${emuUrl}/_emulator${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.status === 204 ? null : res.json();
}

/** The plaintext tokens of a stored connection, opened the way the server does. */
export async function storedTokens(h: ClioHarness, connectionId: string): Promise<{ access: string; refresh: string }> {
  const row = await h.t.db.selectFrom('connections').selectAll().where('id', '=', connectionId).executeTakeFirstOrThrow();
  return {
    access: h.deps.secrets.open(row.access_token_enc!, `clio:${connectionId}:access`),
    refresh: h.deps.secrets.open(row.refresh_token_enc!, `clio:${connectionId}:refresh`),
  };
}

/** Installs through the emulator (as its admin unless told otherwise) and returns the session the UI is handed. */
export async function installAndSignIn(h: ClioHarness, opts?: Parameters<ClioHarness['install']>[0]) {
  return h.deps.sessions.verify(sessionTokenFrom((await h.install(opts)).location));
}
