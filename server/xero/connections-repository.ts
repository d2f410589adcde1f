import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { SecretBox } from '../crypto/secrets';
import type { Database } from '../db/database';
import type { Connection, DB } from '../db/schema';
import { XeroTenantTakenError } from './errors';
import type { TokenSet, XeroTenantConnection } from './oauth';

/** Xero's refresh tokens die after 60 days without use. */
const REFRESH_IDLE_MS = 60 * 86_400_000;

type Db = Database | Transaction<DB> | Kysely<DB>;

/** Binds each ciphertext to its row and purpose, so it cannot be replayed into another firm's row. */
export const tokenContext = (connectionId: string, kind: 'access' | 'refresh') => `xero:${connectionId}:${kind}`;
const verifierContext = (state: string) => `xero-oauth-state:${state}:verifier`;

export async function findXeroConnection(db: Db, firmId: string): Promise<Connection | undefined> {
  return db.selectFrom('connections').selectAll().where('firm_id', '=', firmId).where('provider', '=', 'xero').executeTakeFirst();
}

/** Locks the firm's connection row until the transaction ends: the one place tokens rotate. */
export async function lockXeroConnection(trx: Transaction<DB>, connectionId: string): Promise<Connection | undefined> {
  return trx.selectFrom('connections').selectAll().where('id', '=', connectionId).where('provider', '=', 'xero').forUpdate().executeTakeFirst();
}

export function sealTokens(secrets: SecretBox, connectionId: string, tokens: TokenSet, now: Date) {
  return {
    access_token_enc: secrets.seal(tokens.accessToken, tokenContext(connectionId, 'access')),
    refresh_token_enc: secrets.seal(tokens.refreshToken, tokenContext(connectionId, 'refresh')),
    access_expires_at: tokens.accessExpiresAt,
    refresh_expires_at: new Date(now.getTime() + REFRESH_IDLE_MS),
    scopes: tokens.scope,
  };
}

export async function storeRotatedTokens(trx: Db, secrets: SecretBox, connectionId: string, tokens: TokenSet, now: Date): Promise<string> {
  const sealed = sealTokens(secrets, connectionId, tokens, now);
  await trx
    .updateTable('connections')
    .set({ ...sealed })
    .where('id', '=', connectionId)
    .execute();
  return sealed.access_token_enc;
}

/**
 * A fresh consent: its tokens replace whatever the firm had, and its organisations wait for the
 * choice of the user who consented. Until then the row has no tenant, so nothing can sync to a
 * guessed organisation.
 */
export async function saveConsent(
  db: Database,
  secrets: SecretBox,
  consent: { firmId: string; userId: string },
  tokens: TokenSet,
  candidates: XeroTenantConnection[],
  now: Date,
): Promise<string> {
  const { firmId, userId } = consent;
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('connections').select('id').where('firm_id', '=', firmId).where('provider', '=', 'xero').forUpdate().executeTakeFirst();
    const id = existing?.id ?? randomUUID();
    const values = {
      ...sealTokens(secrets, id, tokens, now),
      xero_tenant_id: null,
      xero_connection_id: null,
      tenant_name: null,
      status: 'active' as const,
      status_reason: null,
    };
    if (existing) await trx.updateTable('connections').set(values).where('id', '=', id).execute();
    else
      await trx
        .insertInto('connections')
        .values({ id, firm_id: firmId, provider: 'xero', ...values })
        .execute();
    await trx.deleteFrom('xero_pending_tenants').where('firm_id', '=', firmId).execute();
    if (candidates.length) {
      await trx
        .insertInto('xero_pending_tenants')
        .values(candidates.map((c) => ({ firm_id: firmId, tenant_id: c.tenantId, xero_connection_id: c.id, tenant_name: c.tenantName, consented_by: userId })))
        .execute();
    }
    return id;
  });
}

/** The organisations waiting for `userId`'s choice: those their own consent offered. */
export async function listPendingTenants(db: Db, firmId: string, userId: string) {
  return db
    .selectFrom('xero_pending_tenants')
    .select(['tenant_id', 'tenant_name', 'xero_connection_id'])
    .where('firm_id', '=', firmId)
    .where('consented_by', '=', userId)
    .orderBy('tenant_name')
    .execute();
}

/**
 * Records the organisation the user chose and returns the other candidates (to disconnect at
 * Xero), or undefined when the tenant was not among the candidates of this user's consent.
 */
