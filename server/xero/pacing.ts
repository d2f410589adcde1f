import { type RateLimitHeaders, XeroApiError } from './errors';

export interface PacerOptions {
  /** Xero allows 5 calls in flight per organisation. */
  maxInFlight?: number;
  /** A 429 whose Retry-After fits in this budget is waited out once; longer ones fail the job. */
  retryBudgetMs?: number;
  /** When X-MinLimit-Remaining falls to this while our own count says more is left (another process is spending it), calls are spread. */
  minuteLowWater?: number;
  /** Xero allows 60 calls a minute per organisation: this process never sends more in any rolling window. */
  minuteLimit?: number;
  windowMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Keeps one organisation's calls within Xero's limits in this process: a slot per call in
 * flight, at most `minuteLimit` calls in any rolling window (so a backfill runs at Xero's pace
 * without meeting a 429, and without sleeping past the reset), a pause after a 429 that every
 * waiting call honours, and a gentler pace when Xero reports less left than this process used.
 */
export class TenantPacer {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private pausedUntil = 0;
  private readonly maxInFlight: number;
  private readonly retryBudgetMs: number;
  private readonly minuteLowWater: number;
  private readonly minuteLimit: number;
  private readonly windowMs: number;
  private readonly sent: number[] = [];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(opts: PacerOptions = {}) {
    this.maxInFlight = opts.maxInFlight ?? 5;
    this.retryBudgetMs = opts.retryBudgetMs ?? 5_000;
    this.minuteLowWater = opts.minuteLowWater ?? 5;
    this.minuteLimit = opts.minuteLimit ?? 60;
    this.windowMs = opts.windowMs ?? 60_000;
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
    // Our own count already keeps this process inside the minute; only a shortfall it cannot see
    // (another process on the same organisation) calls for spreading what is left.
    const ownLeft = this.minuteLimit - this.recent().length;
    if (left !== undefined && left <= this.minuteLowWater && left < ownLeft) {
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
      const slot = await this.takeMinuteSlot();
      try {
        return await call();
      } finally {
        this.restamp(slot);
      }
    } catch (err) {
      if (err instanceof XeroApiError) this.observe(err.rateLimit);
      throw err;
    } finally {
      this.release();
    }
  }

  /**
   * A call counts in Xero's minute from when it arrives, which may be a while after we sent it (a
   * big batch, a busy machine). So the call is counted from when its answer came back, no earlier
   * than Xero saw it. Taking it out and appending it again keeps `sent` in time order.
   */
  private restamp(slot: number): void {
    const i = this.sent.indexOf(slot);
    if (i >= 0) this.sent.splice(i, 1);
    this.sent.push(this.now());
  }

  private recent(): number[] {
    const cutoff = this.now() - this.windowMs;
    while (this.sent.length && this.sent[0]! <= cutoff) this.sent.shift();
    return this.sent;
  }

  private async takeMinuteSlot(): Promise<number> {
    for (;;) {
      const recent = this.recent();
      if (recent.length < this.minuteLimit) {
        const at = this.now();
        recent.push(at);
        return at;
      }
      await this.sleep(recent[0]! + this.windowMs - this.now() + 1);
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
