import { Hono } from 'hono';
import { isValidXeroSignature } from '../../xero/webhook-signature';
import { ingestChanges } from '../../sync/ingest';
import { verifiedXeroChanges, xeroWebhookBody } from '../../xero/webhook-service';
import type { AppDeps, AppEnv } from '../env';

/**
 * Xero's webhook: 200 with an empty body when signed, 401 with an empty body when not — which
 * is also all the intent-to-receive check looks at.
 */
export function xeroWebhookRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().post('/webhooks/xero', async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!isValidXeroSignature(raw, c.req.header('x-xero-signature'), deps.config.xero.webhookKey)) {
      deps.logger.warn({ requestId: c.get('requestId') }, 'xero webhook with a bad or missing signature');
      return c.body(null, 401);
    }
    let parsed;
    try {
      parsed = xeroWebhookBody.safeParse(JSON.parse(Buffer.from(raw).toString('utf8')));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) return c.body(null, 400);
    const { events } = parsed.data;
    const { changes, ignored } = await verifiedXeroChanges(deps, events);
    const result = { ...(await ingestChanges(deps.db, changes)), ignored };
    if (events.length) deps.logger.info(result, 'xero webhook events accepted');
    return c.body(null, 200);
  });
}
