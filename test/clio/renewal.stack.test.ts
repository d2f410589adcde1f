import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_MODELS } from '../../server/clio/app-definition';
import { TASK } from '../../server/jobs/enqueue';
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/stack';
import { manual } from './harness';

/** The renewal job as production wires it (startServer's task list, graphile-worker), not called directly. */
let s: TestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(() => s?.stop());

const DAY = 86_400_000;

describe('clio webhook renewal through the running server', () => {
  it('the renew_clio_webhooks job extends webhooks that lapse within a week, at Clio and in our rows', async () => {
    let res = await manual(`${s.baseUrl}/oauth/clio/start?region=us`);
    res = await manual(res.headers.get('location')!);
    res = await manual(res.headers.get('location')!);
    expect(res.status).toBe(302);
    await s.clio.emulator.flushWebhooks();
    const hooks = s.clio.emulator.state.webhooks.all();
    expect(hooks).toHaveLength(WEBHOOK_MODELS.length);

    // Four weeks pass: our rows say every webhook lapses in two days.
    const soon = new Date(Date.now() + 2 * DAY);
    await s.db.updateTable('clio_webhooks').set({ expires_at: soon }).execute();
    await s.control('clio', 'DELETE', '/requests');

    await s.server.jobs.addJob(TASK.renewClioWebhooks, {});
    const patched = await eventually(
      async () => {
        const log = ((await s.control('clio', 'GET', '/requests')).data ?? []) as { method: string; path: string; status: number }[];
        const patches = log.filter((r) => r.method === 'PATCH' && r.path.startsWith('/api/v4/webhooks/'));
        return patches.length === WEBHOOK_MODELS.length && patches;
      },
      'the renewal job to PATCH every webhook at Clio',
      15_000,
    );
    expect(patched.every((p) => p.status === 200)).toBe(true);
    expect(patched.map((p) => p.path).sort()).toEqual(hooks.map((w) => `/api/v4/webhooks/${w.id}.json`).sort());
    await eventually(
      async () => {
        const rows = await s.db.selectFrom('clio_webhooks').select('expires_at').execute();
        return rows.length === WEBHOOK_MODELS.length && rows.every((r) => r.expires_at!.getTime() > Date.now() + 20 * DAY);
      },
      'our rows to carry the new expiry',
      15_000,
    );
  });
});
