import { readdir, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { resolve } from 'node:path';
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
 * How the product scales out: two real server processes on one Postgres, behind one address (a
 * round-robin proxy stands in for the load balancer), started at the same moment. Migrations run
 * once, each cron tick is swept once, jobs and webhooks land on either process, nothing is
 * duplicated in Xero, a killed process's firms are taken over, and together they stay inside
 * Xero's limits for the organisation (its emulator refuses with 429 past 60 calls a window or 5
 * in flight, so none may appear).
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  killStrayServerProcesses();
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

const TENANT = SEED_TENANTS.primary.tenantId;
/** Xero's and Clio's windows shrunk 20 times on both sides (the limits stay): 60 calls per 3 s. */
const WINDOW_MS = 3000;

/** Forwards each request to the next live target in turn; counts which target each path prefix reached. */
function roundRobin(targets: () => number[]): { server: Server; hits: Map<string, Map<number, number>> } {
  const hits = new Map<string, Map<number, number>>();
  let next = 0;
  const server = createServer((req, res) => {
    const live = targets();
    const forward = (attempt: number) => {
      const port = live[(next + attempt) % live.length]!;
      const upstream = request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        const prefix = (req.url ?? '').split('/').slice(0, 3).join('/');
        const byPort = hits.get(prefix) ?? hits.set(prefix, new Map()).get(prefix)!;
        byPort.set(port, (byPort.get(port) ?? 0) + 1);
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => (attempt + 1 < live.length ? forward(attempt + 1) : res.writeHead(502).end()));
      req.pipe(upstream);
    };
    next = (next + 1) % Math.max(1, live.length);
    forward(0);
  });
  return { server, hits };
}

