import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveCheck } from '../../server/agreement/repository';
import { markSwept } from '../../server/firms/repository';
import { TASK } from '../../server/jobs/enqueue';
import { estimateSeconds } from '../../server/status/service';
import { recordFailed, recordPushed, recordWaiting } from '../../server/sync/links';
import { recordFailureGroup } from '../../server/sync/failure-groups';
import { closeItem, openItem } from '../../server/sync/open-items';
import { markRun, recordProgress } from '../../server/sync/runs';
import { expectEnvelope, PRODUCTION_ENV, uiApiHarness, type UiApiHarness } from '../ui-api/app-harness';

/** The Status tab's API over the real app and database, configured for production Clio and Xero hosts. */
let h: UiApiHarness;
beforeAll(async () => {
  h = await uiApiHarness(PRODUCTION_ENV);
});
afterAll(() => h?.stop());

const archived = { code: 'XERO_ACCOUNT_ARCHIVED' as const, detail: "The account code '200' has been archived" };
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any });

describe('GET /api/sync/status', () => {
  it('counts per kind, the next sync after the interval, and failure groups with links into Clio and Xero', async () => {
    const a = await h.firmWithUser();
    await h.db.updateTable('settings').set({ sweep_interval_minutes: 15 }).where('firm_id', '=', a.firmId).execute();
    await markRun(h.db, a.firmId, 'started');
    await markRun(h.db, a.firmId, 'succeeded');
    const ctx = { db: h.db, firmId: a.firmId };
    await recordPushed(ctx.db, ctx.firmId, 'contact', { clioId: '7', xeroId: 'c0ffee00-0000-4000-8000-000000000007', hash: 'h', snapshot: {} });
    await recordFailed(ctx.db, ctx.firmId, 'contact', '7', { code: 'XERO_CONTACT_NAME_TAKEN', detail: 'taken' }, { dropClaim: true });
    await recordFailureGroup(ctx.db, ctx.firmId, 'contact', '7', { code: 'XERO_CONTACT_NAME_TAKEN', detail: 'taken' });
    await recordFailed(ctx.db, ctx.firmId, 'bill', '31', archived, { dropClaim: true });
    await recordFailureGroup(ctx.db, ctx.firmId, 'bill', '31', archived);

    const { status, body } = await json(await h.call('GET', '/api/sync/status', a.token));
    expect(status).toBe(200);
    expect(Date.parse(body.nextRunAt) - Date.parse(body.lastRunAt)).toBe(15 * 60_000);
    // Once the firm has had a full run, the schedule counts from it (a webhook's one-record sync does not move it).
    await markSwept(h.db, a.firmId, new Date('2026-11-30T10:00:00Z'));
    expect((await json(await h.call('GET', '/api/sync/status', a.token))).body.nextRunAt).toBe('2026-11-30T10:15:00.000Z');
    expect(body.running).toBe(false);
    expect(body.progress).toBeNull();
    expect(body.counts).toEqual([
      { kind: 'contact', synced: 0, pending: 0, failed: 1 },
      { kind: 'bill', synced: 0, pending: 0, failed: 1 },
      { kind: 'payment_allocation', synced: 0, pending: 0, failed: 0 },
      { kind: 'credit_memo', synced: 0, pending: 0, failed: 0 },
      { kind: 'hard_cost', synced: 0, pending: 0, failed: 0 },
    ]);
    const byKind = Object.fromEntries(body.errors.map((g: any) => [g.kind, g]));
    expect(byKind.contact.records).toEqual([
      {
        clioId: '7',
        clioUrl: 'https://app.clio.com/nc/#/contacts/7',
        xeroId: 'c0ffee00-0000-4000-8000-000000000007',
        xeroUrl: 'https://go.xero.com/Contacts/View/c0ffee00-0000-4000-8000-000000000007',
      },
    ]);
    expect(byKind.bill).toMatchObject({ code: 'XERO_ACCOUNT_ARCHIVED', count: 1, cause: expect.stringContaining('archived'), fix: expect.stringContaining('Restore') });
    expect(byKind.bill.records).toEqual([{ clioId: '31', clioUrl: 'https://app.clio.com/nc/#/bills/31', xeroId: null, xeroUrl: null }]);

    // An invoice's link, once the bill is in Xero.
    await recordPushed(ctx.db, ctx.firmId, 'bill', { clioId: '32', xeroId: 'inv-32', hash: 'h', snapshot: {} });
    const record = await json(await h.call('GET', '/api/records/bill/32', a.token));
    expect(record.body.xeroUrl).toBe('https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=inv-32');
  });

  it('progress of the run in progress, with an estimate at Xero’s 60 calls a minute of 50 records', async () => {
    const a = await h.firmWithUser();
    await markRun(h.db, a.firmId, 'started');
    await recordProgress(h.db, a.firmId, 1000, 7000, 'bill');
    const running = (await json(await h.call('GET', '/api/sync/status', a.token))).body;
    expect(running).toMatchObject({ running: true, progress: { kind: 'bill', done: 1000, total: 7000, etaSeconds: 120 } });
    // The bills done, the same run sends its payments: the progress says so.
    await recordProgress(h.db, a.firmId, 0, 3000, 'payment_allocation');
    const paying = (await json(await h.call('GET', '/api/sync/status', a.token))).body;
    expect(paying).toMatchObject({ running: true, progress: { kind: 'payment_allocation', done: 0, total: 3000, etaSeconds: 60 } });
    await markRun(h.db, a.firmId, 'succeeded');
    expect((await json(await h.call('GET', '/api/sync/status', a.token))).body).toMatchObject({ running: false, progress: null });
    expect([estimateSeconds(0), estimateSeconds(1), estimateSeconds(50), estimateSeconds(51), estimateSeconds(3000)]).toEqual([0, 1, 1, 2, 60]);
  });

  it('why records wait, each reason once with how many wait for it, the most common first; another firm’s are not shown', async () => {
    const a = await h.firmWithUser();
    const b = await h.firmWithUser();
    const on15 = 'waits until invoice 15 is approved in Xero';
    await recordWaiting(h.db, a.firmId, 'payment_allocation', '1', 'waits until invoice 14 is approved in Xero', '14');
    await recordWaiting(h.db, a.firmId, 'payment_allocation', '2', on15, '15');
    await recordWaiting(h.db, a.firmId, 'payment_allocation', '3', on15, '15');
    await recordWaiting(h.db, a.firmId, 'credit_memo', '4', on15);
    await recordWaiting(h.db, b.firmId, 'payment_allocation', '9', 'waits until invoice 99 is approved in Xero', '99');
    const { body } = await json(await h.call('GET', '/api/sync/status', a.token));
    expect(body.waiting).toEqual([
      { kind: 'payment_allocation', reason: on15, count: 2 },
      { kind: 'credit_memo', reason: on15, count: 1 },
      { kind: 'payment_allocation', reason: 'waits until invoice 14 is approved in Xero', count: 1 },
    ]);
    expect(body.counts.find((c: { kind: string }) => c.kind === 'payment_allocation')).toMatchObject({ pending: 3 });
  });
});

