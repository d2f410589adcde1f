import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uiStaticRoutes } from '../../server/http/routes/ui-static';
import { TASK } from '../../server/jobs/enqueue';
import { uiApiHarness, type UiApiHarness } from './app-harness';
import { settingsForSeededChart, startConnectedStack } from './connected-stack';

let h: UiApiHarness;
beforeAll(async () => {
  h = await uiApiHarness();
});
afterAll(() => h.stop());

describe('UI API: the everyday calls', () => {
  it('GET /api/public/regions lists the configured Clio regions for the sign-in screen', async () => {
    const res = await h.call('GET', '/api/public/regions');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ regions: [{ code: 'au', label: 'Australia', host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }] });
  });

  it('GET /api/me: who is signed in, their firm, and Xero not connected yet', async () => {
    const { token } = await h.firmWithUser({ name: 'Smith & Co', admin: true });
    const me = await (await h.call('GET', '/api/me', token)).json();
    expect(me).toEqual({
      user: { name: expect.any(String), email: expect.any(String), isAdmin: true },
      firm: { name: 'Smith & Co', clioRegion: 'au' },
      xero: { status: 'not_connected', tenantName: null },
    });
  });

  it("GET /api/settings: a new firm's defaults", async () => {
    const { token } = await h.firmWithUser();
    const { settings } = await (await h.call('GET', '/api/settings', token)).json();
    expect(settings).toMatchObject({
      syncBills: true,
      onlyApprovedBills: true,
      invoiceStatus: 'AUTHORISED',
      creditNoteTaxMode: 'pro_rata',
      syncFromXero: false,
      syncHardCosts: false,
      sweepIntervalMinutes: 5,
      timeAccountCode: null,
      categoryAccounts: [],
    });
  });

  it('PUT /api/settings saves what needs no Xero account and returns it', async () => {
    const { token } = await h.firmWithUser();
    const { settings } = await (await h.call('GET', '/api/settings', token)).json();
    const next = { ...settings, syncBills: false, billDateFrom: '2026-01-01', billDateTo: '2026-06-30', sweepIntervalMinutes: 20, notifyEmail: 'ops@example.com' };
    const res = await h.call('PUT', '/api/settings', token, next);
    expect(res.status).toBe(200);
    expect((await res.json()).settings).toEqual(next);
    expect((await (await h.call('GET', '/api/settings', token)).json()).settings).toEqual(next);
  });

  it('POST /api/session/renew gives a fresh token for the same user', async () => {
    const u = await h.firmWithUser({ admin: true });
    const res = await h.call('POST', '/api/session/renew', u.token);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.expiresInSeconds).toBe(900);
    expect(await h.sessions.verify(body.token)).toMatchObject({ firmId: u.firmId, userId: u.userId, isAdmin: true });
  });

  it('GET /api/records/:kind/:id shows the link; POST queues a sync of that record on the firm queue', async () => {
    const u = await h.firmWithUser({ admin: false });
    expect(await (await h.call('GET', '/api/records/contact/42', u.token)).json()).toEqual({
      kind: 'contact',
      id: '42',
      clioUrl: expect.stringMatching(/\/nc\/#\/contacts\/42$/),
      xeroUrl: null,
      link: null,
      history: [],
    });
    const res = await h.call('POST', '/api/records/contact/42', u.token);
    expect(res.status).toBe(202);
    expect(h.jobs.at(-1)).toEqual({
      task: TASK.syncRecords,
      payload: { firmId: u.firmId, source: 'clio', kind: 'contact', ids: ['42'], reason: 'manual' },
      spec: { queueName: `firm:${u.firmId}`, maxAttempts: 10, jobKey: `sync_record:${u.firmId}:clio:contact:42` },
    });
  });
});

describe('serving the built UI', () => {
  let dist: string;
  let app: ReturnType<typeof uiStaticRoutes>;
  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'ui-dist-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>ui</title><script type="module" src="/app/assets/main-abc.js"></script>');
    await writeFile(join(dist, 'assets', 'main-abc.js'), 'console.log(1)');
    app = uiStaticRoutes(dist);
  });
  afterAll(() => rm(dist, { recursive: true, force: true }));

  it('GET / redirects to /app/', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/');
  });

  it.each(['/app', '/app/', '/app/settings', '/app/settings/xero-organisation', '/app/records/bill/12'])('%s is the single page', async (path) => {
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('/app/assets/main-abc.js');
  });

  it('assets are served with a year-long immutable cache; unknown or escaping paths are 404', async () => {
    const res = await app.request('/app/assets/main-abc.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/app/assets/missing.js', '/app/assets/..%2Findex.html', '/app/assets/%2e%2e/%2e%2e/package.json']) {
      expect((await app.request(path)).status).toBe(404);
    }
  });
});

describe('UI API with Xero connected (emulator)', () => {
  let connected: Awaited<ReturnType<typeof startConnectedStack>>;
  beforeAll(async () => {
    connected = await startConnectedStack();
  }, 60_000);
  afterAll(() => connected?.stack.stop());

  it('GET /api/me shows the connected organisation', async () => {
    const { body } = await connected.call('GET', '/api/me');
    expect(body.xero).toEqual({ status: 'active', tenantName: 'Harbour Legal Pty Ltd' });
  });

  it('GET /api/xero/accounts: pickers of active, fitting accounts; a bank account without a code is disabled with the reason', async () => {
    const { status, body } = await connected.call('GET', '/api/xero/accounts');
    expect(status).toBe(200);
    const codes = (list: { code: string | null }[]) => list.map((o) => o.code);
    expect(codes(body.revenue)).toEqual(['200', '210', '260', '270', '280']);
    expect(codes(body.expense)).toEqual(['310', '320', '400', '404', '412', '425', '429', '453', '461', '469', '485', '489', '493']);
    expect(body.bank).toEqual([
      { code: '090', name: 'Business Cheque Account', type: 'BANK', disabled: false },
      { code: '091', name: 'Business Savings Account', type: 'BANK', disabled: false },
      {
        code: null,
        name: 'Business Credit Card',
        type: 'BANK',
        disabled: true,
        reason: "This bank account has no code in Xero; add one in Xero's chart of accounts to use it",
      },
    ]);
  });

  it("GET /api/xero/tax-rates: the organisation's own active rates", async () => {
    const { status, body } = await connected.call('GET', '/api/xero/tax-rates');
    expect(status).toBe(200);
    expect(body.taxRates.map((t: { taxType: string }) => t.taxType)).toEqual(expect.arrayContaining(['OUTPUT', 'EXEMPTOUTPUT', 'INPUT', 'BASEXCLUDED']));
    expect(body.taxRates.every((t: { status: string }) => t.status === 'ACTIVE')).toBe(true);
  });

  it('PUT /api/settings with accounts chosen from the chart saves them', async () => {
    const settings = settingsForSeededChart();
    const { status, body } = await connected.call('PUT', '/api/settings', settings);
    expect(status).toBe(200);
    expect(body.settings).toEqual(settings);
    expect((await connected.call('GET', '/api/settings')).body.settings).toEqual(settings);
  });
});
