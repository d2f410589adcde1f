import { Kysely, Migrator, PostgresDialect, type MigrationResultSet, type Transaction } from 'kysely';
import pg from 'pg';
import { migrations } from '../../migrations';
import type { DB } from './schema';

// timestamptz → Date is pg's default; `date` columns stay 'YYYY-MM-DD' strings so a bill date
// never shifts by a time zone on its way through JavaScript.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type Database = Kysely<DB>;

/**
 * Runs `work` in the caller's transaction when it passed one, else in a new one: a repository's
 * statements stay atomic on their own, and join a larger unit (a record's outcome) when asked.
 */
export function inTransaction<T>(db: Database, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<DB>) : db.transaction().execute(work);
}

export interface DatabaseOptions {
  max?: number;
  /**
   * A pooled connection failed: a restarted server, or a backend terminated while a transaction
   * held it. pg emits these as 'error' events on the client, checked out or idle; without a
   * listener they crash the process. (The query that was running, if any, rejects as well.)
   */
  onConnectionError?: (err: Error) => void;
}

export function createDatabase(url: string, opts: DatabaseOptions = {}): { db: Database; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  const onError = opts.onConnectionError ?? (() => {});
  // Every client gets a listener of its own for its whole life; the pool's listener only covers
  // idle ones, and pg-pool removes it while a client is checked out.
  pool.on('connect', (client) => client.on('error', onError));
  pool.on('error', () => {}); // already reported by the client's own listener
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Brings the schema to the latest version; running it again changes nothing. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${failed} failed: ${(result.error as Error).message}`);
  }
  return result;
}

export async function migrateDown(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  return migrator.migrateDown();
}
