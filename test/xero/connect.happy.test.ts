import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TENANTS } from '../emulators/xero/index';
import { holdFirmQueue, queuedJobs, runConsent, startXeroStack, submitStart, type XeroStack } from './stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

describe('connect Xero with two organisations and a confirmed choice', () => {
  it('asks for the configured granular scopes with state and S256 PKCE', async () => {
    const { token } = await stack.createFirmSession();
    const started = await stack.api(token)('POST', '/api/xero/connect');
    expect(started.status).toBe(200);
    // Our own start link first (it binds the flow to this browser), then Xero's authorize page.
    const start = new URL(started.body.authorizeUrl);
    expect(`${start.origin}${start.pathname}`).toBe(`${stack.baseUrl}/oauth/xero/start`);
    const url = new URL((await submitStart(start.toString(), token)).headers.get('location')!);
    expect(`${url.origin}${url.pathname}`).toBe(`${stack.xero.url}/identity/connect/authorize`);
    expect(url.searchParams.get('scope')).toBe(stack.config.xero.scopes);
    expect(url.searchParams.get('scope')).toContain('offline_access');
    expect(url.searchParams.get('scope')).not.toMatch(/accounting\.transactions/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(url.searchParams.get('redirect_uri')).toBe(`${stack.baseUrl}/oauth/xero/callback`);
    expect(started.body.authorizeUrl).not.toContain(stack.config.xero.clientSecret);
  });

  it('goes from consent to choice to an active connection, and lets go of the other organisation', async () => {
    const { firmId, token } = await stack.createFirmSession();
    const consent = await runConsent(stack, token);
    expect(consent.callback.status).toBe(302);
    expect(consent.callback.headers.get('referrer-policy')).toBe('no-referrer');
    // Issue 15: no session rides on the callback; the page that started the flow still holds its own.
    expect(consent.location).toBe('/app/settings/xero-organisation');
    expect(await consent.callback.text()).not.toMatch(/code=|eyJ/);
    const call = stack.api(token);

    expect((await call('GET', '/api/xero/connection')).body).toEqual({ status: 'pending_choice', tenantName: null });
    const pending = await call('GET', '/api/xero/organisations/pending');
    expect(pending.body.organisations).toEqual(
      expect.arrayContaining([
        { tenantId: SEED_TENANTS.primary.tenantId, tenantName: SEED_TENANTS.primary.name },
        { tenantId: SEED_TENANTS.secondary.tenantId, tenantName: SEED_TENANTS.secondary.name },
      ]),
    );
    // Nothing syncs to a guessed organisation before the user confirms.
    expect(await stack.db.selectFrom('connections').select('xero_tenant_id').where('firm_id', '=', firmId).executeTakeFirst()).toEqual({
      xero_tenant_id: null,
    });

    await stack.xero.control('DELETE', '/requests');
    await holdFirmQueue(stack, firmId);
    const confirmed = await call('POST', '/api/xero/organisation', { tenantId: SEED_TENANTS.primary.tenantId });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'active', tenantId: SEED_TENANTS.primary.tenantId, tenantName: SEED_TENANTS.primary.name });
    expect((await call('GET', '/api/xero/connection')).body).toEqual({ status: 'active', tenantName: SEED_TENANTS.primary.name });

    const row = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).executeTakeFirstOrThrow();
    // Certification: the organisation's currencies are read on connect and kept with the connection.
    expect(row.xero_currencies).toEqual(['AUD', 'USD']);
    const deletes = await stack.xero.control('GET', '/requests?method=DELETE');
    expect(deletes.map((d: { path: string }) => d.path)).toHaveLength(1);
    expect(deletes[0].path).toMatch(/^\/connections\//);
    expect(deletes[0].path).not.toBe(`/connections/${row.xero_connection_id}`);
    expect(deletes[0].status).toBe(204);

    // Contact matching, then a sync of the whole firm with reason 'connect', are queued in that order.
    expect(await queuedJobs(stack, firmId)).toEqual([
      { task: 'match_contacts', payload: { firmId } },
      { task: 'sync_firm', payload: { firmId, reason: 'connect' } },
    ]);
  });

  it('refuses to confirm an organisation that was not offered', async () => {
    const { token } = await stack.createFirmSession();
    await runConsent(stack, token);
    const call = stack.api(token);
    const res = await call('POST', '/api/xero/organisation', { tenantId: '00000000-0000-4000-8000-000000000000' });
    expect(res.status).toBe(404);
    expect((await call('GET', '/api/xero/connection')).body.status).toBe('pending_choice');
    expect((await call('POST', '/api/xero/organisation', { nope: 1 })).status).toBe(400);
  });

  it('needs an administrator to connect or choose', async () => {
    const { token } = await stack.createFirmSession({ isAdmin: false });
    expect((await stack.api(token)('POST', '/api/xero/connect')).status).toBe(403);
    expect((await stack.api(token)('POST', '/api/xero/organisation', { tenantId: SEED_TENANTS.primary.tenantId })).status).toBe(403);
    expect((await fetch(`${stack.baseUrl}/api/xero/connect`, { method: 'POST' })).status).toBe(401);
  });

  it('stores tokens sealed, never as plaintext JWTs', async () => {
    const { firmId, token } = await stack.createFirmSession();
    await runConsent(stack, token);
    const row = await stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).executeTakeFirstOrThrow();
    expect(row.access_token_enc).toMatch(/^v1\./);
    expect(row.access_token_enc).not.toContain('eyJ');
    expect(row.refresh_token_enc).toMatch(/^v1\./);
    const states = await stack.db.selectFrom('xero_oauth_states').select('code_verifier_enc').execute();
    for (const s of states) expect(s.code_verifier_enc).toMatch(/^v1\./);
    const tokenCalls = await stack.xero.control('GET', '/requests?pathPrefix=/connect/token');
    expect(tokenCalls.at(-1).headers.authorization).toMatch(/^Basic /);
  });
});
