import { Hono } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';
import { queueStats } from '../../jobs/queue-stats';
import { registry, setQueue } from '../../metrics/registry';
import { errorResponse } from '../errors';
import type { AppDeps, AppEnv } from '../env';

// Both sides hashed first: equal lengths for timingSafeEqual, and the token's length is not timed either.
const digest = (v: string) => createHash('sha256').update(v).digest();
const sameToken = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/**
 * Prometheus metrics. With METRICS_TOKEN set, only `Authorization: Bearer <token>` reads them. Without
 * one they are open in sandbox mode and off in production: the server's port is its public URL (Clio
 * and Xero must reach it), and even counts tell an outsider how many firms we serve and when we fail.
 */
export function metricsRoutes(deps: AppDeps) {
  const token = deps.config.METRICS_TOKEN;
  return new Hono<AppEnv>().get('/metrics', async (c) => {
    if (!token && !deps.config.sandbox) return errorResponse(c, 'NOT_FOUND', 'Metrics are off: set METRICS_TOKEN to read them.');
    if (token) {
      const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      if (!given || !sameToken(given, token)) return errorResponse(c, 'UNAUTHORIZED', 'A valid metrics token is required.');
    }
    setQueue(await queueStats(deps.db));
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });
}
