import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * Small in-memory limits for the few routes that cost us (or a firm's Clio allowance) something
 * before anyone is authenticated, and for job-queuing by signed-in users.
 *
 * Per process: each instance counts on its own, so N instances allow N times the numbers below,
 * and a restart forgets every count. That is enough to turn a flood into a trickle; it is not a
 * quota. Nothing here is shared through the database on purpose: a limiter that needs a query per
 * request would spend what it protects.
 */

export interface RateLimit {
  /** How many requests a key may make at once (the bucket's size)… */
  burst: number;
  /** …and how many more it earns per minute after that. */
  perMinute: number;
}

/** The limits in one place, so what each route allows can be read and tuned together. */
export const LIMITS = {
  /** Custom-action clicks per client address: a person clicks a few times a minute at most. */
  customActionPerAddress: { burst: 30, perMinute: 30 },
  /**
   * Nonce checks per client address: each costs a Clio call with the named user's token. Counted by
   * who sends the click, never by the user it names, so an outsider's forgeries cannot spend a
   * real user's allowance (issue 15, attack 3).
   */
  customActionChecksPerAddress: { burst: 10, perMinute: 20 },
  /** Verified clicks per Clio user: each one opens a session and queues a sync. */
  customActionPerUser: { burst: 10, perMinute: 20 },
  /** Nonce checks running at once against one Clio connection. */
  customActionInFlightPerConnection: 2,
  /** Install starts per client address: each one stores an OAuth state row. */
  clioStartPerAddress: { burst: 20, perMinute: 20 },
  /** Dry runs by one signed-in admin; each reads Clio and Xero at length. One per firm runs at a time besides. */
  previewPerUser: { burst: 3, perMinute: 3 },
  /** Record syncs queued by one signed-in user ("Sync now" on a record page). */
  recordSyncPerUser: { burst: 20, perMinute: 30 },
} as const satisfies Record<string, RateLimit | number>;

export interface RateLimiter {
  /** Spends one request for `key`; false when the key has none left (refuse it). */
  take(key: string, nowMs?: number): boolean;
}

/** Keys beyond this are pruned (full buckets first), so a spray of addresses cannot grow memory without end. */
const MAX_KEYS = 10_000;

/** A token bucket per key. */
export function createRateLimiter(limit: RateLimit): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (b: { tokens: number; at: number }, now: number) => {
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) * limit.perMinute) / 60_000);
    b.at = now;
  };
  return {
    take(key, now = Date.now()) {
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= MAX_KEYS) prune(now);
        buckets.set(key, (b = { tokens: limit.burst, at: now }));
      } else refill(b, now);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
  };

  function prune(now: number) {
    for (const [key, b] of buckets) {
      refill(b, now);
      if (b.tokens >= limit.burst) buckets.delete(key);
    }
    // Every key is busy: forget the oldest half rather than refuse to count new ones.
    if (buckets.size >= MAX_KEYS) [...buckets.keys()].slice(0, MAX_KEYS / 2).forEach((k) => buckets.delete(k));
  }
}

/** At most `max` operations at once per key (a Clio connection's nonce checks, say). */
export interface ConcurrencyLimiter {
  /** A release function, or undefined when the key is already at its limit. */
  enter(key: string): (() => void) | undefined;
}

export function createConcurrencyLimiter(max: number): ConcurrencyLimiter {
  const running = new Map<string, number>();
  return {
    enter(key) {
      const n = running.get(key) ?? 0;
      if (n >= max) return undefined;
      running.set(key, n + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (running.get(key) ?? 1) - 1;
        if (left <= 0) running.delete(key);
        else running.set(key, left);
      };
    },
  };
}

/**
 * The client's address: the socket's peer, or with TRUST_PROXY the address our own proxy appended
 * last to X-Forwarded-For (earlier entries are whatever the client claimed). Requests that reach
 * the app without a socket (in-process tests) share one key.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