describe('retry and dismiss a failure group', () => {
  it('an administrator re-queues every record of the group, and dismisses it', async () => {
    const a = await h.firmWithUser();
    await recordFailureGroup(h.db, a.firmId, 'bill', '41', archived);
    await recordFailureGroup(h.db, a.firmId, 'bill', '42', archived);
    const [group] = (await json(await h.call('GET', '/api/sync/errors', a.token))).body.errors;
    const retry = await h.call('POST', `/api/sync/errors/${group.id}/retry`, a.token);
    expect(retry.status).toBe(202);
    expect(h.jobs.at(-1)).toMatchObject({ task: TASK.syncRecords, payload: { firmId: a.firmId, source: 'clio', kind: 'bill', ids: ['41', '42'], reason: 'manual' } });

    expect((await h.call('POST', `/api/sync/errors/${group.id}/dismiss`, a.token)).status).toBe(200);
    expect((await json(await h.call('GET', '/api/sync/status', a.token))).body.errors).toEqual([]);
    await recordFailureGroup(h.db, a.firmId, 'bill', '43', archived);
    expect((await json(await h.call('GET', '/api/sync/status', a.token))).body.errors.map((g: any) => g.count)).toEqual([3]);
  });

  it('open items: each firm sees its own, in their words, with a link to the Clio bill; a closed one is gone', async () => {
    const a = await h.firmWithUser();
    const b = await h.firmWithUser();
    const words = '$400.00 received in Xero on 3 Dec 2026 for bill 15, Lucas Wilson: record it in Clio to Operating account';
    const item = await openItem(h.db, a.firmId, { kind: 'xero_payment_to_record', subjectId: 'pay-1', clioBillId: '15', amountCents: 40000, words });
    // Opening it again (another sweep) is the same item.
    expect((await openItem(h.db, a.firmId, { kind: 'xero_payment_to_record', subjectId: 'pay-1', clioBillId: '15', amountCents: 40000, words })).id).toBe(item.id);
    const mine = (await json(await h.call('GET', '/api/sync/status', a.token))).body.openItems;
    expect(mine).toEqual([{ id: item.id, words, openedAt: expect.any(String), clioUrl: 'https://app.clio.com/nc/#/bills/15' }]);
    expect((await json(await h.call('GET', '/api/sync/status', b.token))).body.openItems).toEqual([]);
    await closeItem(h.db, a.firmId, item.id, 'recorded in Clio');
    expect((await json(await h.call('GET', '/api/sync/status', a.token))).body.openItems).toEqual([]);
  });

  it('a group of a kind with no per-record job, or of the whole firm, is retried by a sync of the firm', async () => {
    const a = await h.firmWithUser();
    await recordFailureGroup(h.db, a.firmId, 'payment_allocation', '51', archived);
    const [group] = (await json(await h.call('GET', '/api/sync/errors', a.token))).body.errors;
    expect((await h.call('POST', `/api/sync/errors/${group.id}/retry`, a.token)).status).toBe(202);
    expect(h.jobs.at(-1)).toMatchObject({ task: TASK.syncFirm, payload: { firmId: a.firmId, reason: 'manual' } });
  });

  it('another firm’s group is not found, and a non-administrator may not retry, dismiss or backfill', async () => {
    const a = await h.firmWithUser();
    const b = await h.firmWithUser();
    const viewer = await h.firmWithUser({ admin: false });
    await recordFailureGroup(h.db, a.firmId, 'bill', '61', archived);
    const [group] = (await json(await h.call('GET', '/api/sync/errors', a.token))).body.errors;
    for (const action of ['retry', 'dismiss']) {
      const other = await json(await h.call('POST', `/api/sync/errors/${group.id}/${action}`, b.token));
      expect(other.status).toBe(404);
      expectEnvelope(other.body, 'NOT_FOUND');
      expect((await h.call('POST', `/api/sync/errors/${group.id}/${action}`, viewer.token)).status).toBe(403);
      expect((await h.call('POST', `/api/sync/errors/not-a-number/${action}`, a.token)).status).toBe(404);
    }
    expect((await json(await h.call('GET', '/api/sync/status', b.token))).body.errors).toEqual([]);
    expect((await h.call('POST', '/api/sync/backfill', viewer.token, { from: '2026-01-01', to: null })).status).toBe(403);
    expect((await h.call('POST', '/api/sync/now', viewer.token)).status).toBe(403);
  });
});

