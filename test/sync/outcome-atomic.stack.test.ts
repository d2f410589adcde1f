import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { firmQueueName } from '../../server/jobs/enqueue';
import { eventually } from '../support/eventually';
import { startSyncStack, type SyncStack } from './stack';

/**
 * A record's outcome is its link row, its history line and its failure group. Here the database
 * refuses the history line of every bill (a trigger the test installs on `sync_log`) after Xero
 * has saved the invoices: the statement between the link and the group breaks, as a crash or a
 * lost connection would break it.
 */
let s: SyncStack | undefined;
afterEach(async () => {
  await s?.stack.stop();
  s = undefined;
});

it('a history line the database refuses stores nothing of the outcome; the retry stores all of it once', async () => {
  s = await startSyncStack({
    settings: { invoiceStatus: 'AUTHORISED' },
    beforeSettings: async (stack) => {
      await sql`create table outcome_fault (armed boolean not null)`.execute(stack.db);
      await sql`insert into outcome_fault values (true)`.execute(stack.db);
      await sql`
        create function outcome_fault() returns trigger language plpgsql as $$
        begin
          if new.kind = 'bill' and (select armed from outcome_fault) then raise exception 'outcome fault: history refused'; end if;
          return new;
        end $$`.execute(stack.db);
      await sql`create trigger outcome_fault before insert on sync_log for each row execute function outcome_fault()`.execute(stack.db);
    },
  });
  const { db } = s.stack;
  const firmId = s.firmId;

  await eventually(
    async () => {
      const { rows } = await sql<{ last_error: string | null }>`
      select j.last_error from graphile_worker._private_jobs j
      join graphile_worker._private_job_queues q on q.id = j.job_queue_id
      where q.queue_name = ${firmQueueName(firmId)} and j.last_error like '%outcome fault%'`.execute(db);
      return rows.length > 0;
    },
    'the sync to fail on a bill’s history line',
    60_000,
  );

  // The invoices reached Xero (the claims went out before the create), and nothing of any bill's
  // outcome is stored: no link moved past its claim, no history line, no failure group.
  const claimed = await s.links('bill');
  expect(claimed.length).toBeGreaterThan(0);
  for (const link of claimed) {
    expect({ clio: link.clio_id, state: link.state, xeroId: link.xero_id, hash: link.last_pushed_hash, error: link.error_code }).toEqual({
      clio: link.clio_id,
      state: 'pending',
      xeroId: null,
      hash: null,
      error: null,
    });
  }
  const claimedNumbers = claimed.filter((l) => l.claimed_at).map((l) => l.xero_number!);
  expect(claimedNumbers.length).toBeGreaterThan(0);
  for (const number of claimedNumbers) expect(s.invoiceByNumber(number), `invoice ${number}`).toHaveLength(1);
  expect(await db.selectFrom('sync_log').select('id').where('firm_id', '=', firmId).where('kind', '=', 'bill').execute()).toEqual([]);
  expect(await db.selectFrom('sync_errors').select('code').where('firm_id', '=', firmId).where('kind', '=', 'bill').execute()).toEqual([]);

  await sql`update outcome_fault set armed = false`.execute(db);
  await s.settled('the retry', { allowRetries: true });

  // Each invoice that landed is linked to its bill once, with one history line saying so.
  const links = await s.links('bill');
  for (const number of claimedNumbers) {
    const invoice = s.invoiceByNumber(number);
    expect(invoice, `invoice ${number}`).toHaveLength(1);
    const link = links.find((l) => l.xero_number === number)!;
    expect({ state: link.state, xeroId: link.xero_id, claimed: link.claimed_at }).toEqual({ state: 'synced', xeroId: invoice[0]!.id, claimed: null });
    const history = await db
      .selectFrom('sync_log')
      .select(['action', 'xero_id'])
      .where('firm_id', '=', firmId)
      .where('kind', '=', 'bill')
      .where('clio_id', '=', link.clio_id)
      .execute();
    expect(history, `history of bill ${number}`).toHaveLength(1);
    expect(['create', 'link']).toContain(history[0]!.action);
    expect(history[0]!.xero_id).toBe(invoice[0]!.id);
  }
  expect(await s.errors()).toEqual([]);
}, 120_000);
