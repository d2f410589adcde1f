// Outbound webhooks as Xero sends them: thin events batched briefly, signed with HMAC-SHA256 of the
// raw body (base64) in x-xero-signature, retried on any non-200. Also the intent-to-receive check.
import { createHmac } from 'node:crypto';
import { eventDateString, type Clock } from './dates';
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
}

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
  /** Delays before each retry (real milliseconds); the length is the number of retries. */
  retryDelaysMs: number[];
}

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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Webhooks {
  url: string | undefined;
  key: string;
  readonly deliveries: Delivery[] = [];
  /** Every event ever raised, delivered or not, for tests that only care that a change was noticed. */
  readonly events: WebhookEvent[] = [];
  intentToReceive: IntentToReceiveResult | undefined;
  private pending: WebhookEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
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

  /** Sends whatever is queued now and waits until every delivery (with retries) has finished. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.sendPending();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.deliveries.length = 0;
    this.events.length = 0;
    this.intentToReceive = undefined;
  }

  private sendPending(): void {
    const events = this.pending;
    this.pending = [];
    if (events.length === 0 || !this.url) return;
    const first = this.sequence + 1;
    this.sequence += events.length;
    const payload: WebhookPayload = { events, firstEventSequence: first, lastEventSequence: this.sequence, entropy: this.options.random.letters(20) };
    const body = JSON.stringify(payload);
    const delivery: Delivery = { url: this.url, body, signature: sign(body, this.key), payload, attempts: [], delivered: false };
    this.deliveries.push(delivery);
    const job = this.deliver(delivery).finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  private async deliver(delivery: Delivery): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const status = await post(delivery.url, delivery.body, delivery.signature);
      delivery.attempts.push({ at: this.options.clock.now(), status });
      if (status === 200) {
        delivery.delivered = true;
        return;
      }
      const delay = this.options.retryDelaysMs[attempt];
      if (delay === undefined) return;
      await sleep(delay);
    }
  }

  /** Xero's ITR: one correctly and one wrongly signed empty batch; 200 and 401 expected. */
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
    return this.intentToReceive;
  }
}
