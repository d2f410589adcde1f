import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiverUrl } from '../../server/clio/webhooks';
import { signClioWebhook } from '../../server/clio/webhook-signature';
import { getSubscription, insertPendingSubscription, recordCreated, webhookSecretContext } from '../../server/clio/webhook-subscriptions';
import { firmClioConnection } from '../../server/clio/connections-repository';
import { type ClioHarness, installAndSignIn, startClioHarness } from './harness';

let h: ClioHarness;
let firmId: string;
beforeAll(async () => {
  h = await startClioHarness();
  firmId = (await installAndSignIn(h)).firmId;
});
afterAll(() => h?.stop());

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
const storedSecret = async (id: string) => {
  const sub = (await getSubscription(h.deps.db, id))!;
  return { status: sub.status, secret: sub.secretEnc && h.deps.secrets.open(sub.secretEnc, webhookSecretContext(id)) };
};

/** A fresh pending subscription for the contact model, as ensureFirmWebhooks writes it before calling Clio. */
async function pendingContactWebhook(): Promise<{ id: string; url: string }> {
  await h.t.db.deleteFrom('clio_webhooks').where('firm_id', '=', firmId).where('model', '=', 'contact').execute();
  const connection = (await firmClioConnection(h.deps.db, firmId))!;
  const id = await insertPendingSubscription(h.deps.db, { firmId, connectionId: connection.id, model: 'contact' });
  return { id, url: receiverUrl(h.deps.config.PUBLIC_URL, id) };
}

const delivery = JSON.stringify({ data: { id: 4242, etag: 'e1' }, meta: { event: 'updated' } });

describe('clio webhook handshake on a subscription still pending', () => {
  it('once a secret is held, a handshake with another secret is refused and changes nothing', async () => {
    const { id, url } = await pendingContactWebhook();
    // Clio's create call returned the secret before its handshake arrived.
    await recordCreated(h.deps.db, id, {
      clioWebhookId: 990001,
      expiresAt: new Date(Date.now() + 86_400_000),
      secretEnc: h.deps.secrets.seal('original', webhookSecretContext(id)),
    });

    const forged = await post(url, '{}', { 'X-Hook-Secret': 'attacker-chosen' });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('x-hook-secret')).toBeNull();
    expect(await storedSecret(id)).toEqual({ status: 'pending', secret: 'original' });
    expect((await post(url, delivery, { 'X-Hook-Signature': signClioWebhook('attacker-chosen', delivery) })).status).toBe(401);

    // Clio's own handshake carries the original secret: accepted, and the webhook is enabled at once.
    const real = await post(url, '{}', { 'X-Hook-Secret': 'original' });
    expect(real.status).toBe(200);
    expect(real.headers.get('x-hook-secret')).toBe('original');
    expect(await storedSecret(id)).toEqual({ status: 'enabled', secret: 'original' });
    expect((await post(url, delivery, { 'X-Hook-Signature': signClioWebhook('original', delivery) })).status).toBe(200);
  });

  it('a secret stored by the first handshake cannot be replaced by a second one', async () => {
    const { id, url } = await pendingContactWebhook();
    expect((await post(url, '{}', { 'X-Hook-Secret': 'first' })).status).toBe(200);
    expect((await post(url, '{}', { 'X-Hook-Secret': 'second' })).status).toBe(401);
    expect(await storedSecret(id)).toEqual({ status: 'enabled', secret: 'first' });
  });

  it("Clio's create response wins over a handshake that raced ahead of it", async () => {
    const { id, url } = await pendingContactWebhook();
    expect((await post(url, '{}', { 'X-Hook-Secret': 'raced-ahead' })).status).toBe(200);
    await recordCreated(h.deps.db, id, {
      clioWebhookId: 990002,
      expiresAt: new Date(Date.now() + 86_400_000),
      secretEnc: h.deps.secrets.seal('from-clio', webhookSecretContext(id)),
    });
    expect((await storedSecret(id)).secret).toBe('from-clio');
    expect((await post(url, '{}', { 'X-Hook-Secret': 'raced-ahead' })).status).toBe(401);
    expect((await post(url, delivery, { 'X-Hook-Signature': signClioWebhook('from-clio', delivery) })).status).toBe(200);
  });
});
