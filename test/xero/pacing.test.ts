import { describe, expect, it } from 'vitest';
import { XeroApiError, xeroApiError } from '../../server/xero/errors';
import { TenantPacer } from '../../server/xero/pacing';

/** A fake clock: sleeping advances time instantly and records what was asked for. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

const rateLimited = (retryAfter: string | undefined, problem = 'minute') =>
  xeroApiError(429, 'oauth_problem=rate limit exceeded', { 'x-rate-limit-problem': problem, ...(retryAfter ? { 'retry-after': retryAfter } : {}) });

describe('TenantPacer', () => {
  it('keeps at most 5 calls in flight for one organisation', async () => {
    const pacer = new TenantPacer();
    let inFlight = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const calls = Array.from({ length: 12 }, () =>
      pacer.run(async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((r) => releases.push(r));
        inFlight--;
      }),
    );
    const tick = () => new Promise((r) => setImmediate(r));
    await tick();
    expect(inFlight).toBe(5);
    let finished = 0;
    while (finished < 12) {
      const release = releases.shift();
      if (!release) {
        await tick();
        continue;
      }
      release();
      finished++;
      await tick();
      expect(inFlight).toBeLessThanOrEqual(5);
    }
    await Promise.all(calls);
    expect(peak).toBe(5);
  });

  it('waits out a 429 Retry-After once, then succeeds', async () => {
    const t = fakeTime();
    const pacer = new TenantPacer({ ...t, retryBudgetMs: 5_000 });
    let attempts = 0;
    const result = await pacer.run(async () => {
      attempts++;
      if (attempts === 1) throw rateLimited('2');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(attempts).toBe(2);
    expect(t.sleeps).toEqual([2_000]);
  });

  it('throws the typed error when Retry-After exceeds the budget, or for the daily limit', async () => {
    const t = fakeTime();
    const pacer = new TenantPacer({ ...t, retryBudgetMs: 5_000 });
    let attempts = 0;
    const long = await pacer
      .run(async () => {
        attempts++;
        throw rateLimited('60');
      })
      .catch((e: unknown) => e);
    expect(long).toBeInstanceOf(XeroApiError);
    expect(long).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 60, rateLimit: { problem: 'minute' } });
    expect(attempts).toBe(1);

    const day = await pacer
      .run(async () => {
        throw rateLimited('1', 'Daily');
      })
      .catch((e: unknown) => e);
    expect(day).toMatchObject({ kind: 'rate_limited', rateLimit: { problem: 'day' } });
  });

  it('backs off a concurrent-limit 429 (no Retry-After) by a second', async () => {
    const t = fakeTime();
    const pacer = new TenantPacer(t);
    let attempts = 0;
    await pacer.run(async () => {
      if (attempts++ === 0) throw rateLimited(undefined, 'concurrent');
    });
    expect(t.sleeps).toEqual([1_000]);
  });

  it('sends at most 60 calls in any rolling minute, waiting just until the oldest leaves the window', async () => {
    const t = fakeTime();
    const pacer = new TenantPacer(t);
    for (let i = 0; i < 60; i++) await pacer.run(async () => undefined);
    expect(t.sleeps).toEqual([]);
    await pacer.run(async () => undefined);
    expect(t.sleeps).toEqual([60_001]);
  });

  it('counts a call in the minute from when its answer came back, since Xero counts it from when it arrived', async () => {
    const t = fakeTime();
    const pacer = new TenantPacer(t);
    // The first call takes 2 s (a big batch): Xero may have seen it only at the end of that.
    await pacer.run(() => t.sleep(2_000));
    for (let i = 1; i < 60; i++) await pacer.run(async () => undefined);
    t.sleeps.length = 0;
    await pacer.run(async () => undefined);
    expect(t.sleeps).toEqual([60_001]);
  });

  it('does not slow down when the minute runs low only because this process spent it', async () => {
    const t = fakeTime();
    const pacer = new TenantPacer(t);
    for (let i = 0; i < 57; i++) await pacer.run(async () => undefined);
    pacer.observe({ minuteRemaining: 3 });
    await pacer.run(async () => undefined);
    expect(t.sleeps).toEqual([]);
  });

  it('slows down when X-MinLimit-Remaining runs low, not before', async () => {
    const t = fakeTime();
    const pacer = new TenantPacer(t);
    pacer.observe({ minuteRemaining: 40 });
    await pacer.run(async () => undefined);
    expect(t.sleeps).toEqual([]);
    pacer.observe({ minuteRemaining: 2 });
    await pacer.run(async () => undefined);
    expect(t.sleeps).toEqual([20_000]);
  });
});
