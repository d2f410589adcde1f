import { Hono } from 'hono';
import { z } from 'zod';
import { requireSession } from '../session';
import { SYNC_RECORD_KINDS } from '../../domain/kinds';
import { enqueueManualRecordSync } from '../../jobs/enqueue';
import { openClioForUser } from '../../clio/tokens';
import { billIdsOfMatter } from '../../sync/clio-reader';
import { findRecordLink } from '../../sync/links';
import { recordHistory } from '../../sync/history';
import { recordLinker } from '../../status/service';
import { clioId } from '../../validation/inputs';
import { ApiError } from '../errors';
import { createRateLimiter, LIMITS } from '../rate-limit';
import type { AppDeps, AppEnv } from '../env';

const recordParams = z.object({
  kind: z.enum(SYNC_RECORD_KINDS.clio),
  id: clioId(),
});

/**
 * A Clio record's sync state and history, and "Sync now" for it (custom actions land on this
 * record page). A matter has no Xero twin of its own: its page lists its bills.
 */
export function recordsApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const session = requireSession(deps.sessions);
  const perUser = createRateLimiter(LIMITS.recordSyncPerUser);
  const paramsOf = (raw: Record<string, string>) => {
    const parsed = recordParams.safeParse(raw);
    if (!parsed.success) throw new ApiError('NOT_FOUND', 'No such record.');
    return parsed.data;
  };

  async function recordView(firmId: string, linker: Awaited<ReturnType<typeof recordLinker>>, kind: string, id: string) {
    const [link, history] = await Promise.all([findRecordLink(deps.db, firmId, kind, id), recordHistory(deps.db, firmId, kind, id)]);
    return {
      kind,
      id,
      clioUrl: linker.clioUrl(kind, id),
      xeroUrl: linker.xeroUrl(kind, link?.xeroId ?? null),
      link,
      history: history.map((h) => ({
        at: h.at.toISOString(),
        action: h.action,
        reason: h.reason,
        xeroId: h.xero_id,
        xeroUrl: linker.xeroUrl(kind, h.xero_id),
        detail: h.detail,
      })),
    };
  }

  app.get('/api/records/:kind/:id', session, async (c) => {
    const { kind, id } = paramsOf(c.req.param());
    const { firmId, userId } = c.get('session');
    const linker = await recordLinker(deps, firmId);
    // A custom action on an expense lands here; its sync is the hard cost of the same Clio id.
    const view = { ...(await recordView(firmId, linker, kind === 'activity' ? 'hard_cost' : kind, id)), kind };
    if (kind !== 'matter') return c.json(view);
    // Which bills the matter has is Clio's to say; without Clio the page still shows the rest.
    const billIds = await openClioForUser(deps, firmId, userId)
      .then((clio) => billIdsOfMatter(clio, id))
      .catch((err: Error) => {
        deps.logger.info({ firmId, err: { message: err.message } }, 'matter bills unavailable');
        return null;
      });
    return c.json({ ...view, bills: billIds && (await Promise.all(billIds.map((b) => recordView(firmId, linker, 'bill', String(b))))) });
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
