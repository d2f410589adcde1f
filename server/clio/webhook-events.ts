import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CLIO_ACTIVITY_TYPES, CLIO_BILL_STATES } from '../domain/kinds';
import type { VerifiedChange } from '../domain/changes';
import { WEBHOOK_MODELS } from './app-definition';
import type { ClioDeps } from './deps';
import { verifyClioWebhook } from './webhook-signature';
import { completeHandshake, getSubscription, markEnabled, webhookSecretContext } from './webhook-subscriptions';

const handshakeBody = z
  .object({ meta: z.object({ webhook_id: z.coerce.string() }).partial().optional() })
  .loose()
  .optional();

const deliveryBody = z.object({
  data: z.object({ id: z.coerce.string().regex(/^\d+$/), etag: z.string().optional(), updated_at: z.string().optional() }).loose(),
  meta: z.object({ event: z.string().min(1), webhook_id: z.coerce.string().optional() }).loose(),
});

/** An activity delivery also names its type (app-definition.ts); absent from webhooks created before it was asked for. */
const activityData = z.object({ type: z.enum(CLIO_ACTIVITY_TYPES).optional() }).loose();
/** A bill delivery also names its state, absent likewise from webhooks created before it was asked for. */
const billData = z.object({ state: z.enum(CLIO_BILL_STATES).optional() }).loose();

export type HandshakeOutcome = 'accepted' | 'unknown' | 'refused';
export type DeliveryRefusal = 'unknown' | 'bad_signature' | 'bad_payload';

/**
 * Clio's handshake: it POSTs `X-Hook-Secret` to the webhook's URL, possibly before our create call
 * has returned. The row exists already (written first), so the secret is stored against it. The
 * receiver is unauthenticated, so a handshake may set a secret only while none is stored (Clio's
 * create response, which stores the authoritative one, replaces it); once one is held, a handshake
 * is accepted only if it carries that same secret. An accepted handshake enables the webhook.
 */
export async function acceptHandshake(deps: ClioDeps, subscriptionId: string, secret: string, rawBody: string): Promise<HandshakeOutcome> {
  const sub = await getSubscription(deps.db, subscriptionId);
  if (!sub) return 'unknown';
  const body = handshakeBody.safeParse(parseJson(rawBody));
  const claimedId = body.success ? body.data?.meta?.webhook_id : undefined;
  if (sub.clioWebhookId && claimedId && claimedId !== String(sub.clioWebhookId)) return 'refused';
  if (!sub.secretEnc && (await completeHandshake(deps.db, sub.id, deps.secrets.seal(secret, webhookSecretContext(sub.id))))) return 'accepted';
  // A secret is held (or was stored a moment ago by the create call or another handshake).
  const current = sub.secretEnc ? sub : await getSubscription(deps.db, subscriptionId);
  if (!current?.secretEnc || !sameSecret(deps.secrets.open(current.secretEnc, webhookSecretContext(current.id)), secret)) return 'refused';
  if (current.status !== 'enabled') await markEnabled(deps.db, current.id);
  return 'accepted';
}

/** Constant-time comparison; hashing first makes the lengths equal, so the length leaks nothing either. */
function sameSecret(a: string, b: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * A signed delivery: the signature is checked over the raw bytes before anything is parsed, and
 * the event becomes the change it names (sync/ingest.ts records it and queues its job).
 */
export async function verifyDelivery(
  deps: ClioDeps,
  subscriptionId: string,
  rawBody: Uint8Array,
  signature: string | undefined,
): Promise<{ change: VerifiedChange } | { refused: DeliveryRefusal }> {
  const sub = await getSubscription(deps.db, subscriptionId);
  if (!sub) return { refused: 'unknown' };
  if (!sub.secretEnc) return { refused: 'bad_signature' };
  const secret = deps.secrets.open(sub.secretEnc, webhookSecretContext(sub.id));
  if (!verifyClioWebhook(secret, rawBody, signature)) return { refused: 'bad_signature' };

  const parsed = deliveryBody.safeParse(parseJson(Buffer.from(rawBody).toString('utf8')));
  const def = WEBHOOK_MODELS.find((m) => m.model === sub.model);
  if (!parsed.success || !def) return { refused: 'bad_payload' };
  const { data, meta } = parsed.data;
  const activity = def.model === 'activity' ? activityData.safeParse(data) : undefined;
  if (activity && !activity.success) return { refused: 'bad_payload' };
  const type = activity?.data.type;
  const bill = def.model === 'bill' ? billData.safeParse(data) : undefined;
  if (bill && !bill.success) return { refused: 'bad_payload' };
  const state = bill?.data.state;
  const version = `${meta.event}:${data.etag ?? data.updated_at ?? ''}`;
  return {
    change: {
      source: 'clio',
      firmId: sub.firmId,
      kind: def.kind,
      id: data.id,
      receipt: { webhookId: sub.id, version },
      ...(type ? { type } : {}),
      ...(state ? { state } : {}),
    },
  };
}

function parseJson(raw: string): unknown {
  try {
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
}