it('two processes on one database share the work: migrations once, one sweep a tick, webhooks at either, no duplicate, takeover after a kill, Xero limits kept', async () => {
  const database = await createEmptyDatabase();
  cleanups.push(() => database.drop());
  const [portA, portB, proxyPort] = [await freePort(), await freePort(), await freePort()];
  const alive = new Set([portA, portB]);
  const { server: proxy, hits } = roundRobin(() => [...alive]);
  await new Promise<void>((r) => proxy.listen(proxyPort, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => proxy.close(r)));
  const baseUrl = `http://127.0.0.1:${proxyPort}`;
  const emulators: RunningEmulators = await startEmulators({
    clioPort: 0,
    xeroPort: 0,
    addonUrl: baseUrl,
    clio: { timeScale: 20 },
    xero: { webhookBatchMs: 10, timeScale: 0.05 },
  });
  cleanups.push(() => emulators.stop());
  const env: Record<string, string> = {
    ...(await productionLikeEnv({ port: proxyPort, databaseUrl: database.url, emulators })),
    LOG_LEVEL: 'info',
    CLIO_RATE_WINDOW_MS: String(WINDOW_MS),
    XERO_RATE_WINDOW_MS: String(WINDOW_MS),
    JOB_HEARTBEAT_MS: '200',
    JOB_WORKER_DEAD_AFTER_MS: '2000',
  };
  cleanups.push(() => rm(env.DATA_DIR as string, { recursive: true, force: true }));

  // The same moment, the same empty database.
  const a = startServerProcess({ ...env, PORT: String(portA) });
  const b = startServerProcess({ ...env, PORT: String(portB) });
  const ready = async (p: ServerProcess, port: number) => {
    await p.waitForLine((l) => typeof l.startupMs === 'number', 90_000);
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 'readyz', 30_000);
  };
  await Promise.all([ready(a, portA), ready(b, portB)]);
  const { db } = createDatabase(database.url, { max: 2 });
  cleanups.unshift(() => db.destroy());

  // Migrations ran once: each file recorded once, and neither process logged an error doing it.
  const files = (await readdir(resolve(import.meta.dirname, '../../migrations'))).filter((f) => /^\d{4}_\d\d_\d\d_\d{4}_.*\.ts$/.test(f));
  const { rows: migrated } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  expect(migrated.map((m) => m.name).sort()).toEqual(files.map((f) => f.replace(/\.ts$/, '')).sort());
  const errorsOf = (p: ServerProcess) => p.lines.filter((l) => /"level":(50|60)/.test(l));
  expect([...errorsOf(a), ...errorsOf(b)]).toEqual([]);

  // Install and connect through the shared address (any request may land on either process).
  const { call } = await installAndConnect(baseUrl, TENANT);
  expect((await call('PUT', '/api/settings', settingsForSeededChart({ invoiceStatus: 'AUTHORISED', syncHardCosts: false, categoryAccounts: [] }))).status).toBe(200);
  const { firmId } = await db.selectFrom('firms').select('id as firmId').executeTakeFirstOrThrow();

  const clio = emulators.clio.emulator;
  const tenant = () => emulators.xero.emulator.state.tenants.get(TENANT)!;
  const control = async (path: string, body: unknown) => {
    const r = await fetch(`${emulators.clio.url}/_emulator${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return ((await r.json()) as { data: { id: number; number: string } }).data;
  };
  /** New approved bills for one new client, each reaching us by Clio's webhook (through the proxy). */
  const newBills = async (name: string, count: number) => {
    const contact = await control('/contacts', { type: 'Company', name });
    const matter = await control('/matters', { client_id: contact.id, description: `Advice for ${name}` });
    const bills: { id: number; number: string }[] = [];
    for (let i = 0; i < count; i++) {
      const entry = await control('/activities', {
        type: 'TimeEntry',
        quantity: 3600,
        price: 100 + i,
        matter: { id: matter.id },
        note: 'Advice',
        tax_setting: 'tax_1_only',
      });
      const bill = await control('/bills', { activity_ids: [entry.id] });
      await fetch(`${emulators.clio.url}/_emulator/bills/${bill.id}/approve`, { method: 'POST' });
      bills.push(bill);
    }
    return bills;
  };
  const queueEmpty = async () => {
    const { rows } = await sql<{ n: string }>`select count(*) as n from graphile_worker._private_jobs j
      join graphile_worker._private_job_queues q on q.id = j.job_queue_id
      where q.queue_name like ${`firm:${firmId}%`} and j.attempts < j.max_attempts`.execute(db);
    return Number(rows[0]!.n) === 0;
  };
  const exactlyOnce = async (bills: { id: number; number: string }[], what: string) => {
    await eventually(async () => bills.every((b) => [...tenant().invoices.values()].some((i) => i.Number === b.number)) && (await queueEmpty()), what, 90_000).catch(
      (err: Error) => {
        throw new Error(`${err.message}\n--- A\n${a.lines.slice(-15).join('\n')}\n--- B\n${b.lines.slice(-15).join('\n')}`);
      },
    );
    for (const bill of bills) {
      const found = [...tenant().invoices.values()].filter((i) => i.Number === bill.number);
      expect(found, `bill ${bill.number}`).toHaveLength(1);
      expect(found[0]!.Total).toBe(billTotals(clio.state, clio.state.bills.require(bill.id)).total);
    }
  };

  // Work from webhooks, spread over both processes by the proxy.
  const first = await newBills('Two Process Holdings', 40);
  await clio.flushWebhooks();
  await exactlyOnce(first, 'the webhook-driven bills to reach Xero');
  const clioHooks = hits.get('/webhooks/clio') ?? new Map<number, number>();
  expect([...clioHooks.keys()].sort()).toEqual([portA, portB].sort());
  // Jobs go to whichever process takes them first: together they ran the firm's work.
  const completions = (p: ServerProcess) => p.lines.filter((l) => /Completed task \d+ \(sync_/.test(l)).length;
  expect(completions(a) + completions(b), 'sync jobs ran').toBeGreaterThan(0);
  const byBeforeKill = completions(b);

  // A process killed outright (no shutdown) while work is queued: the other takes the firm over.
  const second = await newBills('After The Kill Pty Ltd', 10);
  a.child.kill('SIGKILL');
  alive.delete(portA);
  await a.exited;
  await clio.flushWebhooks();
  await exactlyOnce(second, 'the surviving process to take the firm over');
  expect(completions(b), 'the survivor ran the work queued at the kill').toBeGreaterThan(byBeforeKill);

  // No record twice in Xero: one contact per Clio client, one invoice per bill number.
  const numbers = [...tenant().invoices.values()].filter((i) => i.Status !== 'DELETED').map((i) => i.Number);
  expect(new Set(numbers).size).toBe(numbers.length);
  const contactNumbers = [...tenant().contacts.values()].map((c) => c.fields.ContactNumber).filter((n) => typeof n === 'string' && n.startsWith('CLIO-'));
  expect(new Set(contactNumbers).size).toBe(contactNumbers.length);

  // One sweep per cron tick across both processes (the run spans at least one minute's tick).
  await eventually(() => [...a.lines, ...b.lines].some((l) => l.includes('due firms queued for their sweep')), 'a cron tick', 70_000);
  const ticks = [...a.lines, ...b.lines].filter((l) => l.includes('due firms queued for their sweep')).map((l) => (JSON.parse(l) as { tick: string }).tick);
  expect(ticks.every((t) => typeof t === 'string')).toBe(true);
  expect(new Set(ticks).size).toBe(ticks.length);

  // Xero's limits for the organisation, over both processes: measured from what the emulator saw.
  const calls = emulators.xero.emulator.requestLog.entries.filter((e) => e.path.startsWith('/api.xro/') && e.headers['xero-tenant-id'] === TENANT);
  const refused = calls.filter((e) => e.status === 429).length;
  let peakInFlight = 0;
  for (const c of calls) peakInFlight = Math.max(peakInFlight, calls.filter((o) => o.at <= c.at && (o.doneAt === 0 || o.doneAt > c.at)).length);
  let peakWindow = 0;
  for (const c of calls) peakWindow = Math.max(peakWindow, calls.filter((o) => o.at >= c.at && o.at < c.at + WINDOW_MS).length);
  console.log(JSON.stringify({ xero_calls: calls.length, xero_429s: refused, peak_in_flight: peakInFlight, peak_calls_per_window: peakWindow, window_ms: WINDOW_MS }));
  expect(refused).toBe(0);
  expect(peakInFlight).toBeLessThanOrEqual(5);
  expect(peakWindow).toBeLessThanOrEqual(60);
  b.child.kill('SIGTERM');
  await b.exited;
}, 300_000);
