import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventKey } from '../../server/xero/webhook-service';
import { SEED_TENANTS, signWebhookBody } from '../emulators/xero/index';
import { eventually } from '../support/eventually';
import { connectedFirm, holdFirmQueue, queuedJobs, startXeroStack, type XeroStack } from './stack';

let stack: XeroStack;
let firmId: string;
beforeAll(async () => {
  stack = await startXeroStack();
  firmId = (await connectedFirm(stack)).firmId;
  await holdFirmQueue(stack, firmId);
});
afterAll(() => stack?.stop());

let seq = 0;
function delivery(tenantId = SEED_TENANTS.primary.tenantId) {
  seq += 1;
  const event = {
    resourceUrl: 'x',
    resourceId: `c0ffee00-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    eventDateUtc: `2026-11-25T10:00:0${seq}.000`,
    eventType: 'UPDATE',
    eventCategory: 'CONTACT',
    tenantId,
    tenantType: 'ORGANISATION',
  };
  const body = JSON.stringify({ events: [event], firstEventSequence: seq, lastEventSequence: seq, entropy: 'x' });
  return {
    event,
    key: eventKey(event),
    post: () =>
      fetch(`${stack.baseUrl}/webhooks/xero`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-xero-signature': signWebhookBody(body, stack.config.xero.webhookKey) },
        body,
      }),
  };
}

const dedupeRows = async (key: string) => (await stack.db.selectFrom('xero_webhook_events').select('event_key').where('event_key', '=', key).execute()).length;
const syncJobsFor = async (resourceId: string) =>
  (await queuedJobs(stack, firmId)).filter((j) => j.task === 'sync_records' && (j.payload.ids as string[]).includes(resourceId));

describe('xero webhook: dedupe row and job are one transaction', () => {
  it('never shows the event key without its job; a crash while queuing keeps nothing and the redelivery is queued', async () => {
    const d = delivery();
    // Another session holds graphile-worker's jobs table, so the enqueue blocks half-way.
    const blocker = new pg.Client(stack.dbUrl);
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table graphile_worker._private_jobs in share mode');
      const pending = d.post();
      const stuckPid = await eventually(async () => {
        // pg_stat_activity is snapshotted once per transaction unless the snapshot is cleared.
        await blocker.query('select pg_stat_clear_snapshot()');
        const { rows } = await blocker.query<{ pid: number }>(
          `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike '%add_job%' and pid <> pg_backend_pid()`,
        );
        return rows[0]?.pid;
      }, 'the webhook enqueue to block on the lock');
      // Had the server died now, this row would be all that is left: it must not be visible yet.
      const seenMeanwhile = await blocker.query('select 1 from xero_webhook_events where event_key = $1', [d.key]);
      expect(seenMeanwhile.rowCount).toBe(0);

      // The crash: the enqueueing connection dies mid-transaction.
      await blocker.query('select pg_terminate_backend($1)', [stuckPid]);
      const res = await pending;
      expect(res.status).toBe(500);
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      await blocker.end();
    }
    expect(await dedupeRows(d.key)).toBe(0);
    expect(await syncJobsFor(d.event.resourceId)).toHaveLength(0);

    // Xero's retry of the same delivery is queued, not dropped as a duplicate.
    expect((await d.post()).status).toBe(200);
    expect(await dedupeRows(d.key)).toBe(1);
    expect(await syncJobsFor(d.event.resourceId)).toHaveLength(1);
    // And a second retry is the duplicate.
    expect((await d.post()).status).toBe(200);
    expect(await syncJobsFor(d.event.resourceId)).toHaveLength(1);
  });

  it('ignores events for a firm that uninstalled the add-on', async () => {
    await stack.db.updateTable('firms').set({ status: 'uninstalled' }).where('id', '=', firmId).execute();
    try {
      const d = delivery();
      expect((await d.post()).status).toBe(200);
      expect(await dedupeRows(d.key)).toBe(0);
      expect(await syncJobsFor(d.event.resourceId)).toHaveLength(0);
    } finally {
      await stack.db.updateTable('firms').set({ status: 'active' }).where('id', '=', firmId).execute();
    }
  });
});
