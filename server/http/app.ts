import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { ApiError, errorResponse, handleError } from './errors';
import type { AppDeps, AppEnv } from './env';
import { healthRoutes } from './routes/health';
import { xeroRoutes } from './routes/xero';

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
  app.use(secureHeaders({ referrerPolicy: 'no-referrer', crossOriginResourcePolicy: false }));
  app.use(
    bodyLimit({
      maxSize: deps.config.BODY_LIMIT_BYTES,
      onError: () => {
        throw new ApiError('PAYLOAD_TOO_LARGE', `Request body is larger than ${deps.config.BODY_LIMIT_BYTES} bytes.`);
      },
    }),
  );
  app.route('/', healthRoutes(deps));
  app.route('/', xeroRoutes(deps));
  app.notFound((c) => errorResponse(c, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`));
  app.onError((err, c) => handleError(err, c, deps.logger));
  return app;
}

export type App = ReturnType<typeof createApp>;
