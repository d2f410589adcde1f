import { Hono } from 'hono';
import { errorResponse } from '../errors';
import type { AppDeps, AppEnv } from '../env';

export function healthRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const report = await deps.readiness();
      if (report.ready) return c.json({ status: 'ready', checks: report.checks });
      const failing = Object.entries(report.checks)
        .filter(([, v]) => !v.ok)
        .map(([k, v]) => `${k}: ${v.reason ?? 'not ready'}`)
        .join('; ');
      return errorResponse(c, 'SERVICE_UNAVAILABLE', `Not ready: ${failing}`, report.checks);
    });
}
