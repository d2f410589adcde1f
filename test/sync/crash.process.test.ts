import { rm } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { createDatabase } from '../../server/db/database';
import { freePort } from '../../server/net/free-port';
import { billTotals } from '../emulators/clio/bill-totals';
import { startEmulators, type RunningEmulators } from '../emulators/start';
import { SEED_TENANTS } from '../emulators/xero/index';
import { createEmptyDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { killStrayServerProcesses, startServerProcess, type ServerProcess } from '../support/process';
import { installAndConnect } from '../support/install';
import { productionLikeEnv } from '../support/stack';
import { settingsForSeededChart } from '../ui-api/connected-stack';

/**
 * The server process is killed (SIGKILL: no shutdown, no lock released) while Xero has saved the
 * first batch of invoices but before the answer reached us; a new process on the same database
 * finishes the work with exactly one invoice per bill.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  killStrayServerProcesses();
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

it('a server killed mid-sync and restarted ends with exactly one Xero record per Clio record', async () => {
  const database = await createEmptyDatabase();
  cleanups.push(() => database.drop());
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const emulators: RunningEmulators = await startEmulators({ clioPort: 0, xeroPort: 0, addonUrl: baseUrl, clio: { timeScale: 20 }, xero: { webhookBatchMs: 10 } });
  cleanups.push(() => emulators.stop());
  const env: Record<string, string> = {
    ...(await productionLikeEnv({ port, databaseUrl: database.url, emulators })),
    LOG_LEVEL: 'info',
    CLIO_RATE_WINDOW_MS: '3000',
    XERO_TIMEOUT_MS: '60000',
    JOB_HEARTBEAT_MS: '200',
    JOB_WORKER_DEAD_AFTER_MS: '2000',
  };
  cleanups.push(() => rm(env.DATA_DIR as string, { recursive: true, force: true }));
  const ready = async (p: ServerProcess) => {
    await p.waitForLine((l) => typeof l.startupMs === 'number');
    await eventually(async () => (await fetch(`${baseUrl}/readyz`).catch(() => undefined))?.status === 200, 'readyz');
  };
  const xeroControl = (method: string, path: string, body?: unknown) =>
    fetch(`${emulators.xero.url}/_emulator${path}`, { method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });

  const first = startServerProcess(env);
  await ready(first);
  // Install from Clio, connect Xero, as the admin does.
  const { call } = await installAndConnect(baseUrl, SEED_TENANTS.primary.tenantId);

  // Xero saves the first invoice batch, then never answers.
  await xeroControl('POST', '/faults', { kind: 'timeout', method: 'PUT', pathPrefix: '/api.xro/2.0/Invoices', afterCommit: true, hangMs: 120_000 });
  expect((await call('PUT', '/api/settings', settingsForSeededChart({ invoiceStatus: 'AUTHORISED', syncHardCosts: false, categoryAccounts: [] }))).status).toBe(200);
  const tenant = () => emulators.xero.emulator.state.tenants.get(SEED_TENANTS.primary.tenantId)!;
  await eventually(() => [...tenant().invoices.values()].length > 0, 'Xero to save the first batch', 60_000);
  first.child.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');
  await xeroControl('DELETE', '/faults');

  const restartedAt = new Date();
  const second = startServerProcess(env);
  await ready(second);
  const { db } = createDatabase(database.url, { max: 2 });
  cleanups.unshift(() => db.destroy());
  const { firmId } = await db.selectFrom('firms').select('id as firmId').executeTakeFirstOrThrow();
  // The dead worker's lock is freed by the new process's heartbeat check; the retried run finishes.
  await eventually(
    async () => {
      const run = await db.selectFrom('sync_runs').select('last_success_at').where('firm_id', '=', firmId).executeTakeFirst();
      const { rows } = await sql<{ n: string }>`select count(*) as n from graphile_worker._private_jobs where task_id in
        (select id from graphile_worker._private_tasks where identifier = 'sync_firm') and attempts < max_attempts`.execute(db);
      return Boolean(run?.last_success_at && run.last_success_at > restartedAt) && Number(rows[0]!.n) === 0;
    },
    'the restarted process to finish the sync',
    90_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${second.lines.slice(-30).join('\n')}`);
  });
  second.child.kill('SIGTERM');
  await second.exited;

  const reviewed = new Set(
    (await db.selectFrom('contact_match_reviews').select('clio_contact_id').where('resolved_at', 'is', null).execute()).map((r) => Number(r.clio_contact_id)),
  );
  const clio = emulators.clio.emulator.state;
  const ready_ = clio.bills.all().filter((b) => (b.state === 'awaiting_payment' || b.state === 'paid') && !reviewed.has(b.client_id));
  expect(ready_.length).toBeGreaterThan(10);
  for (const bill of ready_) {
    const found = [...tenant().invoices.values()].filter((i) => i.Number === bill.number);
    expect(found, `bill ${bill.number}`).toHaveLength(1);
    expect(found[0]!.Total).toBe(billTotals(clio, bill).total);
  }
  const numbers = [...tenant().contacts.values()].map((c) => c.fields.ContactNumber).filter((n) => typeof n === 'string' && n.startsWith('CLIO-'));
  expect(new Set(numbers).size).toBe(numbers.length);
  const adopted = await db.selectFrom('sync_log').select('reason').where('kind', '=', 'bill').where('action', '=', 'create').execute();
  expect(adopted.some((l) => /earlier attempt/.test(l.reason))).toBe(true);
}, 240_000);
