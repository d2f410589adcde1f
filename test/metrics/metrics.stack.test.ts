import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/stack';
import { startSyncStack, TENANT, type SyncStack } from '../sync/stack';

const METRICS_TOKEN = randomBytes(24).toString('hex');

let s: SyncStack | undefined;
let plain: TestStack | undefined;
afterEach(async () => {
  await s?.stack.stop();
  await plain?.stop();
  s = undefined;
  plain = undefined;
});

const scrapeRaw = (baseUrl: string, token?: string) => fetch(`${baseUrl}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

/** Every sample of a scrape, keyed as printed: `name{label="value",…}`. */
async function scrape(baseUrl: string): Promise<{ text: string; samples: Map<string, number> }> {
  const res = await scrapeRaw(baseUrl, METRICS_TOKEN);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return { text, samples };
}

type Logged = { method: string; path: string; status: number };
const clioLog = async (stack: SyncStack['stack']) => ((await stack.control('clio', 'GET', '/requests')) as { data: Logged[] }).data;

const value = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

/** Nothing due or running anywhere: what a scrape then says can be compared with the emulators' logs. */
async function quiet(stack: SyncStack['stack']): Promise<void> {
  await stack.clio.emulator.flushWebhooks();
  await eventually(async () => {
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from graphile_worker.jobs where locked_at is not null or (run_at <= now() and attempts < max_attempts)`.execute(stack.db);
    return Number(rows[0]!.n) === 0;
  }, 'no job due or running');
}

/** Which write carries each kind to Xero, and the array of the body that holds its records. */
const WRITES = {
  contact: [/^\/api\.xro\/2\.0\/Contacts(\/[^/]+)?$/, 'Contacts'],
  bill: [/^\/api\.xro\/2\.0\/Invoices(\/[^/]+)?$/, 'Invoices'],
  credit_memo: [/^\/api\.xro\/2\.0\/CreditNotes(\/[^/]+)?$/, 'CreditNotes'],
  credit_allocation: [/^\/api\.xro\/2\.0\/CreditNotes\/[^/]+\/Allocations$/, 'Allocations'],
  payment_allocation: [/^\/api\.xro\/2\.0\/Payments$/, 'Payments'],
} as const;

/** The records of each kind in the writes Xero accepted (200): what reached it. */
function recordsWritten(log: { method: string; path: string; status: number; body: unknown }[]): Record<string, number> {
  return Object.fromEntries(
    Object.entries(WRITES).map(([kind, [path, field]]) => [
      kind,
      log
        .filter((e) => (e.method === 'PUT' || e.method === 'POST') && e.status === 200 && path.test(e.path))
        .reduce((n, e) => n + ((e.body as Record<string, unknown[]> | undefined)?.[field]?.length ?? 0), 0),
    ]),
  );
}

