import { Hono } from 'hono';
import { enqueueAgreementCheck } from '../../jobs/enqueue';
import { requireAdmin, requireSession } from '../session';
import type { AppDeps, AppEnv } from '../env';

/** "Check now" on the Status tab: the agreement check queued on the firm's queue; the tab shows its result when it lands. */
export function agreementApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.post('/api/agreement/check', requireSession(deps.sessions), requireAdmin, async (c) => {
    await enqueueAgreementCheck(deps.jobs, { firmId: c.get('session').firmId });
    return c.json({ queued: true }, 202);
  });
  return app;
}
