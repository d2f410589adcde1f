// Choosing a side of a conflict writes to the firm's Clio or Xero: only an administrator may do it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEnvelope, uiApiHarness, type UiApiHarness } from '../ui-api/app-harness';

let h: UiApiHarness;
beforeAll(async () => {
  h = await uiApiHarness();
});
afterAll(() => h?.stop());

describe('POST /api/conflicts/:kind/:id', () => {
  it('a non-administrator may list conflicts but not resolve one; an administrator gets past the check', async () => {
    const viewer = await h.firmWithUser({ admin: false });
    expect((await h.call('GET', '/api/conflicts', viewer.token)).status).toBe(200);
    const refused = await h.call('POST', '/api/conflicts/contact/41', viewer.token, { keep: 'xero' });
    expect(refused.status).toBe(403);
    expectEnvelope(await refused.json(), 'FORBIDDEN');

    // The same request from an administrator reaches the route: no such conflict.
    const admin = await h.firmWithUser();
    expect((await h.call('POST', '/api/conflicts/contact/41', admin.token, { keep: 'xero' })).status).toBe(404);
  });

  it('the same for a bill in conflict: a non-administrator is refused, an administrator reaches the route', async () => {
    const viewer = await h.firmWithUser({ admin: false });
    const refused = await h.call('POST', '/api/conflicts/bill/15', viewer.token, { keep: 'clio' });
    expect(refused.status).toBe(403);
    expectEnvelope(await refused.json(), 'FORBIDDEN');
    const admin = await h.firmWithUser();
    expect((await h.call('POST', '/api/conflicts/bill/15', admin.token, { keep: 'clio' })).status).toBe(404);
    // A kind with no conflicts to choose is no route at all.
    expect((await h.call('POST', '/api/conflicts/payment/15', admin.token, { keep: 'clio' })).status).toBe(404);
  });
});
