import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_MODELS } from '../../server/clio/app-definition';
import { firmClioConnection } from '../../server/clio/connections-repository';
import { ensureFirmWebhooks } from '../../server/clio/webhooks';
import { type ClioHarness, installAndSignIn, startClioHarness } from './harness';

let h: ClioHarness;
let firmId: string;
beforeAll(async () => {
  h = await startClioHarness();
  firmId = (await installAndSignIn(h)).firmId;
});
afterAll(() => h?.stop());

const emu = () => h.clio.us.emulator;
const models = WEBHOOK_MODELS.map((m) => m.model).sort();

describe('ensureFirmWebhooks run concurrently for one firm', () => {
  it('ends with exactly one webhook per model at Clio, each matching one of our rows', async () => {
    // Start from a firm with a connection but no webhooks anywhere.
    for (const w of emu().state.webhooks.all()) emu().state.webhooks.remove(w.id);
    await h.t.db.deleteFrom('clio_webhooks').where('firm_id', '=', firmId).execute();
    const connection = (await firmClioConnection(h.deps.db, firmId))!;

    const created = await Promise.all([ensureFirmWebhooks(h.deps, connection), ensureFirmWebhooks(h.deps, connection), ensureFirmWebhooks(h.deps, connection)]);
    await emu().flushWebhooks();

    expect(created.reduce((a, b) => a + b, 0)).toBe(WEBHOOK_MODELS.length);
    const hooks = emu().state.webhooks.all();
    expect(hooks.map((w) => w.model).sort()).toEqual(models);
    const rows = await h.t.db.selectFrom('clio_webhooks').selectAll().where('firm_id', '=', firmId).execute();
    expect(rows.map((r) => r.model).sort()).toEqual(models);
    for (const hook of hooks) {
      const row = rows.find((r) => r.clio_webhook_id === String(hook.id));
      expect(row).toBeDefined();
      expect(hook.url.endsWith(`/${row!.id}`)).toBe(true);
      expect(hook.status).toBe('enabled');
      expect(row!.status).toBe('enabled');
    }
  });
});
