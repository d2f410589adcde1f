import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { ClioRegionCode } from '../config';
import type { Database } from '../db/database';
import type { ConnectionUpdate } from '../db/schema';
import type { SecretBox } from '../crypto/secrets';
import type { ClioTokens } from './oauth';

/** A Clio connection is one installing user's grant; the firm has one per user who installed. */
export interface ClioConnection {
  id: string;
  firmId: string;
  userId: string;
  region: ClioRegionCode;
}

type Row = { id: string; firm_id: string; user_id: string | null; region: string | null };
const toConnection = (r: Row): ClioConnection => ({
  id: r.id,
  firmId: r.firm_id,
  userId: r.user_id!,
  region: r.region as ClioRegionCode,
});

// The connection id is bound into the ciphertext, so a sealed token copied to another row fails to open.
export const tokenContext = (connectionId: string, which: 'access' | 'refresh') => `clio:${connectionId}:${which}`;

export function sealTokens(secrets: SecretBox, connectionId: string, tokens: ClioTokens, now: Date): ConnectionUpdate {
  const update: ConnectionUpdate = {
    access_token_enc: secrets.seal(tokens.access_token, tokenContext(connectionId, 'access')),
    access_expires_at: new Date(now.getTime() + tokens.expires_in * 1000).toISOString(),
    status: 'active',
    status_reason: null,
  };
  if (tokens.refresh_token) update.refresh_token_enc = secrets.seal(tokens.refresh_token, tokenContext(connectionId, 'refresh'));
  return update;
}

/** Creates or replaces the user's Clio grant (a reinstall keeps the row and its id). */
export async function saveClioConnection(
  db: Database,
  secrets: SecretBox,
  p: { firmId: string; userId: string; region: ClioRegionCode; tokens: ClioTokens },
): Promise<ClioConnection> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('connections')
      .values({ id: randomUUID(), firm_id: p.firmId, user_id: p.userId, provider: 'clio', region: p.region })
      .onConflict((oc) => oc.columns(['firm_id', 'user_id']).where('provider', '=', 'clio').doNothing())
      .execute();
    const row = await trx
      .selectFrom('connections')
      .select(['id', 'firm_id', 'user_id', 'region'])
      .where('firm_id', '=', p.firmId)
      .where('user_id', '=', p.userId)
      .where('provider', '=', 'clio')
      .forUpdate()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('connections')
      .set({ region: p.region, ...sealTokens(secrets, row.id, p.tokens, new Date()), updated_at: sql`now()` })
      .where('id', '=', row.id)
      .execute();
    return toConnection({ ...row, region: p.region });
  });
}

const selectConnection = (db: Database) => db.selectFrom('connections').select(['id', 'firm_id', 'user_id', 'region']).where('provider', '=', 'clio');

export async function getClioConnection(db: Database, firmId: string, userId: string): Promise<ClioConnection | undefined> {
  const row = await selectConnection(db).where('firm_id', '=', firmId).where('user_id', '=', userId).executeTakeFirst();
  return row && toConnection(row);
}

/** The user's grant, if Clio has not refused it: what a session needs to go on. */
export async function liveClioConnection(db: Database, firmId: string, userId: string): Promise<ClioConnection | undefined> {
  const row = await selectConnection(db).where('firm_id', '=', firmId).where('user_id', '=', userId).where('status', '=', 'active').executeTakeFirst();
  return row && toConnection(row);
}

/** The firm's connection to act with when no user is named: an active admin's, most recently renewed first. */
export async function firmClioConnection(db: Database, firmId: string): Promise<ClioConnection | undefined> {
  const row = await db
    .selectFrom('connections')
    .innerJoin('users', 'users.id', 'connections.user_id')
    .select(['connections.id', 'connections.firm_id', 'connections.user_id', 'connections.region'])
    .where('connections.provider', '=', 'clio')
    .where('connections.firm_id', '=', firmId)
    .where('connections.status', '=', 'active')
    .orderBy('users.is_admin', 'desc')
    .orderBy('connections.updated_at', 'desc')
    .executeTakeFirst();
  return row && toConnection(row);
}

export async function listFirmClioConnections(db: Database, firmId: string): Promise<ClioConnection[]> {
  return (await selectConnection(db).where('firm_id', '=', firmId).execute()).map(toConnection);
}

/** Every stored grant of one Clio user in one region (the same person may belong to several firms only in theory). */
export async function findConnectionsByClioUser(db: Database, p: { clioUserId: string; region: ClioRegionCode }): Promise<ClioConnection[]> {
  const rows = await db
    .selectFrom('connections')
    .innerJoin('users', 'users.id', 'connections.user_id')
    .innerJoin('firms', 'firms.id', 'connections.firm_id')
    .select(['connections.id', 'connections.firm_id', 'connections.user_id', 'connections.region'])
    .where('connections.provider', '=', 'clio')
    .where('users.clio_user_id', '=', p.clioUserId)
    .where('connections.region', '=', p.region)
    .where('firms.status', '=', 'active')
    .execute();
  return rows.map(toConnection);
}

export async function deleteClioConnection(db: Database, connectionId: string): Promise<void> {
  await db.deleteFrom('connections').where('id', '=', connectionId).where('provider', '=', 'clio').execute();
}
