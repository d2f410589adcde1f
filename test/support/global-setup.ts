import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../server/db/embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A Postgres URL with rights to create databases; each test file makes its own. */
    pgAdminUrl: string;
  }
}

/**
 * One real Postgres for the whole run: DATABASE_URL's when given, otherwise an embedded
 * one in a throw-away directory. Files isolate themselves with a database each.
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('pgAdminUrl', process.env.DATABASE_URL);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'clio-xero-test-pg-'));
  const pg = await startEmbeddedPostgres({ dataDir: dir });
  project.provide('pgAdminUrl', pg.url);
  return async () => {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
