import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncStack, type SyncStack } from './stack';

/** The dry run: the same reads and planner as a sync, and nothing written — not to Xero, not to our tables. */
let s: SyncStack;
type Item = { kind: string; clioId: string; label: string; action: string; reason: string };

beforeAll(async () => {
  // Bill syncing off: the first sync leaves bills alone, so the preview is of a first bill sync.
  s = await startSyncStack({ settings: { syncBills: false, invoiceStatus: 'AUTHORISED' } });
  await s.settled('the first sync');
}, 120_000);
afterAll(() => s?.stack.stop());

describe('dry run', () => {
  it('lists what the first bill sync would create and skip, with reasons, and writes nothing', async () => {
    const logBefore = await s.stack.db
      .selectFrom('sync_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await s.call('POST', '/api/sync/preview', {});
    expect(res.status).toBe(200);
    const plan = res.body.plan as Item[];
    const bills = s.clio().bills.all();
    const creates = plan.filter((p) => p.kind === 'bill' && p.action === 'create');
    const approved = bills.filter((b) => b.state === 'awaiting_payment' || b.state === 'paid');
    expect(creates.length).toBeGreaterThan(10);
    for (const c of creates) expect(approved.map((b) => String(b.id))).toContain(c.clioId);
    // A bill whose client waits for the admin's review of its match would wait, not be created.
    const reviewed = new Set(
      (await s.stack.db.selectFrom('contact_match_reviews').select('clio_contact_id').where('firm_id', '=', s.firmId).where('resolved_at', 'is', null).execute()).map(
        (r) => Number(r.clio_contact_id),
      ),
    );
    const held = approved.filter((b) => reviewed.has(b.client_id));
    expect(held.length).toBeGreaterThan(0);
    for (const b of held)
      expect(plan).toContainEqual(
        expect.objectContaining({ kind: 'bill', clioId: String(b.id), action: 'wait', reason: 'its client waits for an admin to review its match' }),
      );
    const draft = bills.find((b) => b.state === 'draft')!;
    expect(plan).toContainEqual(
      expect.objectContaining({ kind: 'bill', clioId: String(draft.id), action: 'skip', reason: 'not approved yet (only approved bills sync)' }),
    );
    expect(plan.some((p) => p.kind === 'contact' && p.action === 'create')).toBe(true);
    // Nothing written anywhere.
    expect(s.invoices()).toHaveLength(0);
    expect(await s.links('bill')).toHaveLength(0);
    const logAfter = await s.stack.db
      .selectFrom('sync_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(logAfter.n).toBe(logBefore.n);
  });

  it('previews a date-range backfill: only bills issued in the range would be created', async () => {
    const approved = s
      .clio()
      .bills.all()
      .filter((b) => b.state === 'awaiting_payment' || b.state === 'paid');
    const dates = approved.map((b) => b.issued_at).sort();
    const from = dates[Math.floor(dates.length / 2)]!;
    const res = await s.call('POST', '/api/sync/preview', { from, to: null });
    const creates = (res.body.plan as Item[]).filter((p) => p.kind === 'bill' && p.action === 'create').map((p) => p.clioId);
    const early = approved.filter((b) => b.issued_at < from).map((b) => String(b.id));
    expect(creates.length).toBeGreaterThan(0);
    for (const id of early) expect(creates).not.toContain(id);
    expect((res.body.plan as Item[]).some((p) => p.kind === 'bill' && /before the sync's start date/.test(p.reason))).toBe(true);
  });

  it('refuses a malformed range, and a non-admin', async () => {
    expect((await s.call('POST', '/api/sync/preview', { from: 'yesterday' })).status).toBe(400);
    const clerk = await s.stack.createFirmSession({ isAdmin: false });
    expect((await s.stack.api(clerk.token)('POST', '/api/sync/preview', {})).status).toBe(403);
  });

  it('the status API shows the run, the counts and no failures', async () => {
    const res = await s.call('GET', '/api/sync/status');
    expect(res.status).toBe(200);
    expect(res.body.lastSuccessAt).toEqual(expect.any(String));
    expect(res.body.errors).toEqual([]);
  });
});
