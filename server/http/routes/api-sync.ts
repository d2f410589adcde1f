import { Hono } from 'hono';
import { z } from 'zod';
import { enqueueBackfill, enqueueSyncFirm } from '../../jobs/enqueue';
import { requireAdmin, requireSession } from '../session';
import { dismissError, findOpenError, listOpenErrors } from '../../sync/failure-groups';
import { retryRecords } from '../../status/retry';
import { syncActivity, validTimeZone } from '../../status/activity';
import { firmStatus } from '../../status/service';
import { waitingRecords } from '../../status/waiting';
import { saneIsoDate } from '../../validation/inputs';
import { ApiError } from '../errors';
import { createConcurrencyLimiter, createRateLimiter, LIMITS } from '../rate-limit';
import type { AppDeps, AppEnv } from '../env';

const previewBody = z.strictObject({
  from: saneIsoDate().nullable().optional(),
  to: saneIsoDate().nullable().optional(),
});

const waitingKind = z.enum(['contact', 'bill', 'payment_allocation', 'credit_memo', 'hard_cost']);

/** The sync's state for the UI: where it stands, what failed, a sync now, and the dry run. */
export function syncApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const session = requireSession(deps.sessions);
  const previewsRunning = createConcurrencyLimiter(1);
  const previewsPerUser = createRateLimiter(LIMITS.previewPerUser);

  app.get('/api/sync/status', session, async (c) => c.json(await firmStatus(deps, c.get('session').firmId)));

  /** Records synced and failed per day (30 days) and per hour (today), in the reader's time zone. */
  app.get('/api/sync/activity', session, async (c) => {
    const raw = c.req.query('tz');
    const timeZone = raw === undefined ? 'UTC' : validTimeZone(raw);
    if (!timeZone) throw new ApiError('BAD_REQUEST', 'Give tz as a time zone name such as Australia/Sydney.');
    return c.json(await syncActivity(deps.db, c.get('session').firmId, timeZone));
  });

  /** The records of one kind that wait, each with why and what ends the wait. */
  app.get('/api/sync/waiting/:kind', session, async (c) => {
    const kind = waitingKind.safeParse(c.req.param('kind'));
    if (!kind.success) throw new ApiError('NOT_FOUND', 'No such kind of record.');
    return c.json(await waitingRecords(deps, c.get('session').firmId, kind.data));
  });

  app.get('/api/sync/errors', session, async (c) => c.json({ errors: await listOpenErrors(deps.db, c.get('session').firmId) }));

  app.post('/api/sync/now', session, requireAdmin, async (c) => {
    const { firmId } = c.get('session');
    await enqueueSyncFirm(deps.jobs, { firmId, reason: 'manual' });
    return c.json({ queued: true }, 202);
  });

  const groupOf = async (firmId: string, raw: string) => {
    const group = /^\d{1,18}$/.test(raw) ? await findOpenError(deps.db, firmId, raw) : undefined;
    if (!group) throw new ApiError('NOT_FOUND', 'That failure group is resolved or does not exist.');
    return group;
  };

  /** Retry every record of a failure group now. */
  app.post('/api/sync/errors/:id/retry', session, requireAdmin, async (c) => {
    const { firmId } = c.get('session');
    const group = await groupOf(firmId, c.req.param('id'));
    await retryRecords(deps.jobs, firmId, group.kind, group.clioIds);
    return c.json({ queued: group.clioIds.length }, 202);
  });

  /** Hide a group until a new record joins it. */
  app.post('/api/sync/errors/:id/dismiss', session, requireAdmin, async (c) => {
    const { firmId } = c.get('session');
    const group = await groupOf(firmId, c.req.param('id'));
    await dismissError(deps.db, firmId, group.id);
    return c.json({ dismissed: true });
  });

  /** Start a backfill of the bills issued in a range (previewed first with /api/sync/preview). */
  app.post('/api/sync/backfill', session, requireAdmin, async (c) => {
    const parsed = previewBody.safeParse(await c.req.json().catch(() => ({})));
    if (!parsed.success || (!parsed.data.from && !parsed.data.to))
      throw new ApiError('BAD_REQUEST', 'Give the range as {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} (at least one of them).');
    const { firmId } = c.get('session');
    await enqueueBackfill(deps.jobs, { firmId, range: { from: parsed.data.from ?? null, to: parsed.data.to ?? null } });
    return c.json({ queued: true }, 202);
  });

  /**
   * What a sync would create, update or skip, and why — nothing is written. One per firm at a time
   * and a few per admin a minute; its Clio reads are capped to a share of the token's window
   * (clio/pacing.ts), so previews never starve the firm's sync or its uninstall (issue 15).
   */
  app.post('/api/sync/preview', session, requireAdmin, async (c) => {
    const raw = await c.req.json().catch(() => ({}));
    const parsed = previewBody.safeParse(raw);
    if (!parsed.success) throw new ApiError('BAD_REQUEST', 'Give the range as {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} (either may be null).');
    const range = parsed.data.from !== undefined || parsed.data.to !== undefined ? { from: parsed.data.from ?? null, to: parsed.data.to ?? null } : undefined;
    const { firmId, userId } = c.get('session');
    const release = previewsRunning.enter(firmId);
    if (!release) throw new ApiError('PREVIEW_RUNNING', 'A preview of this firm is already running. Wait for it to finish, then try again.');
    try {
      if (!previewsPerUser.take(userId)) {
        c.header('Retry-After', '60');
        throw new ApiError('TOO_MANY_REQUESTS', 'You have run several previews just now. Wait a minute, then try again.');
      }
      const plan = await deps.engine.preview(firmId, range);
      if (!plan) throw new ApiError('CONFLICT', 'Connect Clio and Xero before previewing a sync.');
      return c.json({ plan });
    } finally {
      release();
    }
  });
  return app;
}
