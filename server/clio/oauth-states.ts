import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { ClioRegionCode } from '../config';
import type { Database } from '../db/database';

const STATE_LIFETIME_MS = 10 * 60_000;

export async function createOAuthState(db: Database, p: { region: ClioRegionCode; addToClio: boolean }): Promise<string> {
  const state = randomBytes(24).toString('base64url');
  await db
    .insertInto('clio_oauth_states')
    .values({ state, region: p.region, add_to_clio: p.addToClio, expires_at: new Date(Date.now() + STATE_LIFETIME_MS) })
    .execute();
  return state;
}

/** Uses the state up in one statement, so a replayed callback finds nothing even when raced. */
export async function consumeOAuthState(db: Database, state: string): Promise<{ region: ClioRegionCode; addToClio: boolean } | undefined> {
  const row = await db
    .updateTable('clio_oauth_states')
    .set({ used_at: sql`now()` })
    .where('state', '=', state)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['region', 'add_to_clio'])
    .executeTakeFirst();
  return row && { region: row.region, addToClio: row.add_to_clio };
}
