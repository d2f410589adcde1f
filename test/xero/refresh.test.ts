import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../server/db/database';
import { openXeroForFirm } from '../../server/xero/client';
import { XeroNotConnectedError } from '../../server/xero/errors';
import { SEED_TENANTS } from '../emulators/xero/index';
import { connectedFirmsInTurn, startXeroStack, type XeroStack } from './stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

const expireAccessToken = (firmId: string) =>
  stack.db
    .updateTable('connections')
    .set({ access_expires_at: new Date(Date.now() - 1_000) })
    .where('firm_id', '=', firmId)
    .execute();

const tokenCalls = async () =>
  ((await stack.xero.control('GET', '/requests?pathPrefix=/connect/token')) as Array<{ body: string; status: number }>).filter((r) =>
    r.body.includes('grant_type=refresh_token'),
  );

describe('token rotation', () => {
  it('two processes refreshing at once make exactly one token call and both keep working', async () => {
    const { firmId, token } = await connectedFirm();
    await expireAccessToken(firmId);
    await stack.xero.control('DELETE', '/requests');

    // Two "processes": separate pools, so the row lock is all that serialises them.
    const a = createDatabase(stack.dbUrl, { max: 2 });
    const b = createDatabase(stack.dbUrl, { max: 2 });
    try {
      const open = (db: typeof a.db) => openXeroForFirm({ config: stack.config, db, secrets: stack.server.secrets, logger: stack.logger }, firmId);
      const [orgA, orgB] = await Promise.all([open(a.db).then((x) => x.getOrganisation()), open(b.db).then((x) => x.getOrganisation())]);
      expect(orgA.name).toBe(SEED_TENANTS.primary.name);
      expect(orgB.name).toBe(SEED_TENANTS.primary.name);
    } finally {
      await a.db.destroy();
      await b.db.destroy();
    }
    const refreshes = await tokenCalls();
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]!.status).toBe(200);

    const row = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
    expect(row.access_expires_at!.getTime()).toBeGreaterThan(Date.now() + 20 * 60_000);
    // The stored pair is the rotated one: the next refresh works with it.
    await expireAccessToken(firmId);
    const again = await openXeroForFirm({ config: stack.config, db: stack.db, secrets: stack.server.secrets, logger: stack.logger }, firmId);
    await again.getTaxRates();
    expect(await stack.api(token)('GET', '/api/xero/connection')).toMatchObject({ body: { status: 'active' } });
  });

  it('a refused refresh (invalid_grant) marks the connection needs_reconnect and stops calling Xero', async () => {
    const { firmId, token } = await connectedFirm();
    const row = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).executeTakeFirstOrThrow();
    const refresh = stack.server.secrets.open(row.refresh_token_enc!, `xero:${row.id}:refresh`);
    await stack.xero.control('POST', '/oauth/revoke', { token: refresh });
    await expireAccessToken(firmId);
    await stack.xero.control('DELETE', '/requests');

    const xero = await openXeroForFirm({ config: stack.config, db: stack.db, secrets: stack.server.secrets, logger: stack.logger }, firmId);
    await expect(xero.getAccounts()).rejects.toBeInstanceOf(XeroNotConnectedError);
    const status = await stack.api(token)('GET', '/api/xero/connection');
    expect(status.body).toMatchObject({ status: 'needs_reconnect', reason: expect.stringMatching(/Connect to Xero again/) });

    const before = (await stack.xero.control('GET', '/requests')).length;
    await expect(openXeroForFirm({ config: stack.config, db: stack.db, secrets: stack.server.secrets, logger: stack.logger }, firmId)).rejects.toMatchObject({
      name: 'XeroNotConnectedError',
      status: 'needs_reconnect',
    });
    expect((await stack.xero.control('GET', '/requests')).length).toBe(before);
  });
});

const connectedFirm = connectedFirmsInTurn(() => stack);