describe('GET /metrics', () => {
  it('moves by what reached the emulators: records per kind, calls and 429s per service, runs, webhooks, queue', async () => {
    let before!: Map<string, number>;
    let xeroLogAt = 0;
    let logAt = 0;
    let clioLogAt = 0;
    let xeroDeliveriesAt = 0;
    let clioDeliveriesAt = 0;
    s = await startSyncStack({
      settings: { invoiceStatus: 'AUTHORISED' },
      env: { METRICS_TOKEN },
      beforeSettings: async (stack) => {
        await quiet(stack as SyncStack['stack']);
        before = (await scrape(stack.baseUrl)).samples;
        xeroLogAt = stack.xero.emulator.requestLog.entries.length;
        logAt = stack.logLines.length;
        clioLogAt = (await clioLog(stack as SyncStack['stack'])).length;
        clioDeliveriesAt = stack.clio.emulator.deliveries().length;
        xeroDeliveriesAt = (await stack.control('xero', 'GET', '/webhooks/deliveries')).length;
        await stack.control('clio', 'POST', '/faults', { method: 'GET', path_prefix: '/api/v4/bills', count: 2, kind: 429 });
        await stack.control('xero', 'POST', '/faults', { kind: '429', method: 'PUT', pathPrefix: '/api.xro/2.0/Invoices', count: 3 });
      },
    });
    const run = s;
    await run.settled('the first sync through the 429s', { allowRetries: true });
    // The fee earner approves one more bill: Clio's webhook reaches us.
    const { matterId } = await run.newClient('Metrics Test Pty Ltd');
    await run.newApprovedBill(matterId, 400);
    await run.settled('the approved bill');
    const clioDeliveries = run.stack.clio.emulator.deliveries().slice(clioDeliveriesAt);
    // One forged delivery to each receiver: refused.
    await fetch(`${run.stack.baseUrl}/webhooks/xero`, { method: 'POST', body: '{"events":[]}', headers: { 'x-xero-signature': 'forged' } });
    const clioHook = (await run.stack.db.selectFrom('clio_webhooks').select('id').executeTakeFirstOrThrow()).id;
    await fetch(`${run.stack.baseUrl}/webhooks/clio/${clioHook}`, { method: 'POST', body: '{}', headers: { 'x-hook-signature': 'forged' } });
    await quiet(run.stack);

    const xeroCalls = () => run.stack.xero.emulator.requestLog.entries.slice(xeroLogAt).filter((e) => e.path.startsWith('/api.xro/'));
    const clioCalls = (await clioLog(run.stack)).slice(clioLogAt).filter((e) => e.path.startsWith('/api/v4/'));
    const delta = (m: Map<string, number>, key: string) => value(m, key) - value(before, key);

    // Xero's webhooks arrive in the background; the counter must reach exactly what the emulator delivered.
    const xeroAttempts = async () => {
      const deliveries = ((await run.stack.control('xero', 'GET', '/webhooks/deliveries')) as { attempts: { status: number | string }[] }[]).slice(xeroDeliveriesAt);
      return deliveries.flatMap((d) => d.attempts).filter((a) => typeof a.status === 'number' && a.status >= 200 && a.status < 300).length;
    };
    let after!: Map<string, number>;
    await eventually(async () => {
      after = (await scrape(run.stack.baseUrl)).samples;
      return delta(after, 'webhook_deliveries_total{service="xero",outcome="accepted"}') === (await xeroAttempts());
    }, 'the Xero webhooks to be counted');
    expect(await xeroAttempts()).toBeGreaterThan(0);

    const synced = Object.fromEntries(Object.keys(WRITES).map((kind) => [kind, delta(after, `sync_records_total{kind="${kind}",outcome="synced"}`)]));
    const landed = recordsWritten(run.stack.xero.emulator.requestLog.entries.slice(xeroLogAt));
    expect(synced).toEqual(landed);
    expect(landed.bill).toBeGreaterThan(10);
    expect(landed.contact).toBeGreaterThan(5);
    expect(delta(after, 'sync_records_total{kind="bill",outcome="failed"}')).toBe(0);

    expect({
      xeroCalls: delta(after, 'api_calls_total{service="xero"}'),
      xero429: delta(after, 'api_rate_limited_total{service="xero"}'),
      clioCalls: delta(after, 'api_calls_total{service="clio"}'),
      clio429: delta(after, 'api_rate_limited_total{service="clio"}'),
    }).toEqual({
      xeroCalls: xeroCalls().length,
      xero429: 3,
      clioCalls: clioCalls.length,
      clio429: 2,
    });
    expect(xeroCalls().filter((e) => e.status === 429)).toHaveLength(3);
    expect(clioCalls.filter((e) => e.status === 429)).toHaveLength(2);

    expect(clioDeliveries.length).toBeGreaterThan(0);
    expect(clioDeliveries.filter((d) => d.status !== 200 || d.attempts !== 1)).toEqual([]);
    expect(delta(after, 'webhook_deliveries_total{service="clio",outcome="accepted"}')).toBe(clioDeliveries.length);
    expect(delta(after, 'webhook_deliveries_total{service="clio",outcome="refused"}')).toBe(1);
    expect(delta(after, 'webhook_deliveries_total{service="xero",outcome="refused"}')).toBe(1);

    const started = delta(after, 'sync_runs_total{outcome="started"}');
    expect(started).toBeGreaterThan(0);
    // Each failed run is a sync job graphile-worker saw fail (and retried).
    const failedJobs = run.stack.logLines.slice(logAt).filter((l) => /"msg":"Failed task \d+ \(sync_/.test(l));
    expect(failedJobs.length).toBeGreaterThan(0);
    expect(delta(after, 'sync_runs_total{outcome="failed"}')).toBe(failedJobs.length);
    expect(delta(after, 'sync_runs_total{outcome="succeeded"}')).toBe(started - failedJobs.length);
    expect(delta(after, 'sync_day_limit_parks_total')).toBe(0);
    expect(delta(after, 'token_refreshes_failed_total{service="clio"}')).toBe(0);
    expect(value(after, 'job_queue_depth')).toBe(0);

    // A job no worker here runs (its task is unknown), due 90 s ago: the queue is that deep and that old.
    await sql`select graphile_worker.add_job('metrics_probe', '{}'::json, run_at => now() - interval '90 seconds')`.execute(run.stack.db);
    const queued = (await scrape(run.stack.baseUrl)).samples;
    expect(value(queued, 'job_queue_depth')).toBe(1);
    expect(value(queued, 'job_queue_oldest_age_seconds')).toBeGreaterThanOrEqual(90);
    expect(value(queued, 'job_queue_oldest_age_seconds')).toBeLessThan(90 + 60);
  });

  it('counts a refused token refresh and a day-limit park', async () => {
    s = await startSyncStack({ settings: { invoiceStatus: 'AUTHORISED' }, env: { METRICS_TOKEN } });
    const run = s;
    await run.settled('the first sync');
    const before = (await scrape(run.stack.baseUrl)).samples;
    const clioAt = (await clioLog(run.stack)).length;
    await run.stack.control('clio', 'POST', '/tokens/expire_all', {});
    await run.stack.control('clio', 'POST', '/faults', { method: 'POST', path_prefix: '/oauth/token', count: 1, kind: 500 });
    await run.stack.control('xero', 'POST', '/faults', { kind: '429', problem: 'day', method: 'GET', pathPrefix: '/api.xro/2.0/', count: 1 });
    await run.call('POST', '/api/sync/now');
    await run.settled('the sync after the refused refresh', { allowRetries: true });
    const after = (await scrape(run.stack.baseUrl)).samples;
    const refused = (await clioLog(run.stack)).slice(clioAt).filter((e) => e.path === '/oauth/token' && e.status === 500);
    expect(refused).toHaveLength(1);
    expect(value(after, 'token_refreshes_failed_total{service="clio"}') - value(before, 'token_refreshes_failed_total{service="clio"}')).toBe(1);
    expect(value(after, 'sync_day_limit_parks_total') - value(before, 'sync_day_limit_parks_total')).toBe(1);
  });

  it('shows counts only: no firm, tenant, record, name or secret', async () => {
    s = await startSyncStack({ settings: { invoiceStatus: 'AUTHORISED' }, env: { METRICS_TOKEN } });
    await s.settled('the first sync');
    const { text } = await scrape(s.stack.baseUrl);
    const tenant = s.tenant();
    const forbidden = [
      s.firmId,
      TENANT,
      s.token,
      METRICS_TOKEN,
      s.stack.config.SECRET_KEY!,
      s.stack.config.DATABASE_URL!,
      ...[...tenant.contacts.values()].map((c) => c.Name),
      ...[...tenant.invoices.values()].flatMap((i) => [i.id, i.Number]),
    ].filter((v) => v && v.length > 3);
    expect(forbidden.filter((v) => text.includes(v))).toEqual([]);
    // Every label is one of a closed set: ours (service, kind, outcome) and Node's default metrics'.
    const labelNames = new Set([...text.matchAll(/[{,]([a-z_]+)="/g)].map((m) => m[1]));
    expect([...labelNames].filter((n) => !['service', 'kind', 'outcome', 'version', 'major', 'minor', 'patch', 'space', 'type', 'le'].includes(n!))).toEqual([]);
    const kinds = new Set([...text.matchAll(/\bkind="([^"]*)"/g)].map((m) => m[1]));
    expect(
      [...kinds].filter(
        (k) => !['contact', 'bill', 'credit_memo', 'credit_allocation', 'payment_allocation', 'hard_cost', 'major', 'minor', 'incremental', 'weakcb'].includes(k!),
      ),
    ).toEqual([]);
  });

  describe('access', () => {
    it('with METRICS_TOKEN: 401 in the error envelope without it or with another, 200 with it', async () => {
      plain = await startTestStack({ env: { METRICS_TOKEN } });
      for (const token of [undefined, 'x'.repeat(48), `${METRICS_TOKEN}x`]) {
        const res = await scrapeRaw(plain.baseUrl, token);
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'A valid metrics token is required.', requestId: expect.any(String) } });
      }
      const basic = await fetch(`${plain.baseUrl}/metrics`, { headers: { authorization: `Basic ${METRICS_TOKEN}` } });
      expect(basic.status).toBe(401);
      expect((await scrapeRaw(plain.baseUrl, METRICS_TOKEN)).status).toBe(200);
    });

    it('in production without METRICS_TOKEN: off (404 in the envelope), whatever is sent', async () => {
      plain = await startTestStack();
      const res = await scrapeRaw(plain.baseUrl, 'anything-at-all-anything-at-all-anything');
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Metrics are off: set METRICS_TOKEN to read them.', requestId: expect.any(String) } });
    });

    it('in sandbox mode without METRICS_TOKEN: open', async () => {
      plain = await startTestStack({ env: { SANDBOX: '1' } });
      const res = await scrapeRaw(plain.baseUrl);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# TYPE sync_records_total counter');
    });

    it('a short or spaced METRICS_TOKEN stops the start, without echoing it', () => {
      for (const bad of ['short', `${'a'.repeat(20)} ${'b'.repeat(20)}`]) {
        let err: unknown;
        try {
          loadConfig({ METRICS_TOKEN: bad });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message).toMatch(/^Invalid configuration: METRICS_TOKEN expected at least 32 printable characters/);
        expect((err as Error).message).not.toContain(bad);
      }
    });
  });
});
