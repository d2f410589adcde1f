// Outbound webhooks as Xero sends them: thin events batched briefly, signed with HMAC-SHA256 of the
// raw body (base64) in x-xero-signature, retried on any non-200 for up to 24 hours, after which the
// subscription is disabled until an intent-to-receive passes again. Also the intent-to-receive check.
import { createHmac } from 'node:crypto';
import { eventDateString, isManualClock, type Clock } from './dates';
import type { Random } from './random';

export type EventCategory = 'CONTACT' | 'INVOICE' | 'CREDITNOTE';

export interface WebhookEvent {
  resourceUrl: string;
  resourceId: string;
  eventDateUtc: string;
  eventType: 'CREATE' | 'UPDATE';
  eventCategory: EventCategory;
  tenantId: string;
  tenantType: 'ORGANISATION';
  data?: { Type: string; Status: string };
}

export interface WebhookPayload {
  events: WebhookEvent[];
  firstEventSequence: number;
  lastEventSequence: number;
  entropy: string;
}

export interface DeliveryAttempt {
  at: number;
  status: number | 'network-error' | 'timeout';
}

export interface Delivery {
  url: string;
  body: string;
  signature: string;
  payload: WebhookPayload;
  attempts: DeliveryAttempt[];
  delivered: boolean;
  /** Emulator-clock time of the next retry; absent once delivered or given up. */
  retryAt?: number;
}

/**
 * `OK`, or `DISABLED` after a delivery failed for 24 hours: nothing is sent until an
 * intent-to-receive passes (developer.xero.com/documentation/webhooks/configuring-your-server).
 */
export type SubscriptionStatus = 'OK' | 'DISABLED';

export interface IntentToReceiveResult {
  status: 'OK' | 'FAILED';
  correctlySigned: number | 'network-error' | 'timeout';
  incorrectlySigned: number | 'network-error' | 'timeout';
  at: number;
}

export interface WebhookOptions {
  url?: string;
  key: string;
  clock: Clock;
  random: Random;
  /** How long events gather before a batch is sent (real milliseconds). */
  batchWindowMs: number;
  /**
   * When each retry is due, on the emulator's clock, counted from the first attempt; the last one
   * failing disables the subscription. Default `XERO_RETRY_SCHEDULE_MS`.
   */
  retryScheduleMs: number[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/**
 * "If we don't receive an acceptable response when sending events we will continue retrying the
 * request, with decreasing frequency for up to 24 hours. After 24 hours the webhook will be
 * disabled and needs to be re-enabled" (developer.xero.com/documentation/webhooks/configuring-your-server).
 * UNCONFIRMED: the exact times (README); these widen as documented and end at 24 hours.
 */
export const XERO_RETRY_SCHEDULE_MS: number[] = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 16 * HOUR, 24 * HOUR];

export const sign = (body: string, key: string): string => createHmac('sha256', key).update(body).digest('base64');

/** Xero expects the receiver to answer within 5 seconds. */
const RECEIVER_TIMEOUT_MS = 5_000;

async function post(url: string, body: string, signature: string): Promise<DeliveryAttempt['status']> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-xero-signature': signature },
      body,
      signal: AbortSignal.timeout(RECEIVER_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    return res.status;
  } catch (e) {
    return e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'network-error';
  }
}

