// Issue 8, listing requirements (certification.md §5): the security log, the purge after
// uninstall (and on request), and the daily Xero check that also keeps idle connections alive.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeDueFirms } from '../../server/offboarding/purge';
import { checkXeroConnections } from '../../server/xero/daily-check';
import { manual } from '../clio/harness';
import { SEED_TENANTS } from '../emulators/xero/index';
import { sessionTokenFrom } from '../support/stack';
import { connectFirm, startXeroStack, type XeroStack } from '../xero/stack';
import { settingsForSeededChart } from '../ui-api/connected-stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

const TENANT = SEED_TENANTS.primary.tenantId;
const DAY = 86_400_000;

async function install() {
  let res = await manual(`${stack.baseUrl}/oauth/clio/start?region=us`);
  res = await manual(res.headers.get('location')!);
  res = await manual(res.headers.get('location')!);
  const token = sessionTokenFrom(res.headers.get('location')!);
  return { token, ...(await stack.sessions.verify(token)) };
}
const events = (firmId: string) => stack.db.selectFrom('security_events').selectAll().where('firm_id', '=', firmId).orderBy('id').execute();

/** Every row of every table with a firm_id column that still names this firm. */
async function leftovers(firmId: string) {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'firm_id' and table_name <> 'security_events'`.execute(stack.db);
  const found: Record<string, number> = {};
  for (const { table_name } of rows) {
    const { rows: n } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table_name)} where firm_id = ${firmId}`.execute(stack.db);
    if (Number(n[0]!.n) > 0) found[table_name] = Number(n[0]!.n);
  }
  const firm = await stack.db.selectFrom('firms').select('id').where('id', '=', firmId).executeTakeFirst();
  if (firm) found.firms = 1;
  return found;
}

describe('the security log', () => {
  let firmId: string;
  it('records sign-in, connect, settings changed, disconnect and uninstall with who, when and from where', async () => {
    const s = await install();
    firmId = s.firmId;
    const call = stack.api(s.token);
    await connectFirm(stack, s.token, TENANT);
    expect((await call('PUT', '/api/settings', settingsForSeededChart({ syncHardCosts: false, categoryAccounts: [] }))).status).toBe(200);
    expect((await call('DELETE', '/api/xero/connection')).status).toBe(200);
    expect((await call('DELETE', '/api/clio/connection')).status).toBe(204);

    const log = await events(firmId);
    expect(log.map((e) => e.event)).toEqual(['sign_in', 'xero_connected', 'settings_changed', 'xero_disconnected', 'clio_disconnected', 'uninstalled']);
    for (const e of log) {
      expect(e).toMatchObject({ firm_id: firmId, user_id: s.userId, actor: 'user' });
      expect(e.address).toMatch(/127\.0\.0\.1/);
      expect(e.at).toBeInstanceOf(Date);
    }
    expect(log[2]!.detail).toMatchObject({ changed: expect.arrayContaining(['timeAccountCode']) });
  });

  it('is append-only: rows cannot be changed or deleted (kept at least a year)', async () => {
    await expect(sql`update security_events set actor = 'someone' where firm_id = ${firmId}`.execute(stack.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from security_events where firm_id = ${firmId}`.execute(stack.db)).rejects.toThrow(/append-only/);
    expect((await events(firmId)).length).toBe(6);
  });
});

describe('purge of an uninstalled firm', () => {
  it('the daily job deletes all of its data once PURGE_AFTER_DAYS have passed, and not before; the security log stays', async () => {
    const s = await install();
    await connectFirm(stack, s.token, TENANT);
    await stack.db.insertInto('sync_log').values({ firm_id: s.firmId, direction: 'clio_to_xero', kind: 'contact', action: 'created', reason: 'test' }).execute();
    expect((await stack.api(s.token)('DELETE', '/api/clio/connection')).status).toBe(204);
    expect(stack.config.PURGE_AFTER_DAYS).toBe(30);

    expect(await purgeDueFirms(stack.db, 30, new Date(Date.now() + 29 * DAY))).toEqual([]);
    expect(await leftovers(s.firmId)).toMatchObject({ firms: 1, sync_log: expect.any(Number) });

    expect(await purgeDueFirms(stack.db, 30, new Date(Date.now() + 31 * DAY))).toEqual([s.firmId]);
    expect(await leftovers(s.firmId)).toEqual({});
    expect((await events(s.firmId)).map((e) => e.event).slice(-2)).toEqual(['uninstalled', 'purged']);
  });

  it('`npm run purge -- --firm <id>` deletes at once, and refuses a firm still installed', async () => {
    const s = await install();
    const run = (firm: string) =>
      promisify(execFile)('npm', ['run', '--silent', 'purge', '--', '--firm', firm], {
        cwd: resolve(import.meta.dirname, '../..'),
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SANDBOX: '1', DATABASE_URL: stack.config.DATABASE_URL!, LOG_LEVEL: 'silent' },
      }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
    const refused = await run(s.firmId);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/still installed/);

    expect((await stack.api(s.token)('DELETE', '/api/clio/connection')).status).toBe(204);
    const done = await run(s.firmId);
    expect(done).toMatchObject({ code: 0, out: expect.stringMatching(/purged/) });
    expect(await leftovers(s.firmId)).toEqual({});
  }, 60_000);
});

describe('the daily Xero connection check', () => {
  const deps = (now: Date) => ({ config: stack.config, db: stack.db, secrets: stack.server.secrets, logger: stack.logger, now: () => now });
  const row = (firmId: string) => stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).where('provider', '=', 'xero').executeTakeFirstOrThrow();

  it('keeps an idle connection alive: 45 days on, the check refreshes it and its refresh token has 60 days again', async () => {
    const s = await install();
    await connectFirm(stack, s.token, TENANT);
    const later = new Date(Date.now() + 45 * DAY);
    await stack.xero.control('DELETE', '/requests');

    expect(await checkXeroConnections(deps(later))).toMatchObject({ lost: 0 });
    const after = await row(s.firmId);
    expect(after.status).toBe('active');
    expect(after.refresh_expires_at!.getTime()).toBeGreaterThanOrEqual(later.getTime() + 59 * DAY);
    const calls = (await stack.xero.control('GET', '/requests')) as { path: string; method: string; body: string }[];
    expect(calls.some((c) => c.path === '/connect/token' && c.body.includes('grant_type=refresh_token'))).toBe(true);
    expect(calls.some((c) => c.method === 'GET' && c.path === '/connections')).toBe(true);
  });

  it('notices within a day a connection revoked in Xero, marks it needs_reconnect and logs it once', async () => {
    const [firm] = await stack.db.selectFrom('connections').select('firm_id').where('provider', '=', 'xero').where('status', '=', 'active').execute();
    await stack.xero.control('POST', `/tenants/${TENANT}/disconnect`);
    const tomorrow = new Date(Date.now() + DAY);
    expect(await checkXeroConnections(deps(tomorrow))).toMatchObject({ lost: 1 });
    expect(await checkXeroConnections(deps(tomorrow))).toMatchObject({ lost: 0, ok: 0 });
    expect((await row(firm!.firm_id)).status).toBe('needs_reconnect');
    expect((await events(firm!.firm_id)).filter((e) => e.event === 'xero_connection_lost')).toHaveLength(1);
  });
});
