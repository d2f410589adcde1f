import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { insertContactLink } from '../../server/sync/links';
import { upsertUser } from '../../server/firms/repository';
import { getSettings, saveSettings } from '../../server/settings/repository';
import { craftedToken, expectEnvelope, uiApiHarness, type UiApiHarness } from './app-harness';
import { SEED_TENANTS } from '../emulators/xero/index';
import { connectFirm } from '../xero/stack';
import { startConnectedStack } from './connected-stack';

let h: UiApiHarness;
beforeAll(async () => {
  h = await uiApiHarness();
});
afterAll(() => h.stop());

const offSettings = {
  syncBills: false,
  onlyApprovedBills: true,
  billDateFrom: null,
  billDateTo: null,
  invoiceStatus: 'DRAFT',
  timeAccountCode: null,
  expenseAccountCode: null,
  interestAccountCode: null,
  creditNoteAccountCode: null,
  creditNoteTaxMode: 'pro_rata',
  timeTaxType: null,
  expenseTaxType: null,
  interestTaxType: null,
  timeUntaxedTaxType: null,
  expenseUntaxedTaxType: null,
  paymentBankAccountCode: null,
  syncFromXero: false,
  clioPaymentBankAccountId: null,
  syncHardCosts: false,
  hardCostStartDate: null,
  hardCostAccountCode: null,
  hardCostBankAccountCode: null,
  sweepIntervalMinutes: 30,
  notifyEmail: null,
  categoryAccounts: [],
};

describe('UI API: who may do what', () => {
  const protectedRoutes: [string, string][] = [
    ['GET', '/api/me'],
    ['GET', '/api/settings'],
    ['PUT', '/api/settings'],
    ['GET', '/api/xero/accounts'],
    ['GET', '/api/xero/tax-rates'],
    ['GET', '/api/clio/categories'],
    ['GET', '/api/clio/bank-accounts'],
    ['GET', '/api/records/bill/1'],
    ['POST', '/api/records/bill/1'],
    ['POST', '/api/session/renew'],
  ];

  it.each(protectedRoutes)('%s %s without a token is 401 in the error envelope', async (method, path) => {
    const res = await h.call(method, path);
    expect(res.status).toBe(401);
    expectEnvelope(await res.json(), 'UNAUTHORIZED');
  });

  it('an expired token is 401 and says so', async () => {
    const { firmId, userId } = await h.firmWithUser();
    const res = await h.call('GET', '/api/settings', await craftedToken({ firmId, userId }, { expired: true }));
    expect(res.status).toBe(401);
    const body = await res.json();
    expectEnvelope(body, 'UNAUTHORIZED');
    expect(body.error.message).toMatch(/expired/);
  });

  it('a token signed with another key, or garbage, is 401', async () => {
    const { firmId, userId } = await h.firmWithUser();
    for (const token of [await craftedToken({ firmId, userId }, { key: new Uint8Array(32).fill(9) }), 'not.a.jwt']) {
      const res = await h.call('GET', '/api/settings', token);
      expect(res.status).toBe(401);
      expectEnvelope(await res.json(), 'UNAUTHORIZED');
    }
  });

  it('a user who is not a Clio administrator can read settings but not change them (403)', async () => {
    const { token } = await h.firmWithUser({ admin: false });
    expect((await h.call('GET', '/api/settings', token)).status).toBe(200);
    const res = await h.call('PUT', '/api/settings', token, offSettings);
    expect(res.status).toBe(403);
    expectEnvelope(await res.json(), 'FORBIDDEN');
  });

  it("firm A's token reads and changes only firm A's settings", async () => {
    const a = await h.firmWithUser({ name: 'Firm A' });
    const b = await h.firmWithUser({ name: 'Firm B' });
    const before = await (await h.call('GET', '/api/settings', b.token)).json();

    const put = await h.call('PUT', '/api/settings', a.token, { ...offSettings, notifyEmail: 'a@example.com' });
    expect(put.status).toBe(200);
    expect(await (await h.call('GET', '/api/settings', b.token)).json()).toEqual(before);
    expect((await (await h.call('GET', '/api/settings', a.token)).json()).settings.notifyEmail).toBe('a@example.com');

    // A firm id in the payload is refused rather than obeyed.
    const smuggled = await h.call('PUT', '/api/settings', a.token, { ...offSettings, firmId: b.firmId });
    expect(smuggled.status).toBe(422);
    expect((await h.call('GET', '/api/me', a.token).then((r) => r.json())).firm.name).toBe('Firm A');
  });

  it('each firm reads only its own category overrides, though both firms have some', async () => {
    const a = await h.firmWithUser({ name: 'Overrides A' });
    const b = await h.firmWithUser({ name: 'Overrides B' });
    const base = (await getSettings(h.db, a.firmId))!;
    // Written as the settings page's PUT writes them (its validation needs a Xero chart, which this harness has not).
    await saveSettings(h.db, a.firmId, { ...base, categoryAccounts: [{ clioKind: 'activity_description', clioId: '11', accountCode: '260' }] });
    await saveSettings(h.db, b.firmId, { ...base, categoryAccounts: [{ clioKind: 'expense_category', clioId: '7', accountCode: '200' }] });
    const read = async (token: string) => (await (await h.call('GET', '/api/settings', token)).json()).settings.categoryAccounts;
    expect(await read(a.token)).toEqual([{ clioKind: 'activity_description', clioId: '11', accountCode: '260' }]);
    expect(await read(b.token)).toEqual([{ clioKind: 'expense_category', clioId: '7', accountCode: '200' }]);
  });

  it("firm A's token never reads firm B's record links", async () => {
    const a = await h.firmWithUser();
    const b = await h.firmWithUser();
    // Both firms have a link for Clio record 77, written as contact matching writes them.
    expect(await insertContactLink(h.db, a.firmId, { clioId: '77', xeroId: 'xero-contact-a' })).toBe('linked');
    expect(await insertContactLink(h.db, b.firmId, { clioId: '77', xeroId: 'xero-contact-b' })).toBe('linked');
    const link = async (token: string) => (await (await h.call('GET', '/api/records/contact/77', token)).json()).link;
    expect(await link(a.token)).toMatchObject({ xeroId: 'xero-contact-a' });
    expect(await link(b.token)).toMatchObject({ xeroId: 'xero-contact-b' });
    expect((await (await h.call('GET', '/api/records/contact/78', a.token)).json()).link).toBeNull();
  });

  it('renewing re-reads the user: a removed user gets 401, a demoted admin loses admin', async () => {
    const u = await h.firmWithUser({ admin: true });
    // Clio demotes the user; the next install or sign-in records it as install does.
    const row = await h.db.selectFrom('users').selectAll().where('id', '=', u.userId).executeTakeFirstOrThrow();
    await upsertUser(h.db, { firmId: u.firmId, clioUserId: row.clio_user_id, name: row.name, email: row.email, isAdmin: false });
    const renewed = await h.call('POST', '/api/session/renew', u.token);
    expect(renewed.status).toBe(200);
    const { token } = await renewed.json();
    expect((await h.sessions.verify(token)).isAdmin).toBe(false);

    // A validly signed session for a user the firm does not have.
    const gone = await h.call('POST', '/api/session/renew', await craftedToken({ firmId: u.firmId, userId: randomUUID() }, {}));
    expect(gone.status).toBe(401);
    expectEnvelope(await gone.json(), 'UNAUTHORIZED');
  });
});

