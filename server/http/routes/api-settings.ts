import { Hono } from 'hono';
import { requireAdmin, requireSession } from '../session';
import { enqueueSyncFirm } from '../../jobs/enqueue';
import { getSettings } from '../../settings/repository';
import { loadClioTaxRates } from '../../settings/clio-lookups';
import { openClioForUser } from '../../clio/tokens';
import { type LoadXeroChart, updateSettings } from '../../settings/service';
import { recordSecurityEvent } from '../../security/events';
import { ApiError } from '../errors';
import { clientAddress } from '../rate-limit';
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
    const { firmId, userId } = c.get('session');
    const before = await getSettings(deps.db, firmId);
    // Read with the admin's own Clio token; when Clio cannot answer, each bill's own check still guards.
    const loadClioTax = () =>
      openClioForUser(deps, firmId, userId)
        .then(loadClioTaxRates)
        .catch((err: unknown) => {
          deps.logger.warn({ err: err instanceof Error ? err.message : String(err), firmId }, 'clio billing tax rates unavailable; saved without comparing');
          return null;
        });
    const settings = await updateSettings(deps.db, loadChart, firmId, body, loadClioTax);
    const changed = Object.keys(settings).filter((k) => JSON.stringify(settings[k as keyof typeof settings]) !== JSON.stringify(before?.[k as keyof typeof settings]));
    await recordSecurityEvent(deps.db, {
      event: 'settings_changed',
      firmId,
      userId,
      actor: 'user',
      address: clientAddress(c, deps.config.TRUST_PROXY),
      detail: { changed },
    });
    // Saved settings may unblock records that waited for an account: sync now rather than at the next sweep.
    await enqueueSyncFirm(deps.jobs, { firmId, reason: 'manual' });
    return c.json({ settings });
  });
  return app;
}
