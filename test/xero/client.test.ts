import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openXeroForFirm, type XeroOrgClient } from '../../server/xero/client';
import { XeroApiError } from '../../server/xero/errors';
import { SEED_TENANTS } from '../emulators/xero/index';
import { connectedFirm, startXeroStack, type XeroStack } from './stack';

let stack: XeroStack;
let firmId: string;
const deps = () => ({ config: stack.config, db: stack.db, secrets: stack.server.secrets, logger: stack.logger });

beforeAll(async () => {
  stack = await startXeroStack({ timeoutMs: 1_000 });
  firmId = (await connectedFirm(stack)).firmId;
});
afterAll(() => stack?.stop());

async function failure(p: Promise<unknown>): Promise<XeroApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(XeroApiError);
  return err as XeroApiError;
}

const apiCalls = async () =>
  (await stack.xero.control('GET', '/requests?pathPrefix=/api.xro')) as Array<{ method: string; path: string; status: number; headers: Record<string, string> }>;

describe('openXeroForFirm: reads through xero-node, paced, typed', () => {
  let xero: XeroOrgClient;
  beforeAll(async () => {
    xero = await openXeroForFirm(deps(), firmId);
  });

  it('reads the organisation, chart, tax rates, tracking and contacts of the confirmed tenant', async () => {
    await stack.xero.control('DELETE', '/requests');
    expect(xero.tenantId).toBe(SEED_TENANTS.primary.tenantId);
    expect((await xero.getOrganisation()).name).toBe(SEED_TENANTS.primary.name);
    const accounts = await xero.getAccounts();
    expect(accounts.length).toBeGreaterThan(3);
    expect(accounts.every((a) => typeof a.code === 'string' || a.code === undefined)).toBe(true);
    expect((await xero.getTaxRates()).map((t) => t.taxType)).toContain('OUTPUT');
    expect((await xero.getTrackingCategories()).map((t) => t.name)).toContain('Practice Area');
    const contacts = await xero.getContacts({ where: 'Name=="Jane Citizen"' });
    expect(contacts.map((c) => c.name)).toEqual(['Jane Citizen']);

    const calls = await apiCalls();
    expect(calls).toHaveLength(5);
    for (const c of calls) {
      expect(c.headers['xero-tenant-id']).toBe(SEED_TENANTS.primary.tenantId);
      expect(c.headers.accept).toMatch(/application\/json/);
      expect(c.status).toBe(200);
    }
  });

  it('sends the Idempotency-Key on writes and refuses a write without one', async () => {
    await stack.xero.control('DELETE', '/requests');
    const created = await xero.write('clio-contact-42-v1', (api, tenantId, key) =>
      api.createContacts(tenantId, { contacts: [{ name: 'Idempotent Client Ltd' }] }, false, key),
    );
    expect(created.contacts?.[0]?.name).toBe('Idempotent Client Ltd');
    const [put] = await apiCalls();
    expect(put!.method).toBe('PUT');
    expect(put!.headers['idempotency-key']).toBe('clio-contact-42-v1');
    expect(() => xero.write('', (api, t) => api.getContacts(t) as never)).toThrow(/Idempotency-Key/);
  });

  it('turns a 400 into a validation error carrying Xero’s own message', async () => {
    const err = await failure(xero.write('dup-name-1', (api, tenantId, key) => api.createContacts(tenantId, { contacts: [{ name: 'Jane Citizen' }] }, true, key)));
    expect(err.kind).toBe('validation');
    expect(err.status).toBe(400);
    expect(err.validationMessages.join(' ')).toMatch(/already assigned to another contact/);
  });

  it('waits out one 429 within the budget and then succeeds', async () => {
    await stack.xero.control('DELETE', '/requests');
    await stack.xero.control('POST', '/faults', { kind: '429', pathPrefix: '/api.xro/2.0/TaxRates', count: 1 });
    expect((await xero.getTaxRates()).length).toBeGreaterThan(0);
    expect((await apiCalls()).map((c) => c.status)).toEqual([429, 200]);
  });

  it('gives up after a second 429 with a typed rate-limit error', async () => {
    await stack.xero.control('DELETE', '/requests');
    await stack.xero.control('POST', '/faults', { kind: '429', pathPrefix: '/api.xro/2.0/TaxRates', count: 2 });
    const err = await failure(xero.getTaxRates());
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterSeconds).toBe(1);
    expect(err.rateLimit.problem).toBe('minute');
    expect((await apiCalls()).map((c) => c.status)).toEqual([429, 429]);
  });

  it('maps 500 to a server error and a hung call to a timeout', async () => {
    await stack.xero.control('POST', '/faults', { kind: '500', pathPrefix: '/api.xro/2.0/Accounts', count: 1 });
    const server = await failure(xero.getAccounts());
    expect(server.kind).toBe('server');
    expect(server.status).toBe(500);
    expect(server.validationMessages.join(' ')).toMatch(/An error occurred in Xero/);

    await stack.xero.control('POST', '/faults', { kind: 'timeout', pathPrefix: '/api.xro/2.0/Organisation', count: 1, hangMs: 3_000 });
    const timeout = await failure(xero.getOrganisation());
    expect(timeout.kind).toBe('timeout');
    expect(timeout.status).toBe(0);
  });

  it.each(['problem', 'oauth_problem'] as const)('refreshes once and retries when Xero says the token expired early (%s 401)', async (shape) => {
    await stack.xero.control('DELETE', '/requests');
    await stack.xero.control('POST', '/faults', { kind: '401', shape, pathPrefix: '/api.xro/2.0/TaxRates', count: 1 });
    const xero = await openXeroForFirm(deps(), firmId);
    expect((await xero.getTaxRates()).map((t) => t.taxType)).toContain('OUTPUT');
    expect((await apiCalls()).map((c) => c.status)).toEqual([401, 200]);
    const refreshes = ((await stack.xero.control('GET', '/requests?pathPrefix=/connect/token')) as Array<{ body: string; status: number }>).filter((r) =>
      r.body.includes('grant_type=refresh_token'),
    );
    expect(refreshes.map((r) => r.status)).toEqual([200]);
    const row = await stack.db.selectFrom('connections').select(['status', 'status_reason']).where('firm_id', '=', firmId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'active', status_reason: null });
  });

  it('never logs a token, the client secret or an authorisation code', async () => {
    const row = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).executeTakeFirstOrThrow();
    const access = stack.server.secrets.open(row.access_token_enc!, `xero:${row.id}:access`);
    const refresh = stack.server.secrets.open(row.refresh_token_enc!, `xero:${row.id}:refresh`);
    const log = [...stack.logLines, ...stack.clientLogLines].join('\n');
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [access, refresh, stack.config.xero.clientSecret, 'eyJ']) expect(log).not.toContain(secret);
  });

  // Last: it leaves the connection needing a reconnect.
  it('refreshes only once: a second expired-token 401 marks the connection for reconnecting', async () => {
    await stack.xero.control('DELETE', '/requests');
    await stack.xero.control('POST', '/faults', { kind: '401', shape: 'oauth_problem', pathPrefix: '/api.xro/2.0/TaxRates', count: 2 });
    const xero = await openXeroForFirm(deps(), firmId);
    const err = await failure(xero.getTaxRates());
    expect(err.kind).toBe('token_expired');
    expect((await apiCalls()).map((c) => c.status)).toEqual([401, 401]);
    const row = await stack.db.selectFrom('connections').select('status').where('firm_id', '=', firmId).executeTakeFirstOrThrow();
    expect(row.status).toBe('needs_reconnect');
  });
});
