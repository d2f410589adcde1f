// The purge and the daily Xero check act on uninstalled and installed firms respectively; each
// leaves the other kind alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeFirm } from '../../server/offboarding/purge';
import { checkXeroConnections } from '../../server/xero/daily-check';
import { manual } from '../clio/harness';
import { SEED_TENANTS } from '../emulators/xero/index';
import { sessionTokenFrom } from '../support/stack';
import { connectFirm, holdFirmQueue, queuedJobs, startXeroStack, type XeroStack } from '../xero/stack';

let stack: XeroStack;
beforeAll(async () => {
  stack = await startXeroStack();
});
afterAll(() => stack?.stop());

const DAY = 86_400_000;

async function install() {
  let res = await manual(`${stack.baseUrl}/oauth/clio/start?region=us`);
  res = await manual(res.headers.get('location')!);
  res = await manual(res.headers.get('location')!);
  const token = sessionTokenFrom(res.headers.get('location')!);
  return { token, ...(await stack.sessions.verify(token)) };
}

describe('purging a firm still installed', () => {
  it('is refused before anything is touched: its queued jobs stay queued', async () => {
    const s = await install();
    await holdFirmQueue(stack, s.firmId);
    expect((await stack.api(s.token)('POST', '/api/sync/now')).status).toBe(202);
    const queued = await queuedJobs(stack, s.firmId);
    expect(queued.length).toBeGreaterThan(0);

    expect(await purgeFirm(stack.db, s.firmId, { actor: 'operator' })).toBe('still_installed');
    expect(await queuedJobs(stack, s.firmId)).toEqual(queued);
  });
});

describe('the daily Xero check', () => {
  it('leaves alone the still-active Xero connection of a firm that uninstalled the add-on: no token refresh, no call, nothing counted', async () => {
    const s = await install();
    await connectFirm(stack, s.token, SEED_TENANTS.primary.tenantId);
    // A Clio deauthorization uninstalls the firm but leaves its Xero row active until the purge
    // (clio/uninstall.ts removeConnections): exactly the row the check must skip.
    await stack.db.updateTable('firms').set({ status: 'uninstalled', uninstalled_at: new Date() }).where('id', '=', s.firmId).execute();

    await stack.xero.control('DELETE', '/requests');
    const later = new Date(Date.now() + 45 * DAY);
    const deps = { config: stack.config, db: stack.db, secrets: stack.server.secrets, logger: stack.logger, now: () => later };
    expect(await checkXeroConnections(deps)).toEqual({ ok: 0, lost: 0, unreachable: 0 });
    expect(await stack.xero.control('GET', '/requests')).toEqual([]);
  });
});
