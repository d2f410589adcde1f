import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openXeroForFirm } from '../../server/xero/client';
import { SEED_TENANTS } from '../emulators/xero/index';
import { connectFirm, runConsent, startXeroStack, type XeroStack } from './stack';
import { sessionTokenFrom } from '../support/stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

describe('one firm never reaches another firm’s Xero connection', () => {
  it('firm A sees only its own status and cannot disconnect or choose for firm B', async () => {
    const a = await stack.createFirmSession({ name: 'Firm A' });
    const b = await stack.createFirmSession({ name: 'Firm B' });
    await connectFirm(stack, b.token, SEED_TENANTS.secondary.tenantId);

    expect((await stack.api(a.token)('GET', '/api/xero/connection')).body).toEqual({ status: 'not_connected', tenantName: null });
    expect((await stack.api(a.token)('GET', '/api/xero/organisations/pending')).body).toEqual({ organisations: [] });

    await stack.xero.control('DELETE', '/requests');
    await stack.api(a.token)('DELETE', '/api/xero/connection');
    expect(await stack.xero.control('GET', '/requests?method=DELETE')).toEqual([]);
    expect((await stack.api(b.token)('GET', '/api/xero/connection')).body).toEqual({ status: 'active', tenantName: SEED_TENANTS.secondary.name });
  });

  it('a pending choice of firm B cannot be confirmed with firm A’s session', async () => {
    const a = await stack.createFirmSession();
    const b = await stack.createFirmSession();
    const consentB = await runConsent(stack, b.token);
    expect(sessionTokenFrom(consentB.location)).not.toBe('');

    const res = await stack.api(a.token)('POST', '/api/xero/organisation', { tenantId: SEED_TENANTS.primary.tenantId });
    expect(res.status).toBe(404);
    expect((await stack.api(a.token)('GET', '/api/xero/connection')).body.status).toBe('not_connected');
    expect((await stack.api(b.token)('GET', '/api/xero/connection')).body.status).toBe('pending_choice');
  });

  it('each firm’s client sends only its own tenant id, and sealed tokens do not open under another row', async () => {
    const a = await stack.createFirmSession();
    const b = await stack.createFirmSession();
    // One organisation is active for one firm at a time: let the previous test's firms go first.
    await stack.db.updateTable('connections').set({ status: 'disconnected' }).where('provider', '=', 'xero').execute();
    await connectFirm(stack, a.token, SEED_TENANTS.primary.tenantId);
    await connectFirm(stack, b.token, SEED_TENANTS.secondary.tenantId);
    const deps = { config: stack.config, db: stack.db, secrets: stack.server.secrets, logger: stack.logger };

    await stack.xero.control('DELETE', '/requests');
    const [orgA, orgB] = await Promise.all([
      openXeroForFirm(deps, a.firmId).then((x) => x.getOrganisation()),
      openXeroForFirm(deps, b.firmId).then((x) => x.getOrganisation()),
    ]);
    expect([orgA.name, orgB.name]).toEqual([SEED_TENANTS.primary.name, SEED_TENANTS.secondary.name]);
    const tenants = (await stack.xero.control('GET', '/requests?pathPrefix=/api.xro')).map((r: { headers: Record<string, string> }) => r.headers['xero-tenant-id']);
    expect(tenants.sort()).toEqual([SEED_TENANTS.primary.tenantId, SEED_TENANTS.secondary.tenantId].sort());

    const rowA = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', a.firmId).executeTakeFirstOrThrow();
    const rowB = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', b.firmId).executeTakeFirstOrThrow();
    expect(() => stack.server.secrets.open(rowA.access_token_enc!, `xero:${rowB.id}:access`)).toThrow(/could not be decrypted/);
  });
});
