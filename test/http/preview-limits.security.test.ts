// Issue 15, attack 4: five dry runs in a row spent 40 of the admin's 50 Clio calls a minute, and
// a disconnect right after timed out. One preview per firm at a time, a per-user limit, and the
// preview's Clio reads capped to a share of the window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPacer, PREVIEW_CLIO_SHARE, withinShare } from '../../server/clio/pacing';
import { startSyncStack, type SyncStack } from '../sync/stack';

let s: SyncStack;
beforeAll(async () => {
  s = await startSyncStack({ settings: { syncBills: false, invoiceStatus: 'AUTHORISED' } });
  await s.settled('the first sync');
}, 120_000);
afterAll(() => s?.stack.stop());

describe('the dry run cannot starve the firm (attack 4)', () => {
  it('a second preview while one runs gets 409 PREVIEW_RUNNING', async () => {
    const [a, b] = await Promise.all([s.call('POST', '/api/sync/preview', {}), s.call('POST', '/api/sync/preview', {})]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const refused = a.status === 409 ? a : b;
    expect(refused.body.error).toMatchObject({ code: 'PREVIEW_RUNNING', message: expect.stringMatching(/already running/) });
  });

  it('previews in a row: the admin runs out before the firm does, and a disconnect right after goes through', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await s.call('POST', '/api/sync/preview', {})).status);
    // The first test spent one preview of the admin's three.
    expect(statuses).toEqual([200, 200, 429, 429, 429]);

    const started = Date.now();
    const res = await fetch(`${s.stack.baseUrl}/api/clio/connection`, { method: 'DELETE', headers: { authorization: `Bearer ${s.token}` } });
    expect(res.status).toBe(204);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe("the preview's share of a token's Clio window", () => {
  it('previews together get the share and then wait; the sync on the same token still has the rest at once', async () => {
    const windowMs = 400;
    const whole = createPacer(50, windowMs);
    const preview = withinShare(createPacer(PREVIEW_CLIO_SHARE, windowMs), whole);
    const t0 = Date.now();
    for (let i = 0; i < PREVIEW_CLIO_SHARE; i++) await preview.take('token');
    expect(Date.now() - t0).toBeLessThan(windowMs / 2);

    let previewPassed = false;
    const waiting = preview.take('token').then(() => (previewPassed = true));
    const syncStarted = Date.now();
    for (let i = 0; i < 50 - PREVIEW_CLIO_SHARE; i++) await whole.take('token');
    expect(Date.now() - syncStarted).toBeLessThan(windowMs / 2);
    expect(previewPassed).toBe(false);
    await waiting;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(windowMs - 5);
  });
});