describe('security headers', () => {
  it('CSP lets only Clio (and the configured Clio host) frame us, and only our own scripts run', async () => {
    const res = await h.call('GET', '/api/public/regions');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const ancestors = /frame-ancestors ([^;]+)/.exec(csp)![1]!.split(' ');
    expect(ancestors).toEqual(expect.arrayContaining(['https://app.clio.com', 'https://ca.app.clio.com', 'https://eu.app.clio.com', 'https://au.app.clio.com']));
    // Sandbox: the Clio emulator's host page frames us.
    expect(ancestors).toContain(new URL(h.config.clio.au!.baseUrl).origin);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('HSTS is sent when the public URL is https', async () => {
    const https = await uiApiHarness({ PUBLIC_URL: 'https://sync.example.com' });
    try {
      const res = await https.call('GET', '/api/public/regions');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    } finally {
      await https.stop();
    }
  });
});

describe("a firm never sees another firm's Xero organisation", () => {
  it("each firm's chart comes from its own organisation, and a firm without one gets 409", async () => {
    const connected = await startConnectedStack(); // its firm has the primary organisation
    try {
      const { stack } = connected;
      const b = await stack.createFirmSession({ isAdmin: true });
      await connectFirm(stack, b.token, SEED_TENANTS.secondary.tenantId);
      const asB = stack.api(b.token);
      for (const [call, tenantId] of [
        [connected.call, SEED_TENANTS.primary.tenantId],
        [asB, SEED_TENANTS.secondary.tenantId],
      ] as const) {
        await stack.xero.control('DELETE', '/requests');
        for (const path of ['/api/xero/accounts', '/api/xero/tax-rates']) expect((await call('GET', path)).status).toBe(200);
        const asked = ((await stack.xero.control('GET', '/requests?pathPrefix=/api.xro')) as { headers: Record<string, string> }[]).map(
          (r) => r.headers['xero-tenant-id'],
        );
        expect(asked.length).toBeGreaterThan(0);
        expect(new Set(asked)).toEqual(new Set([tenantId]));
      }

      const c = await stack.createFirmSession({ isAdmin: true });
      const asC = stack.api(c.token);
      await stack.xero.control('DELETE', '/requests');
      for (const path of ['/api/xero/accounts', '/api/xero/tax-rates']) {
        const { status, body } = await asC('GET', path);
        expect(status).toBe(409);
        expectEnvelope(body, 'CONFLICT');
      }
      expect(await stack.xero.control('GET', '/requests?pathPrefix=/api.xro')).toEqual([]);
      expect((await asC('GET', '/api/me')).body.xero.status).toBe('not_connected');
    } finally {
      await connected.stack.stop();
    }
  }, 60_000);
});
