// Our server on a real port against its own database, and the Xero emulator on another real port.
// (A stop-gap until test/support/stack.ts exists; kept to what the Xero tests need.)
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'kysely';
import { createServer, type AddressInfo } from 'node:net';
import { createSessionIssuer, deriveSessionKey } from '../../server/auth/session';
import { loadConfig } from '../../server/config';
import { upsertFirm, upsertUser } from '../../server/firms/repository';
import { startServer } from '../../server/main';
import { createXeroEmulator, type XeroEmulatorOptions } from '../emulators/xero/index';
import { createTestDatabase } from '../support/database';
import { capturedLogger } from '../support/logs';

const SECRET_KEY = Buffer.alloc(32, 9).toString('base64');
let clioAccount = 1000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startXeroStack(opts: { timeoutMs?: number; emulator?: XeroEmulatorOptions } = {}) {
  const database = await createTestDatabase();
  const emulatorServer: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: (req) => emulator.app.fetch(req), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const xeroPort = (emulatorServer.address() as AddressInfo).port;
  const xeroUrl = `http://127.0.0.1:${xeroPort}`;
  const emulator = createXeroEmulator({ baseUrl: xeroUrl, faultHangMs: 3_000, webhookBatchMs: 10, ...opts.emulator });

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    DATABASE_URL: database.url,
    SECRET_KEY,
    LOG_LEVEL: 'debug',
    XERO_EMULATOR_PORT: String(xeroPort),
    XERO_TIMEOUT_MS: String(opts.timeoutMs ?? 1_500),
  });
  const { logger, lines } = capturedLogger('debug');
  const server = await startServer(config, logger);
  const sessions = createSessionIssuer(deriveSessionKey(Buffer.from(SECRET_KEY, 'base64')), 900);

  async function createFirmSession(o: { isAdmin?: boolean; name?: string } = {}) {
    const firm = await upsertFirm(database.db, { clioAccountId: ++clioAccount, region: 'us', name: o.name ?? `Firm ${clioAccount}` });
    const user = await upsertUser(database.db, {
      firmId: firm.id,
      clioUserId: clioAccount,
      name: 'Admin',
      email: null,
      isAdmin: o.isAdmin ?? true,
    });
    const token = await sessions.issue({ firmId: firm.id, userId: user.id, isAdmin: o.isAdmin ?? true });
    return { firmId: firm.id, userId: user.id, token };
  }

  /** Emulator control API over HTTP, as a test on another machine would use it. */
  async function control(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${xeroUrl}/_emulator${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return res.json();
  }

  return {
    baseUrl,
    config,
    db: database.db,
    dbUrl: database.url,
    server,
    logger,
    logLines: lines,
    xero: { url: xeroUrl, emulator, control },
    sessions,
    createFirmSession,
    async stop() {
      await server.stop();
      await new Promise<void>((r) => emulatorServer.close(() => r()));
      if ('closeAllConnections' in emulatorServer) emulatorServer.closeAllConnections();
      await database.drop();
    },
  };
}

export type XeroStack = Awaited<ReturnType<typeof startXeroStack>>;

export const api = (stack: XeroStack, token: string) =>
  async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

/**
 * The browser's part of the consent: POST /api/xero/connect, follow the emulator's authorize
 * redirect (it consents on the user's behalf) and call our callback. Returns our callback's answer.
 */
export async function runConsent(stack: XeroStack, token: string, tamper?: (callbackUrl: URL) => void) {
  const started = await api(stack, token)('POST', '/api/xero/connect');
  const authorize = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
  const callbackUrl = new URL(authorize.headers.get('location')!);
  tamper?.(callbackUrl);
  const callback = await fetch(callbackUrl, { redirect: 'manual' });
  return { authorizeUrl: new URL(started.body.authorizeUrl), callbackUrl, callback, location: callback.headers.get('location') ?? '' };
}

export const tokenFromLocation = (location: string) => decodeURIComponent(/#token=([^&]+)/.exec(location)?.[1] ?? '');

/** Connects the firm to one organisation end to end and returns the confirmed tenant. */
export async function connectFirm(stack: XeroStack, token: string, tenantId: string) {
  const consent = await runConsent(stack, token);
  const confirmed = await api(stack, token)('POST', '/api/xero/organisation', { tenantId });
  if (confirmed.status !== 200) throw new Error(`confirm failed: ${JSON.stringify(confirmed.body)} after ${consent.location}`);
  return confirmed.body;
}

/** Locks the firm's job queue as a busy worker would, so queued jobs stay visible to the test. */
export async function holdFirmQueue(stack: XeroStack, firmId: string): Promise<void> {
  await sql`insert into graphile_worker._private_job_queues (queue_name, locked_at, locked_by)
    values (${`firm:${firmId}`}, now(), 'test-hold')
    on conflict (queue_name) do update set locked_at = now(), locked_by = 'test-hold'`.execute(stack.db);
}

export async function queuedJobs(stack: XeroStack, firmId: string) {
  const { rows } = await sql<{ task: string; payload: Record<string, unknown> }>`
    select t.identifier as task, j.payload from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    join graphile_worker._private_job_queues q on q.id = j.job_queue_id
    where q.queue_name = ${`firm:${firmId}`} order by j.id`.execute(stack.db);
  return rows;
}
