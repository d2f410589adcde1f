// Issue 15, attack 1: a leaked Xero connect link took over the firm's Xero. The flow is bound to
// the session that asked for it: the start needs that session, the callback mints none, and the
// organisation choice needs that same user's session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TENANTS } from '../emulators/xero/index';
import { newBrowser, type ManualFetch } from '../support/cookie-jar';
import { connectedFirm, startXero, startXeroStack, type XeroStack } from '../xero/stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

const xeroRow = (firmId: string) => stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).where('provider', '=', 'xero').executeTakeFirstOrThrow();

/** Follows redirects as a browser would (Xero's emulator consents on its own), returning every Location seen. */
async function walk(browser: ManualFetch, url: string, init?: RequestInit): Promise<string[]> {
  const seen: string[] = [];
  let current = url;
  let res = await browser(current, init);
  for (let hop = 0; hop < 8 && res.status >= 300 && res.status < 400; hop++) {
    const location = res.headers.get('location')!;
    seen.push(location);
    if (location.startsWith('/app/')) break;
    current = new URL(location, current).toString();
    res = await browser(current);
  }
  return seen;
}

describe('a leaked Xero start link (attack 1)', () => {
  it('opened in a browser with none of the admin’s cookies or tokens, reaches no Xero consent and no session, and the live connection stays active', async () => {
    const { firmId, token } = await connectedFirm(stack);
    const link: string = (await stack.api(token)('POST', '/api/xero/connect')).body.authorizeUrl;

    const outsider = newBrowser();
    const other = await stack.createFirmSession();
    const attempts = [
      await walk(outsider, link),
      await walk(outsider, link, { method: 'POST', body: new URLSearchParams() }),
      // An admin of another firm, signed in: their session is not the one that asked.
      await walk(outsider, link, { method: 'POST', body: new URLSearchParams({ token: other.token }) }),
    ];
    for (const hops of attempts) {
      expect(hops.some((l) => l.startsWith(stack.xero.url))).toBe(false);
      expect(hops.join(' ')).not.toContain('#token=');
      expect(hops.at(-1)).toBe('/app/settings?xero_error=state_unknown');
    }
    const row = await xeroRow(firmId);
    expect({ status: row.status, tenant: row.xero_tenant_id }).toEqual({ status: 'active', tenant: SEED_TENANTS.primary.tenantId });
    expect((await stack.api(token)('GET', '/api/xero/connection')).body).toEqual({ status: 'active', tenantName: SEED_TENANTS.primary.name });
    expect(await stack.db.selectFrom('xero_pending_tenants').select('tenant_id').where('firm_id', '=', firmId).execute()).toEqual([]);
  });

  it('the admin’s own flow ends on the choice page with no session in the address; the choice needs that same user’s session', async () => {
    const { firmId, userId, token } = await stack.createFirmSession();
    const browser = newBrowser();
    const hops = await walk(browser, (await startXero(stack, token, browser)).toString());
    expect(hops.at(-1)).toBe('/app/settings/xero-organisation');

    // A second administrator of the same firm did not consent: the organisations are not theirs to choose.
    const colleague = await stack.addUser(firmId, { isAdmin: true });
    expect((await stack.api(colleague.token)('GET', '/api/xero/organisations/pending')).body).toEqual({ organisations: [] });
    expect((await stack.api(colleague.token)('POST', '/api/xero/organisation', { tenantId: SEED_TENANTS.primary.tenantId })).status).toBe(404);

    const chosen = await stack.api(token)('POST', '/api/xero/organisation', { tenantId: SEED_TENANTS.secondary.tenantId });
    expect(chosen.status).toBe(200);
    expect((await xeroRow(firmId)).xero_tenant_id).toBe(SEED_TENANTS.secondary.tenantId);
    expect(userId).not.toBe(colleague.userId);
  });
});
