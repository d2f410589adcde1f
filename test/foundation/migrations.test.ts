import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, migrateDown, migrateToLatest } from '../../server/db/database';
import { upsertFirm } from '../../server/firms/repository';
import { migrations } from '../../migrations';
import { createEmptyDatabase } from '../support/database';

let db: Database;
let drop: () => Promise<void>;
let built: string[] = [];

beforeAll(async () => {
  const empty = await createEmptyDatabase();
  db = createDatabase(empty.url).db;
  drop = async () => {
    await db.destroy();
    await empty.drop();
  };
});
afterAll(() => drop());

async function tables(): Promise<string[]> {
  const r = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(db);
  return r.rows.map((x) => x.table_name);
}

describe('migrations', () => {
  it('build the schema from an empty database', async () => {
    const result = await migrateToLatest(db);
    expect(result.results?.map((r) => r.status)).toEqual(Object.keys(migrations).map(() => 'Success'));
    built = await tables();
    expect(built).toEqual(expect.arrayContaining(['category_accounts', 'connections', 'firms', 'links', 'settings', 'sync_cursors', 'sync_errors', 'sync_log', 'users']));
  });

  it('change nothing when run again', async () => {
    const again = await migrateToLatest(db);
    expect(again.results).toEqual([]);
  });

  it('keep the sync log append-only', async () => {
    const firm = await upsertFirm(db, { clioAccountId: 42, region: 'us', name: 'Log & Co' });
    await db.insertInto('sync_log').values({ firm_id: firm.id, direction: 'clio_to_xero', kind: 'invoice', action: 'create', reason: 'test' }).execute();
    await expect(db.updateTable('sync_log').set({ action: 'edited' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('sync_log').execute()).rejects.toThrow(/append-only/);
    expect(await db.selectFrom('sync_log').select('action').execute()).toEqual([{ action: 'create' }]);
  });

  it('enforce one Xero connection per firm and one Clio connection per user', async () => {
    const firm = await upsertFirm(db, { clioAccountId: 43, region: 'eu', name: 'Unique LLP' });
    await db.insertInto('connections').values({ firm_id: firm.id, provider: 'xero' }).execute();
    await expect(db.insertInto('connections').values({ firm_id: firm.id, provider: 'xero' }).execute()).rejects.toThrow(/connections_xero_firm_uq/);
    await expect(db.insertInto('connections').values({ firm_id: firm.id, provider: 'clio' }).execute()).rejects.toThrow(/connections_owner_ck/);
  });

  it('give every new firm a settings row with the product defaults', async () => {
    const firm = await upsertFirm(db, { clioAccountId: 44, region: 'au', name: 'Defaults Pty' });
    const s = await db.selectFrom('settings').selectAll().where('firm_id', '=', firm.id).executeTakeFirstOrThrow();
    expect(s).toMatchObject({
      sync_bills: true,
      only_approved_bills: true,
      invoice_status: 'AUTHORISED',
      credit_note_tax_mode: 'pro_rata',
      sync_from_xero: false,
      sync_hard_costs: false,
      sweep_interval_minutes: 5,
    });
  });

  it('leave firms that existed before them with drafts and untaxed credit notes, as they had', async () => {
    const later = Object.keys(migrations).filter((name) => name >= '2026_12_08_0020_credit_note_tax');
    for (let i = 0; i < later.length; i++) await migrateDown(db);
    const before = await upsertFirm(db, { clioAccountId: 45, region: 'au', name: 'Before Pty' });
    await migrateToLatest(db);
    const after = await upsertFirm(db, { clioAccountId: 46, region: 'au', name: 'After Pty' });
    const row = (firmId: string) => db.selectFrom('settings').select(['invoice_status', 'credit_note_tax_mode']).where('firm_id', '=', firmId).executeTakeFirstOrThrow();
    expect(await row(before.id)).toEqual({ invoice_status: 'DRAFT', credit_note_tax_mode: 'untaxed' });
    expect(await row(after.id)).toEqual({ invoice_status: 'AUTHORISED', credit_note_tax_mode: 'pro_rata' });
  });

  it('roll back down to empty', async () => {
    // The log's append-only trigger refuses deletes, so dropping the table is the only way out.
    for (let i = 0; i < Object.keys(migrations).length; i++) await migrateDown(db);
    expect(await tables()).toEqual([]);
    await migrateToLatest(db);
    expect(await tables()).toEqual(built);
  });
});
