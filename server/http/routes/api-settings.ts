import { Hono } from 'hono';
import { requireAdmin, requireSession } from '../session';
import { enqueueSyncFirm } from '../../jobs/enqueue';
import { getSettings } from '../../settings/repository';
import { type LoadXeroChart, updateSettings } from '../../settings/service';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';

/** GET/PUT the firm's sync settings. The firm is always the session's, never one named by the client. */
export function settingsApiRoutes(deps: AppDeps, loadChart: LoadXeroChart) {
  const app = new Hono<AppEnv>();
  const session = requireSession(deps.sessions);

  app.get('/api/settings', session, async (c) => {
    const settings = await getSettings(deps.db, c.get('session').firmId);
    if (!settings) throw new ApiError('NOT_FOUND', 'This firm has no settings yet. Open the add-on from Clio again.');
    return c.json({ settings });
  });

  app.put('/api/settings', session, requireAdmin, async (c) => {
    const body = await c.req.json().catch(() => {
      throw new ApiError('BAD_REQUEST', 'The request body must be JSON.');
    });
    const { firmId } = c.get('session');
    const settings = await updateSettings(deps.db, loadChart, firmId, body);
    // Saved settings may unblock records that waited for an account: sync now rather than at the next sweep.
    await enqueueSyncFirm(deps.jobs, { firmId, reason: 'manual' });
    return c.json({ settings });
  });
  return app;
}
