import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../server/db/database';
import { createEmptyDatabase } from '../support/database';
import { eventually } from '../support/eventually';

let url: string;
let drop: () => Promise<void>;
beforeAll(async () => {
  const empty = await createEmptyDatabase();
  url = empty.url;
  drop = empty.drop;
});
afterAll(() => drop());

async function terminate(pid: number): Promise<void> {
  const admin = new pg.Client(url);
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

const backendPid = async (db: Database) => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;

describe('a database connection dropped while checked out', () => {
  // pg reports the dropped connection as an 'error' event on the client; pg-pool listens only
  // while the client is idle, so a checked-out client's error was uncaught and ended the process.
  it('between two statements of a transaction: the transaction fails, the error is reported, the process lives on', async () => {
    const errors: Error[] = [];
    const { db } = createDatabase(url, { max: 2, onConnectionError: (err) => errors.push(err) });
    try {
      const tx = db.transaction().execute(async (trx) => {
        await terminate(await backendPid(trx));
        // Let the socket's end arrive while no query is running: the case only an event reports.
        await eventually(() => errors.length > 0, 'the dropped connection to be reported', 10_000);
        await sql`select 1`.execute(trx);
      });
      await expect(tx).rejects.toThrow(/terminat|not queryable|Connection/i);
      expect(errors.map((e) => e.message).join(' ')).toMatch(/terminat/i);
      // The pool throws the broken client away and keeps serving.
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it('in the middle of a statement: the statement rejects and nothing is left uncaught', async () => {
    const errors: Error[] = [];
    const { db } = createDatabase(url, { max: 2, onConnectionError: (err) => errors.push(err) });
    try {
      const tx = db.transaction().execute(async (trx) => {
        const pid = await backendPid(trx);
        const sleeping = sql`select pg_sleep(30)`.execute(trx).then(
          () => undefined,
          (err: unknown) => err,
        );
        await terminate(pid);
        const failed = await sleeping;
        expect(String(failed)).toMatch(/terminating connection/);
        throw failed;
      });
      await expect(tx).rejects.toThrow(/terminat|not queryable/i);
      await eventually(() => errors.length > 0, 'the dropped connection to be reported', 10_000);
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });
});