export class Webhooks {
  url: string | undefined;
  key: string;
  status: SubscriptionStatus = 'OK';
  /** When the subscription was disabled (emulator clock), while it is. */
  disabledAt: number | undefined;
  readonly deliveries: Delivery[] = [];
  /** Every event ever raised, delivered or not, for tests that only care that a change was noticed. */
  readonly events: WebhookEvent[] = [];
  intentToReceive: IntentToReceiveResult | undefined;
  private pending: WebhookEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private sequence = 0;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly options: WebhookOptions) {
    this.url = options.url;
    this.key = options.key;
  }

  emit(event: Omit<WebhookEvent, 'eventDateUtc' | 'tenantType'>): void {
    const full: WebhookEvent = { ...event, eventDateUtc: eventDateString(this.options.clock.now()), tenantType: 'ORGANISATION' };
    this.events.push(full);
    this.pending.push(full);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.sendPending();
    }, this.options.batchWindowMs);
  }

  /**
   * Sends whatever is queued now, and every retry due by the emulator's clock (a test moves a manual
   * clock on, then flushes), and waits for those attempts; later retries stay scheduled.
   */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.sendPending();
    this.retryDue();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = undefined;
    this.retryTimer = undefined;
    this.pending = [];
    this.deliveries.length = 0;
    this.events.length = 0;
    this.intentToReceive = undefined;
    this.status = 'OK';
    this.disabledAt = undefined;
  }

  private sendPending(): void {
    const events = this.pending;
    this.pending = [];
    // UNCONFIRMED (README): what a disabled subscription's events become; here they are never sent.
    if (events.length === 0 || !this.url || this.status === 'DISABLED') return;
    const first = this.sequence + 1;
    this.sequence += events.length;
    const payload: WebhookPayload = { events, firstEventSequence: first, lastEventSequence: this.sequence, entropy: this.options.random.letters(20) };
    const body = JSON.stringify(payload);
    const delivery: Delivery = { url: this.url, body, signature: sign(body, this.key), payload, attempts: [], delivered: false };
    this.deliveries.push(delivery);
    this.track(this.attempt(delivery));
  }

  private track(job: Promise<void>): void {
    const tracked = job.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async attempt(delivery: Delivery): Promise<void> {
    delivery.retryAt = undefined;
    const status = await post(delivery.url, delivery.body, delivery.signature);
    const now = this.options.clock.now();
    delivery.attempts.push({ at: now, status });
    if (status === 200) {
      delivery.delivered = true;
      return;
    }
    const firstAt = delivery.attempts[0]!.at;
    const next = this.options.retryScheduleMs.map((offset) => firstAt + offset).find((at) => at > now);
    if (next === undefined) {
      this.disable(now);
      return;
    }
    delivery.retryAt = next;
    this.scheduleRetries();
  }

  /** Every retry due by the emulator's clock, oldest delivery first. */
  private retryDue(): void {
    const now = this.options.clock.now();
    for (const d of this.deliveries) {
      if (this.status === 'DISABLED') return;
      if (d.retryAt !== undefined && d.retryAt <= now) this.track(this.attempt(d));
    }
    this.scheduleRetries();
  }

  /** On the system clock, retries come by themselves; a manual clock waits for `flush()`. */
  private scheduleRetries(): void {
    if (isManualClock(this.options.clock) || this.retryTimer) return;
    const due = this.deliveries.flatMap((d) => (d.retryAt === undefined ? [] : [d.retryAt]));
    if (!due.length) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.retryDue();
      },
      Math.max(0, Math.min(...due) - this.options.clock.now()),
    );
    this.retryTimer.unref();
  }

  /** 24 hours of failures: Xero stops sending (and retrying) until the subscription is re-enabled. */
  private disable(now: number): void {
    this.status = 'DISABLED';
    this.disabledAt = now;
    for (const d of this.deliveries) d.retryAt = undefined;
  }

  /**
   * Xero's ITR: one correctly and one wrongly signed empty batch; 200 and 401 expected. Re-enabling
   * a disabled subscription runs one, and only an OK re-enables it.
   */
  async runIntentToReceive(): Promise<IntentToReceiveResult> {
    if (!this.url) throw new Error('No webhook URL configured');
    const body = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: this.options.random.letters(20) });
    const correctlySigned = await post(this.url, body, sign(body, this.key));
    const incorrectlySigned = await post(this.url, body, sign(body, `${this.key}-wrong`));
    this.intentToReceive = {
      status: correctlySigned === 200 && incorrectlySigned === 401 ? 'OK' : 'FAILED',
      correctlySigned,
      incorrectlySigned,
      at: this.options.clock.now(),
    };
    if (this.intentToReceive.status === 'OK') {
      this.status = 'OK';
      this.disabledAt = undefined;
    }
    return this.intentToReceive;
  }
}
