import { Hono } from 'hono';
import { z } from 'zod';
import { requireAdmin, requireSession } from '../session';
import { listConflicts } from '../../sync/links';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';

const params = z.object({ kind: z.enum(['contact', 'bill']), id: z.string().regex(/^\d{1,20}$/) });
const choice = z.strictObject({ keep: z.enum(['clio', 'xero']) });

/**
 * Records changed differently on both sides since the last sync (the Status tab's conflict list),
 * each with both values per field, and the admin's choice: keep Clio's or keep Xero's. The choice
 * is applied at once; the other side is then written and both sides hold the same.
 */
export function conflictsApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const session = requireSession(deps.sessions);

  app.get('/api/conflicts', session, async (c) => c.json({ conflicts: await listConflicts(deps.db, c.get('session').firmId) }));

  app.post('/api/conflicts/:kind/:id', session, requireAdmin, async (c) => {
    const p = params.safeParse(c.req.param());
    if (!p.success) throw new ApiError('NOT_FOUND', 'No such conflict.');
    const body = choice.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) throw new ApiError('BAD_REQUEST', 'Send {"keep": "clio"} or {"keep": "xero"}.');
    const resolved = await deps.engine.resolveConflict(c.get('session').firmId, p.data.kind, p.data.id, body.data.keep);
    if (!resolved) throw new ApiError('NOT_FOUND', 'No such conflict, or it was already resolved.');
    return c.json({ resolved: true });
  });
  return app;
}
