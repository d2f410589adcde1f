import { sql } from 'kysely';
import { CLIO_PATHS, WEBHOOK_LIFETIME_DAYS, WEBHOOK_MODELS, WEBHOOK_RENEW_WITHIN_DAYS } from './app-definition';
import type { Database } from '../db/database';
import type { ClioClient } from './client';
import { type ClioConnection, firmClioConnection, listFirmClioConnections } from './connections-repository';
import type { ClioDeps } from './deps';
import { ClioApiError, ClioNotConnectedError } from './errors';
import { clientForConnection } from './tokens';
import {
  deleteSubscriptions,
  insertPendingSubscription,
  listExpiringSubscriptions,
  listFirmsMissingWebhooks,
  listFirmSubscriptions,
  markEnabled,
  recordCreated,
  setExpiry,
  webhookSecretContext,
  type WebhookSubscription,
} from './webhook-subscriptions';

const DAY_MS = 86_400_000;

interface ClioWebhook {
  id: number;
  status?: string;
  expires_at?: string;
  shared_secret?: string;
}

export const receiverUrl = (publicUrl: string, subscriptionId: string) => `${publicUrl}${CLIO_PATHS.webhooks}/${subscriptionId}`;
const expiryFrom = (now: Date) => new Date(now.getTime() + WEBHOOK_LIFETIME_DAYS * DAY_MS);

/**
 * Makes sure the firm has one live webhook per model, created with `connection`'s token (Clio ties
 * a webhook to its creator and fires only for records that user can see, so an admin's is best).
 * Safe to call on every install: models already covered are left alone.
 *
 * Install, deauthorization and the hourly renewal may all call this for one firm at once; without a
 * lock one caller would delete the pending row another has just written (and is creating at Clio),
 * and both would create a webhook for the same model. So callers are serialised per firm with a
 * Postgres advisory lock. An "only delete pending rows older than N minutes" rule was rejected: it
 * still lets two callers create duplicate webhooks at Clio, and guesses how long Clio takes.
 * The lock is session-level on one pinned connection, not transaction-level: the pending row must be
 * committed before Clio is asked to create the webhook (Clio's handshake, on another connection,
 * has to find it), so the work cannot sit inside the lock's transaction; and running it all on the
 * lock's own connection means a holder never waits for a second pool connection while waiters hold
 * the rest. A dropped connection releases the lock with it.
 */
export async function ensureFirmWebhooks(deps: ClioDeps, connection: ClioConnection, now = new Date()): Promise<number> {
  return deps.db.connection().execute(async (db) => {
    const key = `clio-webhooks:${connection.firmId}`;
    await sql`select pg_advisory_lock(hashtext(${key}))`.execute(db);
    try {
      return await ensureLocked(deps, db, connection, now);
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(db);
    }
  });
}

async function ensureLocked(deps: ClioDeps, db: Database, connection: ClioConnection, now: Date): Promise<number> {
  const existing = await listFirmSubscriptions(db, connection.firmId);
  const live = existing.filter((s) => s.clioWebhookId !== null && s.connectionId !== null);
  // Rows left without a webhook at Clio (a failed create) or without an owner are started over.
  await deleteSubscriptions(
    db,
    existing.filter((s) => !live.includes(s)).map((s) => s.id),
  );
  const client = clientForConnection(deps, connection);
  let created = 0;
  for (const def of WEBHOOK_MODELS) {
    if (live.some((s) => s.model === def.model)) continue;
    const id = await insertPendingSubscription(db, { firmId: connection.firmId, connectionId: connection.id, model: def.model });
    const webhook = await client.post<ClioWebhook>(
      '/webhooks.json',
      { url: receiverUrl(deps.config.PUBLIC_URL, id), model: def.model, events: def.events, fields: def.fields, expires_at: expiryFrom(now).toISOString() },
      { fields: 'id,status,expires_at,shared_secret' },
    );
    await recordCreated(db, id, {
      clioWebhookId: webhook.id,
      expiresAt: webhook.expires_at ? new Date(webhook.expires_at) : expiryFrom(now),
      secretEnc: webhook.shared_secret ? deps.secrets.seal(webhook.shared_secret, webhookSecretContext(id)) : undefined,
    });
    created++;
  }
  // A handshake that never reached us (we were down, say) is completed the delayed way.
  for (const sub of await listFirmSubscriptions(db, connection.firmId)) {
    if (sub.status === 'pending' && sub.clioWebhookId && sub.secretEnc && sub.connectionId === connection.id) {
      await activate(deps, db, client, sub);
    }
  }
  return created;
}

