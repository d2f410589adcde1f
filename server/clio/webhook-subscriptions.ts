import { sql } from 'kysely';
import type { Database } from '../db/database';

/** Our record of one Clio webhook (one per firm and model). Its id is the receiver URL's last segment. */
export interface WebhookSubscription {
  id: string;
  firmId: string;
  connectionId: string | null;
  model: string;
  clioWebhookId: string | null;
  secretEnc: string | null;
  status: 'pending' | 'enabled';
  expiresAt: Date | null;
}

const columns = ['id', 'firm_id', 'connection_id', 'model', 'clio_webhook_id', 'secret_enc', 'status', 'expires_at'] as const;
type Row = {
  id: string;
  firm_id: string;
  connection_id: string | null;
  model: string;
  clio_webhook_id: string | null;
  secret_enc: string | null;
  status: 'pending' | 'enabled';
  expires_at: Date | null;
};
const toSubscription = (r: Row): WebhookSubscription => ({
  id: r.id,
  firmId: r.firm_id,
  connectionId: r.connection_id,
  model: r.model,
  clioWebhookId: r.clio_webhook_id,
  secretEnc: r.secret_enc,
  status: r.status,
  expiresAt: r.expires_at,
});

export const webhookSecretContext = (subscriptionId: string) => `clio-webhook:${subscriptionId}`;

export async function getSubscription(db: Database, id: string): Promise<WebhookSubscription | undefined> {
  const row = await db.selectFrom('clio_webhooks').select(columns).where('id', '=', id).executeTakeFirst();
  return row && toSubscription(row);
}

export async function listFirmSubscriptions(db: Database, firmId: string): Promise<WebhookSubscription[]> {
  return (await db.selectFrom('clio_webhooks').select(columns).where('firm_id', '=', firmId).execute()).map(toSubscription);
}

/** Written before Clio is asked to create the webhook, so its handshake always finds the row. */
export async function insertPendingSubscription(db: Database, p: { firmId: string; connectionId: string; model: string }): Promise<string> {
  const row = await db.insertInto('clio_webhooks').values({ firm_id: p.firmId, connection_id: p.connectionId, model: p.model }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function recordCreated(db: Database, id: string, p: { clioWebhookId: string | number; expiresAt: Date; secretEnc?: string }): Promise<void> {
  await db
    .updateTable('clio_webhooks')
    .set({
      clio_webhook_id: p.clioWebhookId,
      expires_at: p.expiresAt,
      updated_at: sql`now()`,
      // Clio's authenticated create response is the authority on the secret: it replaces whatever an
      // (unauthenticated) handshake stored first. Never overwrite a secret with nothing.
      ...(p.secretEnc ? { secret_enc: p.secretEnc } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Only a webhook that holds no secret yet takes one from a handshake: otherwise a second
 * "handshake" to the same URL would let a caller swap the key deliveries are checked with.
 */
export async function completeHandshake(db: Database, id: string, secretEnc: string): Promise<boolean> {
  const res = await db
    .updateTable('clio_webhooks')
    .set({ secret_enc: secretEnc, status: 'enabled', updated_at: sql`now()` })
    .where('id', '=', id)
    .where('secret_enc', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

export async function markEnabled(db: Database, id: string): Promise<void> {
  await db
    .updateTable('clio_webhooks')
    .set({ status: 'enabled', updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function setExpiry(db: Database, id: string, expiresAt: Date): Promise<void> {
  await db
    .updateTable('clio_webhooks')
    .set({ expires_at: expiresAt, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function deleteSubscriptions(db: Database, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('clio_webhooks').where('id', 'in', ids).execute();
}

export async function listExpiringSubscriptions(db: Database, before: Date): Promise<WebhookSubscription[]> {
  const rows = await db
    .selectFrom('clio_webhooks')
    .select(columns)
    .where('clio_webhook_id', 'is not', null)
    .where('connection_id', 'is not', null)
    .where('expires_at', '<', before)
    .execute();
  return rows.map(toSubscription);
}

/** Active firms with a Clio connection but fewer live webhooks than they should have. */
export async function listFirmsMissingWebhooks(db: Database, expected: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select f.id from firms f
    where f.status = 'active'
      and exists (select 1 from connections c where c.firm_id = f.id and c.provider = 'clio' and c.status = 'active')
      and (select count(*) from clio_webhooks w
           where w.firm_id = f.id and w.connection_id is not null and w.clio_webhook_id is not null) < ${expected}`.execute(db);
  return rows.map((r) => r.id);
}

/** Records that a delivery was seen; false when it was seen before (Clio retries, replays). */
export async function recordDelivery(db: Database, p: { webhookId: string; recordId: string; version: string }): Promise<boolean> {
  const row = await db
    .insertInto('clio_webhook_events')
    .values({ webhook_id: p.webhookId, record_id: p.recordId, version: p.version })
    .onConflict((oc) => oc.doNothing())
    .returning('webhook_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Clio will deliver this webhook's events now: created, handshake done, not lapsed. */
export const isLive = (sub: WebhookSubscription, now: Date): boolean =>
  sub.status === 'enabled' && sub.connectionId !== null && sub.clioWebhookId !== null && (sub.expiresAt === null || sub.expiresAt > now);
