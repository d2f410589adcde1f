import { createHmac, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { definedOnly } from './activities-model';
import { checkIfMatch, findRow, listHandler, paths, readData, respond, showHandler, type Collection } from './collection';
import type { ApiEnv, Emulator } from './context';
import { invalid } from './errors';
import { parseFields, select, type Json, type Shape } from './fields';
import type { Webhook, WebhookModel } from './records';
import { activityShape, billShape, clioPaymentShape, contactShape, matterShape, webhookShape } from './shapes';
import type { Change, ClioState } from './state';
import { isoSeconds, type Row } from './store';

const DAY_MS = 86_400_000;
const DEFAULT_LIFETIME_MS = 3 * DAY_MS;
const MAX_LIFETIME_MS = 31 * DAY_MS;
const MAX_FIELDS_LENGTH = 1000;

/** The webhook-able models the emulator holds, by the table their records live in. */
const MODELS: Record<WebhookModel, { table: string; shape: Shape<never>; events: string[] }> = {
  contact: { table: 'contacts', shape: contactShape as Shape<never>, events: ['created', 'updated', 'deleted'] },
  matter: { table: 'matters', shape: matterShape as Shape<never>, events: ['created', 'updated', 'deleted', 'matter_opened', 'matter_pended', 'matter_closed'] },
  activity: { table: 'activities', shape: activityShape as Shape<never>, events: ['created', 'updated', 'deleted'] },
  bill: { table: 'bills', shape: billShape as Shape<never>, events: ['created', 'updated', 'deleted'] },
  clio_payments_payment: { table: 'clio_payments', shape: clioPaymentShape as Shape<never>, events: ['created', 'updated'] },
};

/** Clio also accepts a model's numeric id (webhooks guide table). */
const MODEL_IDS: Record<number, string> = {
  1: 'matter',
  2: 'activity',
  3: 'bill',
  4: 'calendar_entry',
  5: 'communication',
  6: 'contact',
  7: 'task',
  8: 'document',
  9: 'folder',
  10: 'clio_payments_payment',
};

export interface Delivery {
  webhook_id: number;
  event: string;
  url: string;
  body: string;
  signature: string;
  attempts: number;
  /** The last HTTP status, or null when the receiver could not be reached or timed out. */
  status: number | null;
  delivered: boolean;
}

interface WebhookInput {
  url?: string;
  model?: string | number;
  events?: string[];
  fields?: string;
  expires_at?: string;
}

const webhooks: Collection<Webhook> = {
  shape: webhookShape,
  table: (s) => s.webhooks,
  scope: (w, userId) => w.user_id === userId,
};

/**
 * Subscriptions, the handshake that enables them, and signed deliveries with retries. Deliveries run in
 * the background; `flush()` waits for all of them, so tests need no sleeps.
 */
export class WebhookDispatcher {
  deliveries: Delivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  /** The last payload sent per webhook and record: Clio fires `updated` only when a watched field changed. */
  private readonly lastSent = new Map<string, string>();

  constructor(private readonly emu: Emulator) {}

  /** Listens to a (new) state's changes; called on start and after every reset. */
  attach(state: ClioState): void {
    this.deliveries = [];
    this.lastSent.clear();
    state.onChange((change) => this.onChange(state, change));
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  routes(): Hono<ApiEnv> {
    const api = new Hono<ApiEnv>();
    const emu = this.emu;
    api.on('GET', paths('/webhooks'), listHandler(emu, webhooks));
    api.get('/webhooks/:id', showHandler(emu, webhooks));
    api.on('POST', paths('/webhooks'), async (c) => {
      const input = await readData<WebhookInput>(c);
      if (input.url === undefined || input.model === undefined || input.fields === undefined) {
        throw invalid('url, model and fields are required');
      }
      const webhook = emu.state.webhooks.insert({
        user_id: c.get('userId'),
        shared_secret: randomBytes(20).toString('hex'),
        status: 'pending',
        ...this.validate(input, undefined),
      } as Omit<Webhook, keyof Row>);
      this.handshake(webhook);
      return respond(emu, c, webhookShape, webhook, 201);
    });
    api.patch('/webhooks/:id', async (c) => {
      const webhook = findRow(emu, webhooks, c);
      checkIfMatch(c, webhook);
      const changes = this.validate(await readData<WebhookInput>(c), webhook);
      const urlChanged = changes.url !== undefined && changes.url !== webhook.url;
      const next = emu.state.webhooks.update(webhook.id, { ...changes, ...(urlChanged ? { status: 'pending' as const } : {}) });
      if (urlChanged) this.handshake(next);
      return respond(emu, c, webhookShape, next);
    });
    api.delete('/webhooks/:id', (c) => {
      emu.state.webhooks.remove(findRow(emu, webhooks, c).id);
      return c.body(null, 204);
    });
    // Only in the spec's prose: the delayed handshake.
    api.on('PUT', ['/webhooks/:id/activate', '/webhooks/:id/activate.json'], (c) => {
      const webhook = findRow(emu, webhooks, c);
      if (c.req.header('x-hook-secret') !== webhook.shared_secret) throw invalid('X-Hook-Secret does not match');
      return respond(emu, c, webhookShape, emu.state.webhooks.update(webhook.id, { status: 'enabled' }));
    });
    return api;
  }

  private validate(input: WebhookInput, current: Webhook | undefined): Partial<Webhook> {
    const model = (typeof input.model === 'number' ? MODEL_IDS[input.model] : input.model) ?? current?.model;
    if (!model || !(model in MODELS)) throw invalid(`Model ${String(input.model)} is not supported`);
    const spec = MODELS[model as WebhookModel];
    if (input.url !== undefined && !acceptableUrl(input.url)) throw invalid('URL must use the https scheme');
    const fields = input.fields ?? current?.fields ?? '';
    if (fields.length > MAX_FIELDS_LENGTH) throw invalid(`fields must be at most ${MAX_FIELDS_LENGTH} characters`);
    parseFields(spec.shape, fields);
    const events = input.events ?? current?.events ?? spec.events;
    if (!Array.isArray(events) || events.some((e) => !spec.events.includes(e))) {
      throw invalid(`events must be among ${spec.events.join(', ')}`);
    }
    const now = this.emu.state.clock.now().getTime();
    let expiresAt: string | undefined;
    if (input.expires_at !== undefined) {
      const at = Date.parse(input.expires_at);
      if (Number.isNaN(at) || at <= now) throw invalid('expires_at must be in the future');
      if (at > now + MAX_LIFETIME_MS) throw invalid('expires_at must be at most 31 days from now');
      expiresAt = isoSeconds(new Date(at));
    } else if (!current) {
      expiresAt = isoSeconds(new Date(now + DEFAULT_LIFETIME_MS));
    }
    return definedOnly({ url: input.url, model: model as WebhookModel, fields, events, expires_at: expiresAt });
  }

  /** Clio POSTs the secret; echoing it back in the response header enables the webhook at once. */
  private handshake(webhook: Webhook): void {
    const state = this.emu.state;
    this.track(async () => {
      const body = JSON.stringify({ data: { id: webhook.id }, meta: { webhook_id: webhook.id } });
      const response = await this.post(webhook.url, body, { 'X-Hook-Secret': webhook.shared_secret });
      const current = state.webhooks.get(webhook.id);
      if (current && response?.ok && response.headers.get('x-hook-secret') === webhook.shared_secret) {
        state.webhooks.update(webhook.id, { status: 'enabled' });
      }
    });
  }

  private onChange(state: ClioState, change: Change): void {
    const now = state.clock.now().getTime();
    for (const [model, spec] of Object.entries(MODELS)) {
      if (spec.table !== change.table) continue;
      const event = eventOf(model as WebhookModel, change);
      for (const webhook of state.webhooks.all()) {
        if (webhook.model !== model || webhook.status !== 'enabled' || !webhook.events.includes(event)) continue;
        if (Date.parse(webhook.expires_at) <= now) continue;
        const data = select(spec.shape, change.row as never, state, parseFields(spec.shape, webhook.fields));
        const key = `${webhook.id}:${change.row.id}`;
        const snapshot = JSON.stringify(data);
        const seen = this.lastSent.get(key);
        this.lastSent.set(key, snapshot);
        if (event === 'updated' && seen === snapshot) continue;
        this.deliver(state, webhook, event, data);
      }
    }
  }

  private deliver(state: ClioState, webhook: Webhook, event: string, data: Json): void {
    const body = JSON.stringify({ data, meta: { event, webhook_id: webhook.id } });
    const signature = createHmac('sha256', webhook.shared_secret).update(body).digest('hex');
    const delivery: Delivery = { webhook_id: webhook.id, event, url: webhook.url, body, signature, attempts: 0, status: null, delivered: false };
    this.deliveries.push(delivery);
    const { webhookRetries, webhookRetryDelayMs } = this.emu.options;
    this.track(async () => {
      for (let attempt = 0; attempt <= webhookRetries; attempt += 1) {
        if (attempt > 0) await sleep(webhookRetryDelayMs * 2 ** (attempt - 1));
        if (this.emu.state !== state || !state.webhooks.get(webhook.id)) return;
        delivery.attempts += 1;
        const response = await this.post(webhook.url, body, { 'X-Hook-Signature': signature });
        delivery.status = response?.status ?? null;
        if (response?.status === 410) {
          state.webhooks.update(webhook.id, { status: 'suspended' });
        }
        if (response && (response.status < 400 || response.status === 410)) {
          delivery.delivered = true;
          return;
        }
      }
    });
  }

  private async post(url: string, body: string, headers: Record<string, string>): Promise<Response | undefined> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Clio-Webhooks (emulator)', ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.emu.options.webhookTimeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response;
    } catch {
      return undefined;
    }
  }

  private track(work: () => Promise<void>): void {
    const promise = work().finally(() => this.pending.delete(promise));
    this.pending.add(promise);
  }
}

/** A bill deleted in Clio keeps its row with state `deleted`; subscribers hear `deleted`, not `updated`. */
function eventOf(model: WebhookModel, change: Change): string {
  if (model === 'bill' && change.event === 'updated' && (change.row as Row & { state?: string }).state === 'deleted') {
    return 'deleted';
  }
  return change.event;
}

/**
 * Clio rejects every scheme but https. The emulator also accepts plain http to a loopback host,
 * so receivers in tests need no TLS.
 */
function acceptableUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
