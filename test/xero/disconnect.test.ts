import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openXeroForFirm } from '../../server/xero/client';
import { XeroApiError, XeroNotConnectedError } from '../../server/xero/errors';
import { syncRecordsJobSpec, TASK } from '../../server/jobs/enqueue';
import { SEED_TENANTS } from '../emulators/xero/index';
import { connectFirm, holdFirmQueue, queuedJobs, startXeroStack, type XeroStack } from './stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

const deps = () => ({ config: stack.config, db: stack.db, secrets: stack.server.secrets, logger: stack.logger });

async function connectedFirm(tenantId: string = SEED_TENANTS.primary.tenantId) {
  const session = await stack.createFirmSession();
  await connectFirm(stack, session.token, tenantId);
  return session;
}

describe('disconnect from our side', () => {
  it('removes the connection at Xero, forgets the tokens and drops queued jobs', async () => {
    const { firmId, token } = await connectedFirm();
    const before = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).executeTakeFirstOrThrow();
    await holdFirmQueue(stack, firmId);
    await stack.server.jobs.addJob(TASK.syncRecords, { firmId, source: 'xero', kind: 'invoice', ids: ['x'], reason: 'manual' }, syncRecordsJobSpec(firmId));
    expect(await queuedJobs(stack, firmId)).not.toHaveLength(0);
    await stack.xero.control('DELETE', '/requests');

    const res = await stack.api(token)('DELETE', '/api/xero/connection');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'not_connected', tenantName: SEED_TENANTS.primary.name });

    const deletes = await stack.xero.control('GET', '/requests?method=DELETE');
    expect(deletes.map((d: { path: string; status: number }) => [d.path, d.status])).toEqual([[`/connections/${before.xero_connection_id}`, 204]]);
    expect(before.xero_connection_id).not.toBe(SEED_TENANTS.primary.tenantId);

    const after = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'disconnected', access_token_enc: null, refresh_token_enc: null });
    expect(await queuedJobs(stack, firmId)).toEqual([]);
    await expect(openXeroForFirm(deps(), firmId)).rejects.toMatchObject({ name: 'XeroNotConnectedError', status: 'not_connected' });
  });

  it('is for administrators only', async () => {
    const admin = await connectedFirm();
    const viewer = await stack.sessions.issue({ firmId: admin.firmId, userId: admin.userId, isAdmin: false });
    expect((await stack.api(viewer)('DELETE', '/api/xero/connection')).status).toBe(403);
    expect((await stack.api(viewer)('GET', '/api/xero/connection')).body.status).toBe('active');
  });
});

describe('disconnect made inside Xero', () => {
  it('is noticed at the next call: needs_reconnect, and no further calls reach Xero', async () => {
    const { firmId, token } = await connectedFirm(SEED_TENANTS.secondary.tenantId);
    const xero = await openXeroForFirm(deps(), firmId);
    await xero.getOrganisation();
    await stack.xero.control('POST', `/tenants/${SEED_TENANTS.secondary.tenantId}/disconnect`);

    const err = await xero.getAccounts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XeroApiError);
    expect((err as XeroApiError).kind).toBe('auth_revoked');
    const status = await stack.api(token)('GET', '/api/xero/connection');
    expect(status.body).toMatchObject({ status: 'needs_reconnect', tenantName: SEED_TENANTS.secondary.name, reason: expect.stringMatching(/disconnected/) });

    await stack.xero.control('DELETE', '/requests');
    const next = await openXeroForFirm(deps(), firmId).catch((e: unknown) => e);
    expect(next).toBeInstanceOf(XeroNotConnectedError);
    expect(await stack.xero.control('GET', '/requests')).toEqual([]);
  });
});
