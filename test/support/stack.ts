import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, SANDBOX, type Config } from '../../server/config';
import type { Database } from '../../server/db/database';
import { upsertFirm, upsertUser } from '../../server/firms/repository';
import { startServer, type RunningServer } from '../../server/main';
import { freePort } from '../../server/net/free-port';
import { type RunningEmulators, type StartEmulatorsOptions, startEmulators } from '../emulators/start';
import { createEmptyDatabase } from './database';
import { capturedLogger } from './logs';

export interface TestStack {
  /** Our server's public URL (a real port on 127.0.0.1). */
  baseUrl: string;
  config: Config;
  server: RunningServer;
  db: Database;
  /** Every JSON log line our server wrote, for "nothing secret was logged" checks. */
  logLines: string[];
  clio: RunningEmulators['clio'];
  xero: RunningEmulators['xero'];
  /** A firm with one user and a session token for it, without going through Clio OAuth. */
  createFirmSession(opts?: { isAdmin?: boolean; name?: string }): Promise<{ firmId: string; userId: string; token: string }>;
  /** Another user of an existing firm, signed in. */
  addUser(firmId: string, opts?: { isAdmin?: boolean }): Promise<{ userId: string; token: string }>;
  /** Calls our JSON API as the UI does. */
  api(token: string): (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
  /** Calls an emulator's control API over HTTP. */
  control(side: 'clio' | 'xero', method: string, path: string, body?: unknown): Promise<any>;
  stop(): Promise<void>;
}

/** Calls our JSON API at `baseUrl` as the UI does, with a session token. */
export function apiClient(baseUrl: string, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** The session token our server hands the UI in a redirect's fragment (`…#token=…`). */
export const sessionTokenFrom = (location: string) => decodeURIComponent(/#token=([^&]+)/.exec(location)?.[1] ?? '');

let nextAccount = 100_000 + Math.floor(Math.random() * 1_000_000);

/**
 * The environment of a production server (not sandbox mode) whose every Clio and Xero URL points
 * at the emulators: for the in-process stack and for server processes a test starts itself.
 */
export async function productionLikeEnv(p: { port: number; databaseUrl: string; emulators: Pick<RunningEmulators, 'clio' | 'xero'> }): Promise<Record<string, string>> {
  return {
    PORT: String(p.port),
    PUBLIC_URL: `http://127.0.0.1:${p.port}`,
    DATABASE_URL: p.databaseUrl,
    DATA_DIR: await mkdtemp(join(tmpdir(), 'stack-')),
    SECRET_KEY: randomBytes(32).toString('base64'),
    CLIO_CLIENT_ID: SANDBOX.clientId,
    CLIO_CLIENT_SECRET: SANDBOX.clientSecret,
    CLIO_US_BASE_URL: p.emulators.clio.url,
    XERO_CLIENT_ID: SANDBOX.clientId,
    XERO_CLIENT_SECRET: SANDBOX.clientSecret,
    XERO_WEBHOOK_KEY: SANDBOX.xeroWebhookKey,
    XERO_LOGIN_URL: p.emulators.xero.url,
    XERO_IDENTITY_URL: p.emulators.xero.url,
    XERO_API_URL: p.emulators.xero.url,
  };
}

/**
 * Our server in-process on a real port with its own database, configured as in production
 * (not sandbox mode) but with every Clio and Xero URL pointing at emulators on real ports.
 */
export async function startTestStack(
  opts: {
    env?: Record<string, string>;
    emulators?: Partial<StartEmulatorsOptions>;
    /** The host of our public URL: `localhost`, as in sandbox mode, puts it on another site than the emulators' 127.0.0.1. */
    host?: 'localhost' | '127.0.0.1';
  } = {},
): Promise<TestStack> {
  const database = await createEmptyDatabase();
  const port = await freePort();
  const baseUrl = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  const emulators = await startEmulators({ clioPort: 0, xeroPort: 0, addonUrl: baseUrl, ...opts.emulators });
  const config = loadConfig({
    ...(await productionLikeEnv({ port, databaseUrl: database.url, emulators })),
    PUBLIC_URL: baseUrl,
    LOG_LEVEL: 'debug',
    XERO_TIMEOUT_MS: '2000',
    ...opts.env,
  });
  const { logger, lines } = capturedLogger('debug');
  const server = await startServer(config, logger);

  return {
    baseUrl,
    config,
    server,
    db: server.db,
    logLines: lines,
    clio: emulators.clio,
    xero: emulators.xero,
    async createFirmSession(o = {}) {
      const account = ++nextAccount;
      const firm = await upsertFirm(server.db, { clioAccountId: account, region: 'us', name: o.name ?? `Firm ${account}` });
      const isAdmin = o.isAdmin ?? true;
      const user = await upsertUser(server.db, { firmId: firm.id, clioUserId: account, name: 'Test User', email: null, isAdmin });
      const token = await server.sessions.issue({ firmId: firm.id, userId: user.id, isAdmin });
      return { firmId: firm.id, userId: user.id, token };
    },
    async addUser(firmId, o = {}) {
      const isAdmin = o.isAdmin ?? false;
      const user = await upsertUser(server.db, { firmId, clioUserId: ++nextAccount, name: 'Colleague', email: null, isAdmin });
      return { userId: user.id, token: await server.sessions.issue({ firmId, userId: user.id, isAdmin }) };
    },
    api: (token) => apiClient(baseUrl, token),
    async control(side, method, path, body) {
      const res = await fetch(`${emulators[side].url}/_emulator${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      const text = await res.text();
      return text ? JSON.parse(text) : undefined;
    },
    async stop() {
      await server.stop();
      await emulators.stop();
      await database.drop();
    },
  };
}
