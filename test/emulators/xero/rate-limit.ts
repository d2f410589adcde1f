// Xero's per-tenant limits (5 in flight, 60 a minute, 5,000 a day) and the app-wide 10,000 a
// minute, as fixed windows. timeScale shrinks the windows (benchmarks); limits are never off.
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './api-env';
import type { Clock } from './dates';

export const LIMITS = { concurrent: 5, minute: 60, day: 5_000, appMinute: 10_000 } as const;

interface Window {
  start: number;
  count: number;
}

interface TenantUsage {
  inFlight: number;
  minute: Window;
  day: Window;
}

export class RateLimiter {
  private usage = new Map<string, TenantUsage>();
  private app: Window = { start: 0, count: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly timeScale: number,
  ) {
    if (!(timeScale > 0)) throw new Error('timeScale must be > 0');
  }

  reset(): void {
    this.usage.clear();
    this.app = { start: 0, count: 0 };
  }

  private windowMs(ms: number): number {
    return Math.max(1, Math.round(ms * this.timeScale));
  }

  private roll(w: Window, length: number): Window {
    const now = this.clock.now();
    return now - w.start >= length ? { start: now, count: 0 } : w;
  }

  middleware(): MiddlewareHandler<ApiEnv> {
    return async (c, next) => {
      const tenantId = c.get('tenant').organisation.OrganisationID;
      const minuteMs = this.windowMs(60_000);
      const dayMs = this.windowMs(86_400_000);
      const u = this.usage.get(tenantId) ?? { inFlight: 0, minute: { start: 0, count: 0 }, day: { start: 0, count: 0 } };
      this.usage.set(tenantId, u);
      u.minute = this.roll(u.minute, minuteMs);
      u.day = this.roll(u.day, dayMs);
      this.app = this.roll(this.app, minuteMs);
      const now = this.clock.now();
      const retryAfter = (w: Window, length: number) => String(Math.max(1, Math.ceil((w.start + length - now) / 1000)));
      const headers = () => {
        c.header('X-DayLimit-Remaining', String(Math.max(0, LIMITS.day - u.day.count)));
        c.header('X-MinLimit-Remaining', String(Math.max(0, LIMITS.minute - u.minute.count)));
        c.header('X-AppMinLimit-Remaining', String(Math.max(0, LIMITS.appMinute - this.app.count)));
      };
      const refuse = (problem: string, after?: string) => {
        headers();
        c.header('X-Rate-Limit-Problem', problem);
        if (after) c.header('Retry-After', after);
        return c.text(`oauth_problem=rate limit exceeded&oauth_problem_advice=${problem} limit exceeded`, 429);
      };
      if (u.inFlight >= LIMITS.concurrent) return refuse('concurrent');
      if (u.day.count >= LIMITS.day) return refuse('day', retryAfter(u.day, dayMs));
      if (u.minute.count >= LIMITS.minute) return refuse('minute', retryAfter(u.minute, minuteMs));
      if (this.app.count >= LIMITS.appMinute) return refuse('appminute', retryAfter(this.app, minuteMs));
      u.minute.count++;
      u.day.count++;
      this.app.count++;
      u.inFlight++;
      try {
        await next();
      } finally {
        u.inFlight--;
        headers();
      }
    };
  }
}
