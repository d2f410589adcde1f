import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { createSessionIssuer, deriveSessionKey } from '../../server/auth/session';
import { type ClioRegionCode, loadConfig } from '../../server/config';
import { createSecretBox } from '../../server/crypto/secrets';
import { upsertFirm, upsertUser } from '../../server/firms/repository';
import { createSyncEngine } from '../../server/sync/engine';
import { createApp } from '../../server/http/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { capturedLogger } from '../support/logs';

const KEY = Buffer.alloc(32, 7);
export const SESSION_KEY = deriveSessionKey(KEY);

export interface AddedJob {
  task: string;
  payload: unknown;
  spec: unknown;
}

/**
 * Every production setting (Clio and Xero at their real hosts), so a harness started with it stays a
 * production configuration however strict loadConfig gets; links it builds point at the real services.
 */
export const PRODUCTION_ENV: Record<string, string> = {
  CLIO_CLIENT_ID: 'app',
  CLIO_CLIENT_SECRET: 'secret',
  XERO_CLIENT_ID: 'xero',
  XERO_CLIENT_SECRET: 'xero-secret',
  XERO_WEBHOOK_KEY: 'webhook-key',
  SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
  DATABASE_URL: 'postgres://harness.test/unused',
  PUBLIC_URL: 'https://sync.example.test',
};

/**
 * The real app over a database of its own, no emulators: enough for everything the UI API does
 * before it has to ask Xero or Clio.
 */
export async function uiApiHarness(env: Record<string, string> = {}) {
  const tdb: TestDatabase = await createTestDatabase();
  const { logger } = capturedLogger('warn');
  const sessions = createSessionIssuer(SESSION_KEY, 900);
  const jobs: AddedJob[] = [];
  const config = loadConfig(env);
  const app = createApp({
    config,
    db: tdb.db,
    logger,
    secrets: createSecretBox(KEY),
    sessions,
    jobs: {
      addJob: (async (task: string, payload: unknown, spec: unknown) => {
        jobs.push({ task, payload, spec });
      }) as never,
    },
    readiness: async () => ({ ready: true, checks: {} }),
    engine: createSyncEngine({ config, db: tdb.db, logger, secrets: createSecretBox(KEY) }),
  });

  // Firms are made in the first region the configuration serves (sandbox: the emulator's AU).
  const region = (Object.keys(config.clio)[0] ?? 'us') as ClioRegionCode;
  let accounts = 0;
  /** A firm with one user; the token is what the OAuth or custom-action routes would hand the UI. */
  async function firmWithUser(opts: { name?: string; admin?: boolean } = {}) {
    accounts += 1;
    const firm = await upsertFirm(tdb.db, { clioAccountId: 1000 + accounts, region, name: opts.name ?? `Firm ${accounts}` });
    const user = await upsertUser(tdb.db, {
      firmId: firm.id,
      clioUserId: 5000 + accounts,
      name: `User ${accounts}`,
      email: `user${accounts}@example.com`,
      isAdmin: opts.admin ?? true,
    });
    // A Clio grant row (no tokens: nothing here calls Clio), as renewal requires one.
    await tdb.db.insertInto('connections').values({ id: randomUUID(), firm_id: firm.id, user_id: user.id, provider: 'clio', region }).execute();
    const token = await sessions.issue({ firmId: firm.id, userId: user.id, isAdmin: user.is_admin });
    return { firmId: firm.id, userId: user.id, token };
  }

  const call = async (method: string, path: string, token?: string, body?: unknown): Promise<Response> =>
    app.request(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });

  return { app, db: tdb.db, config, sessions, jobs, firmWithUser, call, stop: () => tdb.drop() };
}

export type UiApiHarness = Awaited<ReturnType<typeof uiApiHarness>>;

/** A token with the right claims signed with the wrong key, or already expired. */
export async function craftedToken(claims: { firmId: string; userId: string }, opts: { key?: Uint8Array; expired?: boolean }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ firm: claims.firmId, adm: true, sat: now - 3600, ack: now })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.userId)
    .setIssuer('clio-xero-sync')
    .setAudience('clio-xero-sync-ui')
    .setIssuedAt(now - 3600)
    .setExpirationTime(opts.expired ? now - 60 : now + 600)
    .sign(opts.key ?? SESSION_KEY);
}

export function expectEnvelope(body: unknown, code: string): asserts body is { error: { code: string; message: string; details?: unknown } } {
  const error = (body as { error?: { code?: unknown; message?: unknown; requestId?: unknown } }).error;
  if (!error || error.code !== code || typeof error.message !== 'string' || typeof error.requestId !== 'string') {
    throw new Error(`expected the error envelope with ${code}, got ${JSON.stringify(body)}`);
  }
}
