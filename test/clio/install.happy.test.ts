import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOM_ACTIONS, WEBHOOK_MODELS } from '../../server/clio/app-definition';
import { type ClioHarness, startClioHarness } from './harness';

let h: ClioHarness;
beforeAll(async () => {
  h = await startClioHarness();
});
afterAll(() => h?.stop());

describe('clio install (happy path)', () => {
  it('installs the admin: firm, user, sealed tokens, custom actions, webhooks', async () => {
    const admin = h.clio.us.emulator.state.users.all().find((u) => u.account_owner)!;
    const out = await h.install({ clioUserId: admin.id });
    expect(out.status).toBe(302);
    expect(out.location).toMatch(/^\/app\/#token=/);
    const firm = await h.t.db.selectFrom('firms').selectAll().executeTakeFirstOrThrow();
    expect(firm.name).toBe(h.clio.us.emulator.state.account.name);
    const user = await h.t.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
    expect(user.is_admin).toBe(true);
    const actions = h.clio.us.emulator.state.customActions.all();
    expect(actions.map((a) => a.ui_reference).sort()).toEqual(CUSTOM_ACTIONS.map((a) => a.uiReference).sort());
    const hooks = h.clio.us.emulator.state.webhooks.all();
    expect(hooks.map((w) => w.model).sort()).toEqual(WEBHOOK_MODELS.map((m) => m.model).sort());
    expect(hooks.every((w) => w.status === 'enabled')).toBe(true);
  });
});
