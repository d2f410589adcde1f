import { Hono } from 'hono';
import { requireSession } from '../session';
import { loadMe } from '../../settings/me';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';

export function meApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/api/me', requireSession(deps.sessions), async (c) => {
    const me = await loadMe(deps.db, c.get('session'));
    if (!me) throw new ApiError('UNAUTHORIZED', 'You are no longer signed in to this firm. Open the add-on from Clio again.');
    return c.json(me);
  });
  return app;
}
