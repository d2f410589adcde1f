import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCursor } from '../../server/sync/cursors';
import { sql } from 'kysely';
import { firmStatus } from '../../server/status/service';
import { XERO_WEBHOOK_GRACE_MS } from '../../server/sync/xero-webhook-silence';
import { startSyncStack, type SyncStack } from './stack';

/**
 * Xero's webhooks failing: Xero retries for up to 24 hours, then disables the subscription until an
 * intent-to-receive (the emulator models it; test/emulators/xero/webhooks.test.ts). Whatever Xero
 * does meanwhile, a bookkeeper's edit in Xero still reaches Clio through the sweep, and once a
 * change has come that no webhook announced, the Status tab and the sweep know the webhooks are off.
 */
let s: SyncStack;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const clioContact = (id: number) => s.clio().contacts.require(id);
const status = (at: Date) => firmStatus(s.stack, s.firmId, at);

async function scheduledSweepListsXeroContacts(): Promise<boolean> {
  const before = s.stack.xero.emulator.requestLog.entries.length;
  await s.scheduledSweep();
  return s.stack.xero.emulator.requestLog.entries.slice(before).some((r) => r.method === 'GET' && /\/Contacts$/i.test(r.path));
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await s.stack.xero.emulator.webhooks.flush();
    await s.settled();
  }
}

beforeAll(async () => {
  s = await startSyncStack({ settings: (day) => ({ invoiceStatus: 'AUTHORISED', billDateFrom: day }) });
  await settle();
}, 120_000);
afterAll(() => s?.stack.stop());

describe('Xero webhooks off', { timeout: 120_000 }, () => {
  it('the sweep still brings the edit to Clio; the Status tab then says the webhooks have not arrived since the last one', async () => {
    const { contactId, matterId } = await s.newClient('Silent Waters Pty Ltd', 'hello@silentwaters.example');
    await s.newApprovedBill(matterId, 300);
    await settle();
    const xeroContactId = (await s.links('contact')).find((l) => l.clio_id === String(contactId))!.xero_id!;
    // Our own writes to Xero came back as webhooks: that is the last one received.
    const [{ last }] = (await s.stack.db
      .selectFrom('xero_webhook_events')
      .select((eb) => eb.fn.max('received_at').as('last'))
      .where('firm_id', '=', s.firmId)
      .execute()) as [{ last: Date }];
    expect(last).toBeInstanceOf(Date);
    expect((await status(new Date())).xeroWebhooksSilent).toBeNull();

    // Deliveries now fail: Xero signs with a key we do not hold, so we answer 401 and Xero retries.
    await sleep(1_500);
    const { url } = await s.stack.control('xero', 'PUT', '/webhooks', { key: 'a-rotated-key' });
    await s.xeroControl('POST', '/contacts', { ContactID: xeroContactId, EmailAddress: 'billing@silentwaters.example' });
    await settle();
    const deliveries = (await s.stack.control('xero', 'GET', '/webhooks/deliveries')) as { delivered: boolean; attempts: { status: number }[] }[];
    expect(deliveries.at(-1)).toMatchObject({ delivered: false, attempts: [{ status: 401 }] });
    expect(clioContact(contactId).email_addresses.map((e) => e.address)).toEqual(['hello@silentwaters.example']);

    await s.sweep();
    expect(clioContact(contactId).email_addresses.map((e) => e.address)).toEqual(['billing@silentwaters.example']);

    // Right after, its webhook might still come; past the grace, it has not.
    expect((await status(new Date())).xeroWebhooksSilent).toBeNull();
    const later = await status(new Date(Date.now() + XERO_WEBHOOK_GRACE_MS + 60_000));
    expect(later.xeroWebhooksSilent).toEqual({ since: last.toISOString(), checkEveryMinutes: expect.any(Number) });

    // A webhook that gets through again (the key fixed, the subscription re-enabled) ends it.
    await s.stack.control('xero', 'PUT', '/webhooks', { url, key: 'sandbox-webhook-key' });
    expect((await s.stack.control('xero', 'POST', '/webhooks/intent-to-receive')).status).toBe('OK');
    await sleep(1_500);
    await s.xeroControl('POST', '/contacts', { ContactID: xeroContactId, EmailAddress: 'hello@silentwaters.example' });
    await settle();
    expect(clioContact(contactId).email_addresses.map((e) => e.address)).toEqual(['hello@silentwaters.example']);
    await s.sweep();
    expect((await status(new Date(Date.now() + XERO_WEBHOOK_GRACE_MS + 60_000))).xeroWebhooksSilent).toBeNull();
  });

  it('while they are silent, a scheduled sweep lists Xero’s contacts every time, not in turn with the other kinds', async () => {
    const { contactId, matterId } = await s.newClient('Still Pond Pty Ltd', 'hello@stillpond.example');
    await s.newApprovedBill(matterId, 200);
    await settle();
    const xeroContactId = (await s.links('contact')).find((l) => l.clio_id === String(contactId))!.xero_id!;
    // Healthy, a scheduled sweep after a full one lists one announced kind in turn: Clio's contacts first.
    await s.sweep();
    expect(await scheduledSweepListsXeroContacts()).toBe(false);
    await sleep(1_500);
    await s.stack.control('xero', 'PUT', '/webhooks', { key: 'a-rotated-key' });
    await s.xeroControl('POST', '/contacts', { ContactID: xeroContactId, EmailAddress: 'billing@stillpond.example' });
    await settle();
    await s.sweep();
    expect(clioContact(contactId).email_addresses.map((e) => e.address)).toEqual(['billing@stillpond.example']);
    // Twenty minutes pass: what we stored of times (the last webhook, the newest change found) moves back by as much.
    const shift = 20 * 60_000;
    await sql`update xero_webhook_events set received_at = received_at - interval '20 minutes' where firm_id = ${s.firmId}`.execute(s.stack.db);
    for (const kind of ['contacts', 'invoices']) {
      const cursor = await getCursor(s.stack.db, s.firmId, 'xero', kind);
      const moved = cursor && new Date(Date.parse(cursor) - shift).toISOString();
      if (moved) await sql`update sync_cursors set cursor = ${moved} where firm_id = ${s.firmId} and source = 'xero' and kind = ${kind}`.execute(s.stack.db);
    }
    expect((await status(new Date())).xeroWebhooksSilent).not.toBeNull();
    expect(await scheduledSweepListsXeroContacts()).toBe(true);
  });
});
