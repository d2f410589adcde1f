// Issue 8, finding 4: removing the app in Clio must let go of Xero too, and end every session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetDeauthorizationProbes } from '../../server/clio/uninstall';
import { syncRecordsJobSpec, TASK } from '../../server/jobs/enqueue';
import { manual } from '../clio/harness';
import { SEED_TENANTS } from '../emulators/xero/index';
import { sessionTokenFrom } from '../support/stack';
import { connectFirm, holdFirmQueue, queuedJobs, startXeroStack, type XeroStack } from '../xero/stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

const TENANT = SEED_TENANTS.primary.tenantId;

async function installAndConnect() {
  let res = await manual(`${stack.baseUrl}/oauth/clio/start?region=us`);
  res = await manual(res.headers.get('location')!);
  res = await manual(res.headers.get('location')!);
  const token = sessionTokenFrom(res.headers.get('location')!);
  const { firmId } = await stack.sessions.verify(token);
  await connectFirm(stack, token, TENANT);
  const xero = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).where('provider', '=', 'xero').executeTakeFirstOrThrow();
  return { token, firmId, xeroConnectionId: xero.xero_connection_id! };
}

const xeroGrantsHolding = (tenantId: string) =>
  stack.xero.emulator.identity.grants.filter((g) => !g.revoked && g.connections.some((c) => c.tenantId === tenantId.toLowerCase()));

async function expectOffboarded(firmId: string, token: string, xeroConnectionId: string) {
  const deletes = (await stack.xero.control('GET', '/requests?method=DELETE')) as { path: string; status: number }[];
  expect(deletes.map((d) => [d.path, d.status])).toEqual([[`/connections/${xeroConnectionId}`, 204]]);
  expect(xeroGrantsHolding(TENANT)).toEqual([]);
  const rows = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).execute();
  expect(rows.filter((r) => r.provider === 'clio')).toEqual([]);
  expect(rows.filter((r) => r.provider === 'xero')).toEqual([expect.objectContaining({ status: 'disconnected', access_token_enc: null, refresh_token_enc: null })]);
  expect(await queuedJobs(stack, firmId)).toEqual([]);
  const firm = await stack.db.selectFrom('firms').select('status').where('id', '=', firmId).executeTakeFirstOrThrow();
  expect(firm.status).toBe('uninstalled');
  // The old session token still carries a valid signature: every authenticated route refuses it.
  for (const [method, path, body] of [
    ['GET', '/api/settings'],
    ['PUT', '/api/settings', {}],
    ['GET', '/api/xero/connection'],
    ['POST', '/api/sync/now'],
    ['POST', '/api/session/renew'],
    ['GET', '/api/me'],
  ] as const) {
    const res = await stack.api(token)(method, path, body);
    expect([method, path, res.status]).toEqual([method, path, 401]);
  }
}

describe('uninstalling the add-on from Clio', () => {
  it('the in-app Clio disconnect disconnects Xero at Xero, drops both tokens, cancels jobs and ends sessions', async () => {
    const { token, firmId, xeroConnectionId } = await installAndConnect();
    expect(xeroGrantsHolding(TENANT)).toHaveLength(1);
    await holdFirmQueue(stack, firmId);
    await stack.server.jobs.addJob(TASK.syncRecords, { firmId, source: 'clio', kind: 'contact', ids: ['1'], reason: 'manual' }, syncRecordsJobSpec(firmId));
    await stack.xero.control('DELETE', '/requests');

    expect((await stack.api(token)('DELETE', '/api/clio/connection')).status).toBe(204);
    await expectOffboarded(firmId, token, xeroConnectionId);
  });

  it("deauthorization of the firm's last user does the same, and the organisation is free to connect again", async () => {
    // Reinstalling reactivates the firm; the organisation released above connects without a conflict.
    const { token, firmId, xeroConnectionId } = await installAndConnect();
    const clio = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).where('provider', '=', 'clio').executeTakeFirstOrThrow();
    const access = stack.server.secrets.open(clio.access_token_enc!, `clio:${clio.id}:access`);
    const user = await stack.db.selectFrom('users').select('clio_user_id').where('id', '=', clio.user_id!).executeTakeFirstOrThrow();
    await stack.control('clio', 'POST', '/tokens/revoke', { access_token: access });
    forgetDeauthorizationProbes({ ...stack.server, config: stack.config, logger: stack.logger });
    await stack.xero.control('DELETE', '/requests');

    const res = await fetch(`${stack.baseUrl}/oauth/clio/deauthorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: stack.config.clio.us!.clientId, user_id: String(user.clio_user_id) }),
    });
    expect(res.status).toBe(204);
    await expectOffboarded(firmId, token, xeroConnectionId);
  });
});
