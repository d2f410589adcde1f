import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { ApiError, errorResponse, handleError } from './errors';
import type { AppDeps, AppEnv } from './env';
import { clioRoutes } from './routes/clio';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { publicPageRoutes } from './routes/public-pages';
import { xeroRoutes } from './routes/xero';
import { clioApiRoutes } from './routes/api-clio';
import { conflictsApiRoutes } from './routes/api-conflicts';
import { contactMatchApiRoutes } from './routes/contact-matches';
import { meApiRoutes } from './routes/api-me';
import { publicApiRoutes } from './routes/api-public';
import { recordsApiRoutes } from './routes/api-records';
import { settingsApiRoutes } from './routes/api-settings';
import { syncApiRoutes } from './routes/api-sync';
import { xeroChartApiRoutes } from './routes/api-xero-chart';
import { sessionRoutes } from './routes/session';
import { uiStaticRoutes } from './routes/ui-static';
import { securityHeaders } from './security-headers';
import { refuseUninstalledFirms } from './session';
import { xeroChartLoader } from '../settings/xero-chart';
import { CLIO_PATHS } from '../clio/app-definition';
import { countWebhook, type Service } from '../metrics/registry';

/**
 * Webhook deliveries counted at the edge by the answer we gave, so the receivers know nothing of
 * metrics. Clio's subscription handshake (X-Hook-Secret) is set-up, not a delivery.
 */
const countDeliveries =
  (service: Service): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    await next();
    if (c.req.method === 'POST' && c.req.header('x-hook-secret') === undefined) countWebhook(service, c.res.status);
  };

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // The path only: query strings can carry OAuth codes and nonces.
    deps.logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });
  app.use(securityHeaders(deps.config));
  app.use(
    bodyLimit({
      maxSize: deps.config.BODY_LIMIT_BYTES,
      onError: () => {
        throw new ApiError('PAYLOAD_TOO_LARGE', `Request body is larger than ${deps.config.BODY_LIMIT_BYTES} bytes.`);
      },
    }),
  );
  app.use('/api/*', refuseUninstalledFirms(deps));
  app.use('/webhooks/xero', countDeliveries('xero'));
  app.use(`${CLIO_PATHS.webhooks}/*`, countDeliveries('clio'));
  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.route('/', publicPageRoutes(deps.config.PURGE_AFTER_DAYS));
  app.route('/', xeroRoutes(deps));
  const loadChart = xeroChartLoader(deps);
  app.route('/', publicApiRoutes(deps));
  app.route('/', sessionRoutes(deps));
  app.route('/', meApiRoutes(deps));
  app.route('/', settingsApiRoutes(deps, loadChart));
  app.route('/', xeroChartApiRoutes(deps, loadChart));
  app.route('/', clioApiRoutes(deps));
  app.route('/', recordsApiRoutes(deps));
  app.route('/', syncApiRoutes(deps));
  app.route('/', contactMatchApiRoutes(deps));
  app.route('/', conflictsApiRoutes(deps));
  app.route('/', clioRoutes(deps));
  app.route('/', uiStaticRoutes());
  app.notFound((c) => errorResponse(c, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`));
  app.onError((err, c) => handleError(err, c, deps.logger));
  return app;
}

export type App = ReturnType<typeof createApp>;
