import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openXeroForFirm } from '../../server/xero/client';
import { XeroApiError, XeroNotConnectedError } from '../../server/xero/errors';
import { SEED_TENANTS } from '../emulators/xero/index';
import { connectFirm, startXeroStack, type XeroStack } from './stack';

let stack: XeroStack;
let firmId: string;
let token: string;
let fake: Server;
let fakeUrl: string;
/** A stand-in for Xero's API answering 403 for a reason other than a gone connection (e.g. a missing scope). */
const forbiddenBody = { Type: null, Title: 'Forbidden', Status: 403, Detail: 'You are not permitted to access this resource', Instance: 'x', Extensions: {} };

beforeAll(async () => {
  stack = await startXeroStack();
  const session = await stack.createFirmSession();
  firmId = session.firmId;
  token = session.token;
  await connectFirm(stack, token, SEED_TENANTS.primary.tenantId);
  fake = createServer((_req, res) => {
    res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify(forbiddenBody));
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => fake?.close(r));
  await stack?.stop();
});

const deps = (apiUrl = stack.config.xero.apiUrl) => ({
  config: { ...stack.config, xero: { ...stack.config.xero, apiUrl } },
  db: stack.db,
  secrets: stack.server.secrets,
  logger: stack.logger,
});

describe('a 403 from Xero', () => {
  it('that is not about the connection is a forbidden error for the user and keeps the connection active', async () => {
    const xero = await openXeroForFirm(deps(fakeUrl), firmId);
    const err = await xero.getAccounts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XeroApiError);
    expect(err).toMatchObject({ kind: 'forbidden', status: 403 });
    expect((err as Error).message).toMatch(/does not allow this app/);
    expect((err as Error).message).toContain('You are not permitted to access this resource');

    const status = await stack.api(token)('GET', '/api/xero/connection');
    expect(status.body).toMatchObject({ status: 'active' });
    // The real organisation is still usable.
    expect((await (await openXeroForFirm(deps(), firmId)).getOrganisation()).name).toBe(SEED_TENANTS.primary.name);
  });

  it('after the organisation disconnected the app (AuthenticationUnsuccessful) marks needs_reconnect', async () => {
    const xero = await openXeroForFirm(deps(), firmId);
    await stack.xero.control('POST', `/tenants/${SEED_TENANTS.primary.tenantId}/disconnect`);
    const err = await xero.getAccounts().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth_revoked', status: 403 });
    expect((await stack.api(token)('GET', '/api/xero/connection')).body).toMatchObject({ status: 'needs_reconnect' });
    await expect(openXeroForFirm(deps(), firmId)).rejects.toBeInstanceOf(XeroNotConnectedError);
  });
});
