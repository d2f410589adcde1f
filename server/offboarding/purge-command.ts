/**
 * `npm run purge -- --firm <firm id>`: deletes an uninstalled firm's data at once, on request
 * (the daily job does it PURGE_AFTER_DAYS after uninstall). Reads the same configuration as the
 * server; prints one line and exits 0 when purged, 1 otherwise.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { createDatabase, migrateToLatest } from '../db/database';
import { startEmbeddedPostgres } from '../db/embedded-postgres';
import { purgeFirm } from './purge';

const MESSAGES = {
  purged: 'purged: the firm and all its data are deleted; the security log keeps a "purged" entry',
  not_found: 'no such firm (already purged?)',
  still_installed: 'the firm is still installed: remove the add-on in Clio (or Disconnect Clio in the add-on) first',
} as const;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { firm: { type: 'string' } } });
  if (!values.firm || !/^[0-9a-f-]{36}$/i.test(values.firm)) {
    process.stderr.write('usage: npm run purge -- --firm <firm id (uuid)>\n');
    return 2;
  }
  const config = loadConfig();
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: config.DATA_DIR });
  const { db } = createDatabase(config.DATABASE_URL ?? embedded!.url);
  try {
    await migrateToLatest(db);
    const outcome = await purgeFirm(db, values.firm, { actor: 'operator' });
    process.stdout.write(`${values.firm}: ${MESSAGES[outcome]}\n`);
    return outcome === 'purged' ? 0 : 1;
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof ConfigError ? '' : 'purge failed: '}${(err as Error).message}\n`);
    process.exit(1);
  },
);
