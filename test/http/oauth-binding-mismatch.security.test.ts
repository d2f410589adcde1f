// Issue 8, finding 3: the binding cookie must match the state that comes back, not merely be present.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBrowser } from '../support/cookie-jar';
import { startXeroStack, submitStart, type XeroStack } from '../xero/stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

const xeroRow = (firmId: string) => stack.db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).where('provider', '=', 'xero').executeTakeFirst();

/** Opens our start link in `browser` (which sets its binding cookie) and returns Xero's authorize URL. */
async function startXero(token: string, browser: ReturnType<typeof newBrowser>) {
  const started = await stack.api(token)('POST', '/api/xero/connect');
  return (await submitStart(started.body.authorizeUrl, token, browser)).headers.get('location')!;
}

describe('Xero connect: a browser bound to its own flow', () => {
  it("cannot complete another flow's state: a victim mid-connect who opens the attacker's authorize URL lands nothing in the attacker's firm", async () => {
    const attacker = await stack.createFirmSession();
    const attackerAuthorizeUrl = await startXero(attacker.token, newBrowser());

    const victimFirm = await stack.createFirmSession();
    const victim = newBrowser();
    await startXero(victimFirm.token, victim);

    const approved = await victim(attackerAuthorizeUrl);
    const callback = await victim(approved.headers.get('location')!);
    expect(callback.headers.get('location')).toBe('/app/settings?xero_error=state_unknown');
    expect(await xeroRow(attacker.firmId)).toBeUndefined();
    expect(await stack.db.selectFrom('xero_pending_tenants').select('tenant_id').where('firm_id', '=', attacker.firmId).execute()).toEqual([]);
  });
});
