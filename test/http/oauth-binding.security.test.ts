// Issue 8, finding 3: an OAuth return must come back to the browser that started it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBrowser } from '../support/cookie-jar';
import { startXeroStack, submitStart, type XeroStack } from '../xero/stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

const xeroRow = (firmId: string) => stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).where('provider', '=', 'xero').executeTakeFirst();

/** The admin's browser starts a Xero connect: our start link, then Xero's authorize page (which the emulator approves). */
async function startXero(token: string, browser = newBrowser()) {
  const started = await stack.api(token)('POST', '/api/xero/connect');
  const start = await submitStart(started.body.authorizeUrl, token, browser);
  expect(start.headers.get('set-cookie')).toMatch(/HttpOnly/i);
  expect(start.headers.get('set-cookie')).toMatch(/SameSite=Lax/i);
  return { browser, xeroAuthorizeUrl: start.headers.get('location')! };
}

describe('Xero connect is bound to the browser that started it', () => {
  it('a leaked Xero authorize URL completed in another browser gets no session and stores nothing; the admin can still finish', async () => {
    const { firmId, token } = await stack.createFirmSession();
    const admin = await startXero(token);

    const attacker = newBrowser();
    const approved = await attacker(admin.xeroAuthorizeUrl);
    const callback = await attacker(approved.headers.get('location')!);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/app/settings?xero_error=state_unknown');
    expect(await xeroRow(firmId)).toBeUndefined();

    // The state was not used up by the refused attempt: the admin's own browser completes it.
    const own = await admin.browser((await admin.browser(admin.xeroAuthorizeUrl)).headers.get('location')!);
    expect(own.headers.get('location')).toBe('/app/settings/xero-organisation');
  });

  it("a victim sent the attacker's authorize URL does not land their organisation in the attacker's firm", async () => {
    const attackerFirm = await stack.createFirmSession();
    const { xeroAuthorizeUrl } = await startXero(attackerFirm.token);
    const victim = newBrowser();
    const approved = await victim(xeroAuthorizeUrl);
    const callback = await victim(approved.headers.get('location')!);
    expect(callback.headers.get('location')).not.toContain('#token=');
    expect(await xeroRow(attackerFirm.firmId)).toBeUndefined();
    expect(await stack.db.selectFrom('xero_pending_tenants').select('tenant_id').where('firm_id', '=', attackerFirm.firmId).execute()).toEqual([]);
  });
});

describe('Clio sign-in is bound to the browser that started it (no login CSRF)', () => {
  it("a callback URL carrying the attacker's code, opened by a victim, signs no one in", async () => {
    const attacker = newBrowser();
    const start = await attacker(`${stack.baseUrl}/oauth/clio/start?region=us`);
    expect(start.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const approved = await attacker(start.headers.get('location')!);
    const callbackUrl = approved.headers.get('location')!;

    const victim = newBrowser();
    const res = await victim(callbackUrl);
    expect(res.headers.get('location') ?? '').not.toContain('#token=');

    // In the browser that started it, the same callback works.
    const own = await attacker(callbackUrl);
    expect(own.headers.get('location')).toMatch(/^\/app\/#token=/);
  });
});