describe('POST /api/sync/backfill', () => {
  it('queues a backfill of the range under its own job key, so a pending sweep cannot replace it', async () => {
    const a = await h.firmWithUser();
    expect((await h.call('POST', '/api/sync/backfill', a.token, {})).status).toBe(400);
    expect((await h.call('POST', '/api/sync/backfill', a.token, { from: '2026-13-01' })).status).toBe(400);
    expect((await h.call('POST', '/api/sync/backfill', a.token, { from: '2026-01-01', to: '2026-03-31' })).status).toBe(202);
    expect(h.jobs.at(-1)).toEqual({
      task: TASK.syncFirm,
      payload: { firmId: a.firmId, reason: 'backfill', range: { from: '2026-01-01', to: '2026-03-31' } },
      spec: { queueName: `firm:${a.firmId}`, jobKey: `backfill:${a.firmId}`, maxAttempts: 10 },
    });
  });
});

describe('a large failure group', () => {
  it('lists its first records only, counts them all, and "Retry all" takes them all', async () => {
    const a = await h.firmWithUser();
    const ids = Array.from({ length: 130 }, (_, i) => String(1000 + i));
    for (const id of ids) await recordFailureGroup(h.db, a.firmId, 'bill', id, archived);
    const [group] = (await json(await h.call('GET', '/api/sync/status', a.token))).body.errors;
    expect(group.count).toBe(130);
    expect(group.records).toHaveLength(100);
    await h.call('POST', `/api/sync/errors/${group.id}/retry`, a.token);
    const queued = h.jobs.slice(-1).flatMap((j) => (j.payload as { ids: string[] }).ids);
    expect(queued).toEqual(ids);
  });
});

