import { type RateLimitHeaders, XeroApiError } from './errors';

export interface PacerOptions {
  /** Xero allows 5 calls in flight per organisation. */
  maxInFlight?: number;
  /** A 429 whose Retry-After fits in this budget is waited out once; longer ones fail the job. */
  retryBudgetMs?: number;
  /** When X-MinLimit-Remaining falls to this, calls are spread over what is left of the minute. */
  minuteLowWater?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Keeps one organisation's calls within Xero's limits in this process: a slot per call in
 * flight, a pause after a 429 that every waiting call honours, and a gentler pace when the
 * minute allowance runs low.
 */
export class TenantPacer {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private pausedUntil = 0;
  private readonly maxInFlight: number;
  private readonly retryBudgetMs: number;
  private readonly minuteLowWater: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(opts: PacerOptions = {}) {
    this.maxInFlight = opts.maxInFlight ?? 5;
    this.retryBudgetMs = opts.retryBudgetMs ?? 5_000;
    this.minuteLowWater = opts.minuteLowWater ?? 5;
    this.sleep = opts.sleep ?? realSleep;
    this.now = opts.now ?? Date.now;
  }

  get active(): number {
    return this.inFlight;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.once(call);
    } catch (err) {
      if (!(err instanceof XeroApiError) || err.kind !== 'rate_limited') throw err;
      // A concurrent-limit 429 carries no Retry-After; a second is what Xero suggests.
      const waitMs = (err.retryAfterSeconds ?? 1) * 1000;
      if (waitMs > this.retryBudgetMs || err.rateLimit.problem === 'day') throw err;
      this.pauseFor(waitMs);
      return this.once(call);
    }
  }

  /** Learns from the rate-limit headers of any answer, success or failure. */
  observe(rate: RateLimitHeaders): void {
    const left = rate.minuteRemaining;
    if (left !== undefined && left <= this.minuteLowWater) {
      // Spread what is left of the minute rather than spend it and meet a 429.
      this.pauseFor(Math.ceil(60_000 / Math.max(left + 1, 1)));
    }
  }

  private pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  private async once<T>(call: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      const wait = this.pausedUntil - this.now();
      if (wait > 0) await this.sleep(wait);
      return await call();
    } catch (err) {
      if (err instanceof XeroApiError) this.observe(err.rateLimit);
      throw err;
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so inFlight never dips and rises again.
    if (next) next();
    else this.inFlight--;
  }
}

/** One pacer per organisation for the life of the process. */
export class PacerRegistry {
  private readonly pacers = new Map<string, TenantPacer>();
  constructor(private readonly opts: PacerOptions = {}) {}

  forTenant(tenantId: string): TenantPacer {
    let pacer = this.pacers.get(tenantId);
    if (!pacer) {
      pacer = new TenantPacer(this.opts);
      this.pacers.set(tenantId, pacer);
    }
    return pacer;
  }
}
