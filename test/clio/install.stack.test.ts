import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_MODELS } from '../../server/clio/app-definition';
import { sessionTokenFrom, startTestStack, type TestStack } from '../support/stack';
import { eventually } from '../support/eventually';
import { manual } from './harness';

/** The same install, click and delivery through the production composition root (startServer, worker, cron). */
let s: TestStack;
beforeAll(async () => {
  s = await startTestStack();
});
afterAll(() => s?.stop());

describe('clio connect through the running server', () => {
  it('installs, answers a custom action, and hands a webhook event to the worker', async () => {
    const emu = s.clio.emulator;
    let res = await manual(`${s.baseUrl}/oauth/clio/start?region=us`);
    res = await manual(res.headers.get('location')!);
    res = await manual(res.headers.get('location')!);
    expect(res.status).toBe(302);
    const session = await s.server.sessions.verify(sessionTokenFrom(res.headers.get('location')!));
    await emu.flushWebhooks();
    expect(emu.state.webhooks.all().filter((w) => w.status === 'enabled')).toHaveLength(WEBHOOK_MODELS.length);

    const action = emu.state.customActions.all().find((a) => a.ui_reference === 'contacts/show')!;
    const contact = emu.state.contacts.all()[0]!;
    const { url } = await s.control('clio', 'POST', `/custom_actions/${action.id}/click`, { subject_id: contact.id });
    const click = await manual(url);
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toMatch(`/app/records/contact/${contact.id}#token=`);

    await s.control('clio', 'POST', '/contacts', { type: 'Company', name: 'Stack Test LLP' });
    await emu.flushWebhooks();
    expect(emu.deliveries().at(-1)!.status).toBe(200);
    // Both jobs reach the worker on the firm's queue.
    await eventually(() => s.logLines.filter((l) => l.includes('sync_records') && l.includes('Completed')).length >= 2, 'two sync_records jobs');
    expect(session.isAdmin).toBe(true);
  });
});
