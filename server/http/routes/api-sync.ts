import { Hono } from 'hono';
import { z } from 'zod';
import { enqueueSyncFirm } from '../../jobs/enqueue';
import { requireAdmin, requireSession } from '../session';
import { linkCounts } from '../../sync/links';
import { listOpenErrors } from '../../sync/log';
import { getRun } from '../../sync/runs';
import { saneIsoDate } from '../../validation/inputs';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';

const previewBody = z.strictObject({
  from: saneIsoDate().nullable().optional(),
  to: saneIsoDate().nullable().optional(),
});

/** The sync's state for the UI: where it stands, what failed, a sync now, and the dry run. */
export function syncApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const session = requireSession(deps.sessions);

  app.get('/api/sync/status', session, async (c) => {
    const { firmId } = c.get('session');
    const [run, counts, errors] = await Promise.all([getRun(deps.db, firmId), linkCounts(deps.db, firmId), listOpenErrors(deps.db, firmId)]);
    return c.json({
      lastRunAt: run?.last_run_at?.toISOString() ?? null,
      lastSuccessAt: run?.last_success_at?.toISOString() ?? null,
      parkedUntil: run?.parked_until?.toISOString() ?? null,
      counts,
      errors,
    });
  });

  app.get('/api/sync/errors', session, async (c) => c.json({ errors: await listOpenErrors(deps.db, c.get('session').firmId) }));

  app.post('/api/sync/now', session, requireAdmin, async (c) => {
    const { firmId } = c.get('session');
    await enqueueSyncFirm(deps.jobs, { firmId, reason: 'manual' });
    return c.json({ queued: true }, 202);
  });

  /** What a sync would create, update or skip, and why — nothing is written. */
  app.post('/api/sync/preview', session, requireAdmin, async (c) => {
    const raw = await c.req.json().catch(() => ({}));
    const parsed = previewBody.safeParse(raw);
    if (!parsed.success) throw new ApiError('BAD_REQUEST', 'Give the range as {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} (either may be null).');
    const range = parsed.data.from !== undefined || parsed.data.to !== undefined ? { from: parsed.data.from ?? null, to: parsed.data.to ?? null } : undefined;
    const plan = await deps.engine.preview(c.get('session').firmId, range);
    if (!plan) throw new ApiError('CONFLICT', 'Connect Clio and Xero before previewing a sync.');
    return c.json({ plan });
  });
  return app;
}
