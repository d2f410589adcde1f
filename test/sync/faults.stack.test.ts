import { afterEach, describe, expect, it } from 'vitest';
import { billTotals } from '../emulators/clio/bill-totals';
import { eventually } from '../support/eventually';
import { startSyncStack, type SyncStack } from './stack';

/**
 * The first sync of the seeded firm under faults. Whatever happens on the way, the end state is
 * the same as without faults: every approved bill (whose client is not waiting for a review) is
 * exactly one invoice equal to Clio's total, and every client exactly one Xero contact.
 */
let s: SyncStack | undefined;
afterEach(async () => {
  await s?.stack.stop();
  s = undefined;
});

const xeroFault = (body: Record<string, unknown>) => async (stack: SyncStack['stack']) => {
  await stack.control('xero', 'POST', '/faults', body);
};

async function expectExactlyOnce(stack: SyncStack): Promise<void> {
  const reviewed = new Set(
    (
      await stack.stack.db.selectFrom('contact_match_reviews').select('clio_contact_id').where('firm_id', '=', stack.firmId).where('resolved_at', 'is', null).execute()
    ).map((r) => Number(r.clio_contact_id)),
  );
  const ready = stack
    .clio()
    .bills.all()
    .filter((b) => (b.state === 'awaiting_payment' || b.state === 'paid') && !reviewed.has(b.client_id));
  expect(ready.length).toBeGreaterThan(10);
  for (const bill of ready) {
    const found = stack.invoiceByNumber(bill.number);
    expect(found, `bill ${bill.number}`).toHaveLength(1);
    expect(found[0]!.Total).toBe(billTotals(stack.clio(), bill).total);
  }
  const numbers = [...stack.tenant().contacts.values()].map((c) => c.fields.ContactNumber).filter((n): n is string => typeof n === 'string' && n.startsWith('CLIO-'));
  expect(numbers.length).toBeGreaterThan(5);
  expect(new Set(numbers).size).toBe(numbers.length);
  const names = [...stack.tenant().contacts.values()].filter((c) => c.ContactStatus === 'ACTIVE').map((c) => c.Name);
  expect(new Set(names).size).toBe(names.length);
  expect(await stack.errors()).toEqual([]);
}

describe('faults during a sync end in the state a clean run gives, with no duplicate', () => {
  it('Xero answers 500 after saving a batch of invoices, and 500 before saving a batch of contacts', async () => {
    s = await startSyncStack({
      settings: { invoiceStatus: 'AUTHORISED' },
      beforeSettings: async (stack) => {
        await xeroFault({ kind: '500', method: 'PUT', pathPrefix: '/api.xro/2.0/Invoices', afterCommit: true })(stack);
        await xeroFault({ kind: '500', method: 'PUT', pathPrefix: '/api.xro/2.0/Contacts' })(stack);
      },
    });
    await s.settled('the first sync, retried', { allowRetries: true });
    await expectExactlyOnce(s);
  });

  it('a Xero call times out after Xero committed it (contacts and invoices): the retry finds them by number', async () => {
    s = await startSyncStack({
      settings: { invoiceStatus: 'AUTHORISED' },
      beforeSettings: async (stack) => {
        await xeroFault({ kind: 'timeout', method: 'PUT', pathPrefix: '/api.xro/2.0/Contacts', afterCommit: true, hangMs: 2_500 })(stack);
        await xeroFault({ kind: 'timeout', method: 'PUT', pathPrefix: '/api.xro/2.0/Invoices', afterCommit: true, hangMs: 2_500 })(stack);
      },
    });
    await s.settled('the first sync, retried', { allowRetries: true });
    await expectExactlyOnce(s);
    const adopted = await s.stack.db.selectFrom('sync_log').select(['kind', 'reason']).where('firm_id', '=', s.firmId).where('action', '=', 'link').execute();
    expect(adopted.some((l) => l.kind === 'contact' && /interrupted/.test(l.reason))).toBe(true);
  });

  it('a storm of 429s from both services', async () => {
    s = await startSyncStack({
      settings: { invoiceStatus: 'AUTHORISED' },
      beforeSettings: async (stack) => {
        await xeroFault({ kind: '429', method: 'PUT', pathPrefix: '/api.xro/2.0/', count: 4 })(stack);
        await stack.control('clio', 'POST', '/faults', { method: 'GET', path_prefix: '/api/v4/', count: 3, kind: 429 });
      },
    });
    await s.settled('the first sync through the 429s', { allowRetries: true });
    await expectExactlyOnce(s);
  });

  it('the Clio token expires in the middle of the run: refreshed once, the run goes on', async () => {
    s = await startSyncStack({
      settings: { invoiceStatus: 'AUTHORISED' },
      // Holds the first contact batch long enough to expire the token while the run is in flight.
      beforeSettings: xeroFault({ kind: 'delay', method: 'PUT', pathPrefix: '/api.xro/2.0/Contacts', hangMs: 800 }),
    });
    const run = s;
    await eventually(async () => (await run.links('contact')).some((l) => l.claimed_at !== null), 'the first contact claim');
    const { expired } = await run.stack.control('clio', 'POST', '/tokens/expire_all', {});
    expect(expired).toBeGreaterThan(0);
    await run.settled('the run after the token expired');
    await expectExactlyOnce(run);
    const connection = await run.stack.db
      .selectFrom('connections')
      .select('status')
      .where('firm_id', '=', run.firmId)
      .where('provider', '=', 'clio')
      .executeTakeFirstOrThrow();
    expect(connection.status).toBe('active');
  });

  it('Xero’s day limit parks the firm’s sync until it resets, and says so; no retry storm meanwhile', async () => {
    s = await startSyncStack({
      settings: { invoiceStatus: 'AUTHORISED' },
      beforeSettings: xeroFault({ kind: '429', problem: 'day', method: 'PUT', pathPrefix: '/api.xro/2.0/', count: 1 }),
    });
    const run = s;
    await run.settled('the first sync, parked');
    const parked = await run.stack.db.selectFrom('sync_runs').select(['parked_until', 'parked_reason']).where('firm_id', '=', run.firmId).executeTakeFirstOrThrow();
    // Xero said 12 hours (Retry-After: 43200).
    expect(parked.parked_until!.getTime() - Date.now()).toBeGreaterThan(11 * 3_600_000);
    expect(await run.errors()).toContainEqual(expect.objectContaining({ code: 'XERO_DAILY_LIMIT', kind: 'firm' }));
    const status = await run.call('GET', '/api/sync/status');
    expect(status.body.parkedUntil).toBe(parked.parked_until!.toISOString());
    // A sync asked for while parked makes no Xero call at all.
    const before = run.stack.xero.emulator.requestLog.entries.length;
    await run.call('POST', '/api/sync/now');
    await run.settled('the parked sync');
    const calls = run.stack.xero.emulator.requestLog.entries.slice(before).filter((e: { path: string }) => e.path.startsWith('/api.xro/'));
    expect(calls).toEqual([]);
  });
});
