import { Kysely, Migrator, PostgresDialect, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import { migrations } from '../../migrations';
import type { DB } from './schema';

// timestamptz → Date is pg's default; `date` columns stay 'YYYY-MM-DD' strings so a bill date
// never shifts by a time zone on its way through JavaScript.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type Database = Kysely<DB>;

export interface DatabaseOptions {
  max?: number;
  /** Errors on idle pooled connections (a restarted server, say); without a listener they crash the process. */
  onIdleError?: (err: Error) => void;
}

export function createDatabase(url: string, opts: DatabaseOptions = {}): { db: Database; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  pool.on('error', opts.onIdleError ?? (() => {}));
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
