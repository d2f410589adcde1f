import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TENANTS } from '../emulators/xero/index';
import { connectFirm, runConsent, startXeroStack, type XeroStack } from './stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

const activeFirmsFor = async (tenantId: string) =>
  (
    await stack.db
      .selectFrom('connections')
      .select('firm_id')
      .where('provider', '=', 'xero')
      .where('status', '=', 'active')
      .where('xero_tenant_id', '=', tenantId)
      .execute()
  ).map((r) => r.firm_id);

describe('one Xero organisation, one Clio account', () => {
  it('refuses with 409 and plain words to confirm an organisation another firm has connected', async () => {
    const a = await stack.createFirmSession();
    const b = await stack.createFirmSession();
    await connectFirm(stack, a.token, SEED_TENANTS.primary.tenantId);

    const consent = await runConsent(stack, b.token);
    expect(consent.location).toMatch(/^\/app\/settings\/xero-organisation/);
    const res = await stack.api(b.token)('POST', '/api/xero/organisation', { tenantId: SEED_TENANTS.primary.tenantId });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).toContain('This Xero organisation is already connected to another Clio account');

    expect(await activeFirmsFor(SEED_TENANTS.primary.tenantId)).toEqual([a.firmId]);
    // Firm B can still choose an organisation nobody else holds.
    expect((await stack.api(b.token)('GET', '/api/xero/connection')).body).toMatchObject({ status: 'pending_choice' });
    const other = await stack.api(b.token)('POST', '/api/xero/organisation', { tenantId: SEED_TENANTS.secondary.tenantId });
    expect(other.status).toBe(200);
  });

  it('is enforced by the database: a second active connection to the same organisation is refused', async () => {
    const a = await stack.createFirmSession();
    const c = await stack.createFirmSession();
    const row = (firmId: string) => ({ firm_id: firmId, provider: 'xero' as const, status: 'active' as const, xero_tenant_id: 'aaaaaaaa-0000-4000-8000-000000000001' });
    await stack.db.deleteFrom('connections').where('firm_id', 'in', [a.firmId, c.firmId]).where('provider', '=', 'xero').execute();
    await stack.db.insertInto('connections').values(row(a.firmId)).execute();
    await expect(stack.db.insertInto('connections').values(row(c.firmId)).execute()).rejects.toMatchObject({
      code: '23505',
      constraint: 'connections_xero_tenant_active_uq',
    });
    // A disconnected (or needs_reconnect) row elsewhere does not block it.
    await stack.db
      .insertInto('connections')
      .values({ ...row(c.firmId), status: 'disconnected' })
      .execute();
  });
});
