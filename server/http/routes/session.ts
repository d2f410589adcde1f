import { Hono } from 'hono';
import { renewSession, SessionEndedError } from '../../auth/renewal';
import { requireSession } from '../session';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';

/**
 * The UI renews its short-lived token while the page stays open; auth/renewal.ts decides whether
 * the session may go on (a live Clio grant, the admin flag as Clio states it, the maximum age).
 */
export function sessionRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.post('/api/session/renew', requireSession(deps.sessions), async (c) => {
    try {
      const token = await renewSession(deps, c.get('session'));
      return c.json({ token, expiresInSeconds: deps.sessions.ttlSeconds });
    } catch (err) {
      if (!(err instanceof SessionEndedError)) throw err;
      throw new ApiError('UNAUTHORIZED', 'You are no longer signed in to this firm. Open the add-on from Clio again.');
    }
  });
  return app;
}
