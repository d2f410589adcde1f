import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityLabels, syncActivity } from '../../server/status/activity';
import { expectEnvelope, uiApiHarness, type UiApiHarness } from '../ui-api/app-harness';

/** The Status tab's activity chart: its figures, from the history the sync already keeps. */
let h: UiApiHarness;
beforeAll(async () => {
  h = await uiApiHarness();
});
afterAll(() => h?.stop());

const NOW = new Date('2026-12-07T23:30:00Z'); // 10:30 on 8 December in Sydney

async function history(firmId: string, rows: { at: string; kind: string; clioId: string; action: string }[]) {
  await h.db
    .insertInto('sync_log')
    .values(
      rows.map((r) => ({
        firm_id: firmId,
        at: new Date(r.at),
        direction: 'clio_to_xero' as const,
        kind: r.kind,
        clio_id: r.clioId,
        xero_id: null,
        action: r.action,
        reason: 'test',
      })),
    )
    .execute();
}

describe('sync activity per day and per hour', () => {
  it('labels the last 30 days and today’s hours in the reader’s time zone', () => {
    const sydney = activityLabels(NOW, 'Australia/Sydney');
    expect(sydney.days).toHaveLength(30);
    expect(sydney.days.at(-1)).toBe('2026-12-08');
    expect(sydney.days[0]).toBe('2026-11-09');
    expect(sydney.hours).toEqual(Array.from({ length: 11 }, (_, i) => `2026-12-08T${String(i).padStart(2, '0')}`));
    const utc = activityLabels(NOW, 'UTC');
    expect(utc.days.at(-1)).toBe('2026-12-07');
    expect(utc.hours).toHaveLength(24);
  });

  it('counts distinct records synced and failed per local day and hour, zero where nothing happened, one firm only', async () => {
    const a = await h.firmWithUser();
    const b = await h.firmWithUser();
    await history(a.firmId, [
      // 01:30 on 8 Dec in Sydney: bill 1 created then updated (one record synced), bill 2 failing twice (one failed).
      { at: '2026-12-07T14:30:00Z', kind: 'bill', clioId: '1', action: 'create' },
      { at: '2026-12-07T14:40:00Z', kind: 'bill', clioId: '1', action: 'update' },
      { at: '2026-12-07T14:31:00Z', kind: 'bill', clioId: '2', action: 'fail' },
      { at: '2026-12-07T14:50:00Z', kind: 'bill', clioId: '2', action: 'fail' },
      // A skip or a wait changes nothing in Xero: not counted.
      { at: '2026-12-07T14:35:00Z', kind: 'bill', clioId: '3', action: 'skip' },
      // 23:30 on 7 Dec in Sydney (still 7 Dec in UTC too): a contact and a payment synced.
      { at: '2026-12-07T12:30:00Z', kind: 'contact', clioId: '5', action: 'create' },
      { at: '2026-12-07T12:31:00Z', kind: 'payment_allocation', clioId: '5', action: 'create' },
      // Outside the 30 days.
      { at: '2026-11-01T00:00:00Z', kind: 'bill', clioId: '9', action: 'create' },
    ]);
    await history(b.firmId, [{ at: '2026-12-07T14:30:00Z', kind: 'bill', clioId: '77', action: 'create' }]);

    const sydney = await syncActivity(h.db, a.firmId, 'Australia/Sydney', NOW);
    expect(sydney.days.at(-1)).toEqual({ bucket: '2026-12-08', synced: 1, failed: 1 });
    expect(sydney.days.at(-2)).toEqual({ bucket: '2026-12-07', synced: 2, failed: 0 });
    expect(sydney.days.slice(0, -2).every((d) => d.synced === 0 && d.failed === 0)).toBe(true);
    expect(sydney.hours.find((x) => x.bucket === '2026-12-08T01')).toEqual({ bucket: '2026-12-08T01', synced: 1, failed: 1 });
    expect(sydney.hours.filter((x) => x.synced || x.failed)).toHaveLength(1);

    // The same history read in UTC falls on other days and hours.
    const utc = await syncActivity(h.db, a.firmId, 'UTC', NOW);
    expect(utc.days.at(-1)).toEqual({ bucket: '2026-12-07', synced: 3, failed: 1 });
    expect(utc.hours.find((x) => x.bucket === '2026-12-07T12')).toEqual({ bucket: '2026-12-07T12', synced: 2, failed: 0 });
    expect(utc.hours.find((x) => x.bucket === '2026-12-07T14')).toEqual({ bucket: '2026-12-07T14', synced: 1, failed: 1 });

    const other = await syncActivity(h.db, b.firmId, 'Australia/Sydney', NOW);
    expect(other.days.at(-1)).toEqual({ bucket: '2026-12-08', synced: 1, failed: 0 });
  });

  it('GET /api/sync/activity: the signed-in firm’s figures; a bad time zone is a clear 400; no session, 401', async () => {
    const a = await h.firmWithUser();
    await history(a.firmId, [{ at: new Date().toISOString(), kind: 'bill', clioId: '1', action: 'create' }]);
    const res = await h.call('GET', '/api/sync/activity?tz=Europe/London', a.token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { timeZone: string; days: { synced: number }[]; hours: { synced: number }[] };
    expect(body.timeZone).toBe('Europe/London');
    expect(body.days).toHaveLength(30);
    expect(body.days.reduce((n, d) => n + d.synced, 0)).toBe(1);
    expect(body.hours.reduce((n, d) => n + d.synced, 0)).toBe(1);
    for (const [path, token, status, code] of [
      ["/api/sync/activity?tz=Mars/Olympus'--", a.token, 400, 'BAD_REQUEST'],
      ['/api/sync/activity?tz=Nowhere/Special', a.token, 400, 'BAD_REQUEST'],
      ['/api/sync/activity', undefined, 401, 'UNAUTHORIZED'],
    ] as const) {
      const refused = await h.call('GET', path, token);
      expect(refused.status).toBe(status);
      expectEnvelope(await refused.json(), code);
    }
  });
});
