import { Hono } from 'hono';
import { z } from 'zod';
import { requireSession } from '../session';
import { enqueueManualRecordSync, SYNC_RECORD_KINDS } from '../../jobs/enqueue';
import { findRecordLink } from '../../sync/links';
import { recordHistory } from '../../sync/log';
import { clioId } from '../../validation/inputs';
import { ApiError } from '../errors';
import { createRateLimiter, LIMITS } from '../rate-limit';
import type { AppDeps, AppEnv } from '../env';

const recordParams = z.object({
  kind: z.enum(SYNC_RECORD_KINDS.clio),
  id: clioId(),
});

/** A Clio record's sync state, and "Sync now" for it (custom actions land on this record page). */
export function recordsApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const session = requireSession(deps.sessions);
  const perUser = createRateLimiter(LIMITS.recordSyncPerUser);
  const paramsOf = (raw: Record<string, string>) => {
    const parsed = recordParams.safeParse(raw);
    if (!parsed.success) throw new ApiError('NOT_FOUND', 'No such record.');
    return parsed.data;
  };

  app.get('/api/records/:kind/:id', session, async (c) => {
    const { kind, id } = paramsOf(c.req.param());
    const { firmId } = c.get('session');
    const [link, history] = await Promise.all([findRecordLink(deps.db, firmId, kind, id), recordHistory(deps.db, firmId, kind, id)]);
    return c.json({
      kind,
      id,
      link,
      history: history.map((h) => ({ at: h.at.toISOString(), action: h.action, reason: h.reason, xeroId: h.xero_id, detail: h.detail })),
    });
  });

  app.post('/api/records/:kind/:id', session, async (c) => {
    const { kind, id } = paramsOf(c.req.param());
    const { firmId, userId } = c.get('session');
    if (!perUser.take(userId)) {
      c.header('Retry-After', '60');
      throw new ApiError('TOO_MANY_REQUESTS', 'Too many syncs asked for at once. Wait a minute, then try again.');
    }
    await enqueueManualRecordSync(deps.jobs, { firmId, kind, id });
    return c.json({ queued: true }, 202);
  });
  return app;
}
