import { Hono } from 'hono';
import type { ClioRegionCode } from '../../config';
import type { AppDeps, AppEnv } from '../env';

const REGION_LABELS: Record<ClioRegionCode, string> = {
  us: 'United States',
  ca: 'Canada',
  eu: 'Europe',
  au: 'Australia',
};

/** What the sign-in screen needs before anyone is signed in: the Clio regions this deployment serves. */
export function publicApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/api/public/regions', (c) =>
    c.json({
      regions: Object.entries(deps.config.clio).map(([code, region]) => ({
        code,
        label: REGION_LABELS[code as ClioRegionCode],
        host: new URL(region.baseUrl).host,
      })),
    }),
  );
  return app;
}
