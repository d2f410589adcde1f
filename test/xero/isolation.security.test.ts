import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openXeroForFirm } from '../../server/xero/client';
import { SEED_TENANTS } from '../emulators/xero/index';
import { connectFirm, runConsent, startXeroStack, type XeroStack } from './stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

/** Sessions of firms a test left connected; the next test that needs their organisation disconnects them as a user would. */
const stillConnected: string[] = [];
const disconnectEarlierFirms = async () => {
  for (const token of stillConnected.splice(0)) expect((await stack.api(token)('DELETE', '/api/xero/connection')).status).toBe(200);
};

describe('one firm never reaches another firm’s Xero connection', () => {
  it('firm A sees only its own status, and disconnecting ends only its own connection', async () => {
    const a = await stack.createFirmSession({ name: 'Firm A' });
    const b = await stack.createFirmSession({ name: 'Firm B' });
    await connectFirm(stack, a.token, SEED_TENANTS.primary.tenantId);
    await connectFirm(stack, b.token, SEED_TENANTS.secondary.tenantId);
    const xeroConnectionId = async (firmId: string) =>
      (await stack.db.selectFrom('connections').select('xero_connection_id').where('firm_id', '=', firmId).where('provider', '=', 'xero').executeTakeFirstOrThrow())
        .xero_connection_id;
    const [idA, idB] = [await xeroConnectionId(a.firmId), await xeroConnectionId(b.firmId)];
    expect(idA && idB && idA !== idB).toBe(true);

    expect((await stack.api(a.token)('GET', '/api/xero/connection')).body).toEqual({ status: 'active', tenantName: SEED_TENANTS.primary.name });
    expect((await stack.api(b.token)('GET', '/api/xero/connection')).body).toEqual({ status: 'active', tenantName: SEED_TENANTS.secondary.name });

    await stack.xero.control('DELETE', '/requests');
    await stack.api(a.token)('DELETE', '/api/xero/connection');
    const deletes = (await stack.xero.control('GET', '/requests?method=DELETE')) as { path: string }[];
    expect(deletes.map((r) => r.path)).toEqual([`/connections/${idA}`]);
    expect((await stack.api(a.token)('GET', '/api/xero/connection')).body).toMatchObject({ status: 'not_connected' });
    expect((await stack.api(b.token)('GET', '/api/xero/connection')).body).toEqual({ status: 'active', tenantName: SEED_TENANTS.secondary.name });
    stillConnected.push(b.token);
  });

  it('a pending choice of firm B cannot be confirmed with firm A’s session', async () => {
    const a = await stack.createFirmSession();
    const b = await stack.createFirmSession();
    const consentB = await runConsent(stack, b.token);
    expect(consentB.location).toBe('/app/settings/xero-organisation');

    const res = await stack.api(a.token)('POST', '/api/xero/organisation', { tenantId: SEED_TENANTS.primary.tenantId });
    expect(res.status).toBe(404);
    expect((await stack.api(a.token)('GET', '/api/xero/connection')).body.status).toBe('not_connected');
    expect((await stack.api(b.token)('GET', '/api/xero/connection')).body.status).toBe('pending_choice');
  });

  it('each firm’s client sends only its own tenant id, and sealed tokens do not open under another row', async () => {
    const a = await stack.createFirmSession();
    const b = await stack.createFirmSession();
    // One organisation is active for one firm at a time: let the previous test's firms go first.
    await disconnectEarlierFirms();
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
