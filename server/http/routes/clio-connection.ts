import { Hono } from 'hono';
import { requireAdmin, requireSession } from '../session';
import { CLIO_PATHS } from '../../clio/app-definition';
import { listFirmClioConnections } from '../../clio/connections-repository';
import { disconnectFirm } from '../../clio/uninstall';
import { listFirmSubscriptions } from '../../clio/webhook-subscriptions';
import { getFirm } from '../../firms/repository';
import { offboardFirm } from '../../offboarding/uninstall';
import { recordSecurityEvent } from '../../security/events';
import { clientAddress } from '../rate-limit';
import type { AppDeps, AppEnv } from '../env';

/** The signed-in firm's Clio connection: what is connected, and the administrator's disconnect. */
export function clioConnectionRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const session = requireSession(deps.sessions);

  app.get(CLIO_PATHS.connection, session, async (c) => {
    const { firmId } = c.get('session');
    const [firm, connections, webhooks] = await Promise.all([getFirm(deps.db, firmId), listFirmClioConnections(deps.db, firmId), listFirmSubscriptions(deps.db, firmId)]);
    return c.json({
      connected: connections.length > 0,
      region: firm?.clio_region ?? null,
      firmName: firm?.name ?? null,
      connectedUsers: connections.length,
      webhooks: webhooks.map((w) => ({ model: w.model, status: w.status, expiresAt: w.expiresAt?.toISOString() ?? null })),
    });
  });

  app.delete(CLIO_PATHS.connection, session, requireAdmin, async (c) => {
    const { firmId, userId } = c.get('session');
    const by = { actor: 'user', userId, address: clientAddress(c, deps.config.TRUST_PROXY) } as const;
    await disconnectFirm(deps, firmId);
    await recordSecurityEvent(deps.db, { event: 'clio_disconnected', firmId, ...by });
    await offboardFirm(deps, firmId, by);
    return c.body(null, 204);
  });
  return app;
}
