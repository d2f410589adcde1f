import { Hono } from 'hono';
import { requireSession } from '../session';
import { getFirm, getUser } from '../../firms/repository';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';

/**
 * The UI renews its short-lived token while the page stays open. The user is looked up again so
 * that someone removed from the firm, an uninstalled firm, or a changed admin flag takes effect
 * within one token lifetime.
 */
export function sessionRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.post('/api/session/renew', requireSession(deps.sessions), async (c) => {
    const { firmId, userId } = c.get('session');
    const [user, firm] = await Promise.all([getUser(deps.db, firmId, userId), getFirm(deps.db, firmId)]);
    if (!user || firm?.status !== 'active') {
      throw new ApiError('UNAUTHORIZED', 'You are no longer signed in to this firm. Open the add-on from Clio again.');
    }
    const token = await deps.sessions.issue({ firmId, userId, isAdmin: user.is_admin });
    return c.json({ token, expiresInSeconds: deps.sessions.ttlSeconds });
  });
  return app;
}
