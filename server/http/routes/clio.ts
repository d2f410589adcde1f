import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../env';
import { clioActionRoutes } from './actions-clio';
import { clioConnectionRoutes } from './clio-connection';
import { clioOAuthRoutes } from './clio-oauth';
import { clioWebhookRoutes } from './webhooks-clio';

/** Everything Clio calls or sends a browser to, plus the firm's own view of its Clio connection. */
export function clioRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .route('/', clioOAuthRoutes(deps))
    .route('/', clioActionRoutes(deps))
    .route('/', clioWebhookRoutes(deps))
    .route('/', clioConnectionRoutes(deps));
}