export async function confirmPendingTenant(db: Database, chooser: { firmId: string; userId: string }, tenantId: string) {
  try {
    return await confirmInTransaction(db, chooser.firmId, chooser.userId, tenantId);
  } catch (err) {
    // The partial unique index: this organisation is already active for another firm.
    if ((err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === ACTIVE_TENANT_INDEX) {
      throw new XeroTenantTakenError(tenantId);
    }
    throw err;
  }
}

const ACTIVE_TENANT_INDEX = 'connections_xero_tenant_active_uq';

async function confirmInTransaction(db: Database, firmId: string, userId: string, tenantId: string) {
  return db.transaction().execute(async (trx) => {
    const pending = await trx.selectFrom('xero_pending_tenants').selectAll().where('firm_id', '=', firmId).where('consented_by', '=', userId).forUpdate().execute();
    const chosen = pending.find((p) => p.tenant_id === tenantId);
    if (!chosen) return undefined;
    await trx
      .updateTable('connections')
      .set({
        xero_tenant_id: chosen.tenant_id,
        xero_connection_id: chosen.xero_connection_id,
        tenant_name: chosen.tenant_name,
        status: 'active',
        status_reason: null,
      })
      .where('firm_id', '=', firmId)
      .where('provider', '=', 'xero')
      .execute();
    await trx.deleteFrom('xero_pending_tenants').where('firm_id', '=', firmId).execute();
    return { chosen, others: pending.filter((p) => p.tenant_id !== tenantId) };
  });
}

/** Forgets the tokens for good; the tenant name stays so the page can say what was connected. */
export async function markDisconnected(db: Db, firmId: string): Promise<void> {
  await db
    .updateTable('connections')
    .set({
      status: 'disconnected',
      status_reason: null,
      access_token_enc: null,
      refresh_token_enc: null,
      access_expires_at: null,
      refresh_expires_at: null,
      xero_connection_id: null,
    })
    .where('firm_id', '=', firmId)
    .where('provider', '=', 'xero')
    .execute();
  await db.deleteFrom('xero_pending_tenants').where('firm_id', '=', firmId).execute();
}

/** The firms actively connected to these organisations; firms that uninstalled the add-on are left out. */
export async function firmIdsForTenants(db: Db, tenantIds: string[]): Promise<Map<string, string>> {
  if (!tenantIds.length) return new Map();
  const rows = await db
    .selectFrom('connections')
    .innerJoin('firms', 'firms.id', 'connections.firm_id')
    .select(['connections.firm_id', 'connections.xero_tenant_id'])
    .where('connections.provider', '=', 'xero')
    .where('connections.status', '=', 'active')
    .where('firms.status', '<>', 'uninstalled')
    .where(
      sql<string>`lower(connections.xero_tenant_id)`,
      'in',
      tenantIds.map((t) => t.toLowerCase()),
    )
    .execute();
  return new Map(rows.map((r) => [r.xero_tenant_id!.toLowerCase(), r.firm_id]));
}

export async function createOAuthState(
  db: Db,
  secrets: SecretBox,
  row: { state: string; firmId: string; userId: string; codeVerifier: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('xero_oauth_states')
    .values({
      state: row.state,
      firm_id: row.firmId,
      user_id: row.userId,
      code_verifier_enc: secrets.seal(row.codeVerifier, verifierContext(row.state)),
      expires_at: row.expiresAt,
    })
    .execute();
}

/** A state still waiting for its callback (not used, not expired): who started it, and its PKCE verifier. */
export async function pendingOAuthState(
  db: Db,
  secrets: SecretBox,
  state: string,
  now: Date,
): Promise<{ firmId: string; userId: string; codeVerifier: string } | undefined> {
  const row = await db
    .selectFrom('xero_oauth_states')
    .select(['code_verifier_enc', 'firm_id', 'user_id'])
    .where('state', '=', state)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row && { firmId: row.firm_id, userId: row.user_id, codeVerifier: secrets.open(row.code_verifier_enc, verifierContext(state)) };
}

export type ConsumedState = { ok: true; firmId: string; userId: string; codeVerifier: string } | { ok: false; reason: 'state_unknown' | 'state_expired' | 'state_used' };

/** Single use: the first callback with a state wins, any replay is refused. */
export async function consumeOAuthState(db: Db, secrets: SecretBox, state: string, now: Date): Promise<ConsumedState> {
  const row = await db
    .updateTable('xero_oauth_states')
    .set({ used_at: now })
    .where('state', '=', state)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  if (row) {
    return { ok: true, firmId: row.firm_id, userId: row.user_id, codeVerifier: secrets.open(row.code_verifier_enc, verifierContext(state)) };
  }
  const seen = await db.selectFrom('xero_oauth_states').select(['used_at']).where('state', '=', state).executeTakeFirst();
  return { ok: false, reason: !seen ? 'state_unknown' : seen.used_at ? 'state_used' : 'state_expired' };
}

/** What the organisation's GET /Currencies said, kept with the connection so bills are checked without a call. */
export async function storeXeroCurrencies(db: Db, connectionId: string, codes: string[]): Promise<void> {
  await db
    .updateTable('connections')
    .set({ xero_currencies: JSON.stringify([...new Set(codes)].sort()) })
    .where('id', '=', connectionId)
    .execute();
}
