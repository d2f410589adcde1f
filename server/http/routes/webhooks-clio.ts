import { Hono } from 'hono';
import { z } from 'zod';
import { CLIO_PATHS } from '../../clio/app-definition';
import { acceptHandshake, verifyDelivery } from '../../clio/webhook-events';
import { ingestChanges } from '../../sync/ingest';
import { errorResponse } from '../errors';
import type { AppDeps, AppEnv } from '../env';

const subscriptionId = z.uuid();

/** Clio webhook receiver: one URL per subscription, so the secret to check with is found by the path. */
export function clioWebhookRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().post(`${CLIO_PATHS.webhooks}/:subscription`, async (c) => {
    const id = subscriptionId.safeParse(c.req.param('subscription'));
    if (!id.success) return errorResponse(c, 'NOT_FOUND', 'No such webhook.');
    const secret = c.req.header('x-hook-secret');
    if (secret !== undefined) {
      const outcome = await acceptHandshake(deps, id.data, secret, await c.req.text());
      if (outcome === 'unknown') return errorResponse(c, 'NOT_FOUND', 'No such webhook.');
      if (outcome === 'refused') return errorResponse(c, 'UNAUTHORIZED', 'Handshake refused.');
      c.header('X-Hook-Secret', secret);
      return c.body(null, 200);
    }
    const delivery = await verifyDelivery(deps, id.data, new Uint8Array(await c.req.arrayBuffer()), c.req.header('x-hook-signature'));
    if ('change' in delivery) {
      await ingestChanges(deps.db, [delivery.change]);
      return c.body(null, 200);
    }
    switch (delivery.refused) {
      case 'unknown':
        // 410 tells Clio to disable a webhook we no longer hold.
        return c.body(null, 410);
      case 'bad_signature':
        return errorResponse(c, 'UNAUTHORIZED', 'Invalid webhook signature.');
      case 'bad_payload':
        return errorResponse(c, 'BAD_REQUEST', 'Unreadable webhook payload.');
    }
  });
}