async function activate(deps: ClioDeps, db: Database, client: ClioClient, sub: WebhookSubscription): Promise<void> {
  const current = await client.get<ClioWebhook>(`/webhooks/${sub.clioWebhookId}.json`, { fields: 'id,status' });
  if (current.status === 'pending') {
    const secret = deps.secrets.open(sub.secretEnc!, webhookSecretContext(sub.id));
    await client.put(`/webhooks/${sub.clioWebhookId}/activate.json`, undefined, { headers: { 'X-Hook-Secret': secret } });
  }
  await markEnabled(db, sub.id);
}

/**
 * Deletes webhooks at Clio where the owner's token still works, then our rows. A dead token means
 * Clio has dropped that user's webhooks with the grant, so only the rows are left to remove.
 */
export async function removeWebhooks(deps: ClioDeps, subs: WebhookSubscription[], connections: ClioConnection[]): Promise<void> {
  for (const sub of subs) {
    const owner = connections.find((c) => c.id === sub.connectionId);
    if (!owner || !sub.clioWebhookId) continue;
    try {
      await clientForConnection(deps, owner).del(`/webhooks/${sub.clioWebhookId}.json`);
    } catch (err) {
      if (!(err instanceof ClioApiError || err instanceof ClioNotConnectedError)) throw err;
      deps.logger.info({ firmId: sub.firmId, model: sub.model, reason: err.message }, 'clio webhook not deleted at Clio');
    }
  }
  await deleteSubscriptions(
    deps.db,
    subs.map((s) => s.id),
  );
}

/**
 * The periodic job: extends webhooks that lapse within a week (Clio caps a webhook at 31 days),
 * bringing their fields up to date, recreates missing ones, and forgets delivery ids too old to be redelivered.
 */
export async function renewClioWebhooks(deps: ClioDeps, now = new Date()): Promise<{ renewed: number; created: number }> {
  let renewed = 0;
  let created = 0;
  const expiring = await listExpiringSubscriptions(deps.db, new Date(now.getTime() + WEBHOOK_RENEW_WITHIN_DAYS * DAY_MS));
  for (const sub of expiring) {
    const connections = await listFirmClioConnections(deps.db, sub.firmId);
    const owner = connections.find((c) => c.id === sub.connectionId);
    if (!owner) continue;
    // The fields are sent again so a webhook created before a field was added to its model asks for it from now on.
    const fields = WEBHOOK_MODELS.find((m) => m.model === sub.model)?.fields;
    try {
      const webhook = await clientForConnection(deps, owner).patch<ClioWebhook>(
        `/webhooks/${sub.clioWebhookId}.json`,
        { expires_at: expiryFrom(now).toISOString(), ...(fields ? { fields } : {}) },
        { fields: 'id,expires_at' },
      );
      await setExpiry(deps.db, sub.id, webhook.expires_at ? new Date(webhook.expires_at) : expiryFrom(now));
      renewed++;
    } catch (err) {
      if (!(err instanceof ClioApiError || err instanceof ClioNotConnectedError)) throw err;
      deps.logger.warn({ firmId: sub.firmId, model: sub.model, status: err instanceof ClioApiError ? err.status : undefined }, 'clio webhook renewal failed');
      // Gone at Clio: drop it so the pass below creates it again.
      if (err instanceof ClioApiError && err.status === 404) await deleteSubscriptions(deps.db, [sub.id]);
    }
  }
  for (const firmId of await listFirmsMissingWebhooks(deps.db, WEBHOOK_MODELS.length)) {
    const connection = await firmClioConnection(deps.db, firmId);
    if (!connection) continue;
    try {
      created += await ensureFirmWebhooks(deps, connection, now);
    } catch (err) {
      if (!(err instanceof ClioApiError || err instanceof ClioNotConnectedError)) throw err;
      deps.logger.warn({ firmId, reason: err.message }, 'clio webhooks could not be created');
    }
  }
  return { renewed, created };
}
