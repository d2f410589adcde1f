// Issue 8, finding 10: any refused refresh or a single 401 used to mark a connection "needs
// reconnect", which then needs a person per firm. Only a dead grant should.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openXeroForFirm } from '../../server/xero/client';
import { tokenContext } from '../../server/xero/connections-repository';
import { XeroApiError } from '../../server/xero/errors';
import { connectedFirmsInTurn, startXeroStack, type XeroStack } from './stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

const deps = (config = stack.config) => ({ config, db: stack.db, secrets: stack.server.secrets, logger: stack.logger });
const row = (firmId: string) => stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).where('provider', '=', 'xero').executeTakeFirstOrThrow();

const connectedFirm = connectedFirmsInTurn(() => stack);

describe('when a Xero connection needs a person to reconnect', () => {
  it('a single 401 is answered with one refresh, and the call succeeds; the connection stays active', async () => {
    const { firmId } = await connectedFirm();
    const before = await row(firmId);
    // An access token Xero does not know (revoked on its side, a stale copy): unexpired by our clock.
    await stack.db
      .updateTable('connections')
      .set({ access_token_enc: stack.server.secrets.seal('not-a-live-token', tokenContext(before.id, 'access')), access_expires_at: new Date(Date.now() + 20 * 60_000) })
      .where('id', '=', before.id)
      .execute();
    await stack.xero.control('DELETE', '/requests');

    const accounts = await (await openXeroForFirm(deps(), firmId)).getAccounts();
    expect(accounts.length).toBeGreaterThan(0);
    const calls = (await stack.xero.control('GET', '/requests')) as { path: string; status: number }[];
    expect(calls.map((c) => c.status)).toEqual([401, 200, 200]);
    expect((await row(firmId)).status).toBe('active');
  });

  it('a refresh refused for our own misconfiguration (invalid_client) keeps the connection, and works once the secret is right', async () => {
    const { firmId, token } = await connectedFirm();
    await stack.db
      .updateTable('connections')
      .set({ access_expires_at: new Date(Date.now() - 1_000) })
      .where('firm_id', '=', firmId)
      .where('provider', '=', 'xero')
      .execute();
    const misconfigured = { ...stack.config, xero: { ...stack.config.xero, clientSecret: 'not-our-secret' } };

    const err = await (await openXeroForFirm(deps(misconfigured), firmId)).getAccounts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XeroApiError);
    expect((err as Error).message).toMatch(/invalid_client/);
    expect((await stack.api(token)('GET', '/api/xero/connection')).body.status).toBe('active');

    expect((await (await openXeroForFirm(deps(), firmId)).getAccounts()).length).toBeGreaterThan(0);
  });
});