describe('the agreement check on the Status tab', () => {
  it('before any check the payload says so; after one, when, how many bills, and each difference with its cause, fix and links', async () => {
    const a = await h.firmWithUser();
    expect((await json(await h.call('GET', '/api/sync/status', a.token))).body.agreement).toBeNull();
    await recordPushed(h.db, a.firmId, 'bill', { clioId: '61', xeroId: 'inv-61', hash: 'h', snapshot: {} });
    const stored = await saveCheck(h.db, a.firmId, {
      billsCompared: 2000,
      differences: [
        { kind: 'agreement_bill', clioId: '61', xeroId: 'inv-61', code: 'PAID_IN_XERO_OPEN_IN_CLIO', label: 'Bill 000061', detail: 'Paid 110.00 in Xero, 0.00 in Clio.' },
      ],
    });
    await recordFailureGroup(h.db, a.firmId, 'agreement_bill', '61', { code: 'PAID_IN_XERO_OPEN_IN_CLIO', detail: 'Paid 110.00 in Xero, 0.00 in Clio.' });
    const { body } = await json(await h.call('GET', '/api/sync/status', a.token));
    expect(body.agreement).toEqual({
      checkedAt: stored.checkedAt.toISOString(),
      billsCompared: 2000,
      differenceCount: 1,
      differences: [
        {
          kind: 'agreement_bill',
          clioId: '61',
          xeroId: 'inv-61',
          code: 'PAID_IN_XERO_OPEN_IN_CLIO',
          label: 'Bill 000061',
          detail: 'Paid 110.00 in Xero, 0.00 in Clio.',
          cause: 'Paid in Xero, open in Clio: the invoice holds a payment the Clio bill does not.',
          fix: expect.stringMatching(/^Record the payment in Clio/),
          clioUrl: 'https://app.clio.com/nc/#/bills/61',
          xeroUrl: 'https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=inv-61',
        },
      ],
    });
    // Its failure group links to the bill and its invoice as a bill's own group does.
    const group = body.errors.find((g: any) => g.kind === 'agreement_bill');
    expect(group.records).toEqual([
      { clioId: '61', clioUrl: 'https://app.clio.com/nc/#/bills/61', xeroId: 'inv-61', xeroUrl: 'https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=inv-61' },
    ]);
    // Another firm sees its own (none).
    const b = await h.firmWithUser();
    expect((await json(await h.call('GET', '/api/sync/status', b.token))).body.agreement).toBeNull();
  });

  it('"Check now" queues the firm’s check on its queue, for administrators only', async () => {
    const a = await h.firmWithUser();
    const viewer = await h.firmWithUser({ admin: false });
    expect((await h.call('POST', '/api/agreement/check', viewer.token)).status).toBe(403);
    expect((await h.call('POST', '/api/agreement/check', a.token)).status).toBe(202);
    expect(h.jobs.at(-1)).toMatchObject({ task: TASK.checkAgreement, payload: { firmId: a.firmId }, spec: { queueName: `firm:${a.firmId}` } });
  });

  it('"Retry all" on a difference checks again (a difference is fixed by hand, not by a sync)', async () => {
    const a = await h.firmWithUser();
    await recordFailureGroup(h.db, a.firmId, 'agreement_bill', '71', { code: 'EDITED_IN_XERO', detail: 'Total 110.00 in Clio, 120.00 in Xero.' });
    const [group] = (await json(await h.call('GET', '/api/sync/errors', a.token))).body.errors;
    expect((await h.call('POST', `/api/sync/errors/${group.id}/retry`, a.token)).status).toBe(202);
    expect(h.jobs.at(-1)).toMatchObject({ task: TASK.checkAgreement, payload: { firmId: a.firmId } });
  });
});
