import type { MiddlewareHandler } from 'hono';
import type { ApiEnv, Emulator } from './context';

interface Window {
  startedAt: number;
  count: number;
}

/**
 * Clio's per-token fixed window (50 requests a minute at peak). Headers go on every response;
 * an exhausted window answers 429 with Retry-After in seconds.
 */
export function rateLimit(emu: Emulator): MiddlewareHandler<ApiEnv> {
  const windows = new Map<string, Window>();
  return async (c, next) => {
    const windowMs = 60_000 / emu.options.timeScale;
    const now = emu.state.clock.now().getTime();
    const token = c.get('accessToken');
    let window = windows.get(token);
    if (!window || now - window.startedAt >= windowMs) {
      window = { startedAt: now, count: 0 };
      windows.set(token, window);
    }
    const limit = emu.options.rateLimit;
    const resetAt = window.startedAt + windowMs;
    c.header('X-RateLimit-Limit', String(limit));
    c.header('X-RateLimit-Reset', String(Math.ceil(resetAt / 1000)));
    if (window.count >= limit) {
      c.header('X-RateLimit-Remaining', '0');
      c.header('Retry-After', String(Math.max(1, Math.ceil((resetAt - now) / 1000))));
      return c.json({ error: { type: 'RateLimited', message: 'Rate limit exceeded. Retry later.' } }, 429);
    }
    window.count += 1;
    c.header('X-RateLimit-Remaining', String(limit - window.count));
    await next();
  };
}
