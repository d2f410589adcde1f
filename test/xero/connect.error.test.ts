import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manual } from '../clio/harness';
import { authorizeOnly, runConsent, startXeroStack, submitStart, type XeroStack } from './stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

const expectSettingsError = (res: Response, code: string) => {
  expect(res.status).toBe(302);
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('location')).toMatch(new RegExp(`^/app/settings\\?xero_error=${code}(#|$)`));
};

async function connectionRow(firmId: string) {
  return stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).where('provider', '=', 'xero').executeTakeFirst();
}

describe('connect: refusals and tampering', () => {
  it('handles the user declining consent without storing anything', async () => {
    const { firmId, token } = await stack.createFirmSession();
    await stack.xero.control('POST', '/oauth/deny-next');
    const consent = await runConsent(stack, token);
    expect(consent.callbackUrl.searchParams.get('error')).toBe('access_denied');
    expectSettingsError(consent.callback, 'access_denied');
    // A valid state is not proof of identity: no session token rides on an error redirect.
    expect(consent.location).not.toContain('#token=');
    expect(await connectionRow(firmId)).toBeUndefined();
  });

  it('gives no session token to whoever holds an unused state and sends error=access_denied without a code', async () => {
    const { token } = await stack.createFirmSession();
    const started = await stack.api(token)('POST', '/api/xero/connect');
    const state = new URL(started.body.authorizeUrl).searchParams.get('state')!;
    await submitStart(started.body.authorizeUrl, token);
    const res = await manual(`${stack.baseUrl}/oauth/xero/callback?state=${encodeURIComponent(state)}&error=access_denied`);
    expectSettingsError(res, 'access_denied');
    expect(res.headers.get('location')).toBe('/app/settings?xero_error=access_denied');
    expect(res.headers.get('location')).not.toContain('#token=');
  });

  it('gives no session token for a valid state without a code', async () => {
    const { token } = await stack.createFirmSession();
    const started = await stack.api(token)('POST', '/api/xero/connect');
    const state = new URL(started.body.authorizeUrl).searchParams.get('state')!;
    await submitStart(started.body.authorizeUrl, token);
    const res = await manual(`${stack.baseUrl}/oauth/xero/callback?state=${encodeURIComponent(state)}`);
    expectSettingsError(res, 'consent_failed');
    expect(res.headers.get('location')).not.toContain('#token=');
  });

  it('refuses an unknown state and never carries the code onwards', async () => {
    const { firmId, token } = await stack.createFirmSession();
    const consent = await runConsent(stack, token, (u) => u.searchParams.set('state', 'forged-state'));
    expectSettingsError(consent.callback, 'state_unknown');
    expect(consent.location).not.toContain(consent.callbackUrl.searchParams.get('code')!);
    expect(consent.location).not.toContain('#token=');
    expect(await connectionRow(firmId)).toBeUndefined();
  });

  it('refuses a replayed callback (state already used)', async () => {
    const { token } = await stack.createFirmSession();
    const consent = await runConsent(stack, token);
    expect(consent.location).toMatch(/^\/app\/settings\/xero-organisation/);
    const replay = await manual(consent.callbackUrl.toString());
    expectSettingsError(replay, 'state_used');
  });

  it('refuses an expired state', async () => {
    const { token } = await stack.createFirmSession();
    const started = await stack.api(token)('POST', '/api/xero/connect');
    const state = new URL(started.body.authorizeUrl).searchParams.get('state')!;
    // Age the state row past its 10 minutes before the browser comes back.
    await stack.db
      .updateTable('xero_oauth_states')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('state', '=', state)
      .execute();
    // Our start link no longer sends the browser on to Xero.
    const res = await submitStart(started.body.authorizeUrl, token);
    expectSettingsError(res, 'state_expired');
  });

  it('reports a code Xero no longer accepts (expired or already used)', async () => {
    const { firmId, token } = await stack.createFirmSession();
    const started = await stack.api(token)('POST', '/api/xero/connect');
    const callbackUrl = await authorizeOnly(started.body.authorizeUrl, token);
    // Spend the code first, as if it had expired at Xero: the emulator's codes are single-use.
    await fetch(`${stack.xero.url}/connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('sandbox:sandbox-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callbackUrl.searchParams.get('code')!, redirect_uri: `${stack.baseUrl}/oauth/xero/callback` }),
    });
    const res = await manual(callbackUrl.toString());
    expectSettingsError(res, 'code_rejected');
    expect(res.headers.get('location')).not.toContain('#token=');
    expect(await connectionRow(firmId)).toBeUndefined();
  });

  it('rejects a wrong PKCE verifier at Xero (the code is bound to our verifier)', async () => {
    const { token } = await stack.createFirmSession();
    const started = await stack.api(token)('POST', '/api/xero/connect');
    const code = (await authorizeOnly(started.body.authorizeUrl, token)).searchParams.get('code')!;
    const res = await fetch(`${stack.xero.url}/connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('sandbox:sandbox-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${stack.baseUrl}/oauth/xero/callback`, code_verifier: 'x'.repeat(43) }),
    });
    expect(res.status).toBe(400);
  });
});
