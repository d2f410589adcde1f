// Xero emulator factory: one Hono app serving Xero identity (/identity/connect/authorize,
// /connect/token, /connections), the Accounting API (/api.xro/2.0) and a control API (/_emulator).
import { Hono } from 'hono';
import { apiGuard } from './api-guard';
import type { ApiEnv } from './api-env';
import { bankTransactionRoutes } from './bank-transactions';
import { contactRoutes } from './contacts';
import { API_BASE, type EmulatorContext } from './context';
import { controlRoutes } from './control';
import { allocationRoutes } from './credit-notes';
import { systemClock, type Clock } from './dates';
import { documentRoutes } from './document-routes';
import { CREDIT_NOTE, INVOICE, writeDocument } from './documents';
import { Faults } from './faults';
import { Idempotency } from './idempotency';
import { Identity } from './oauth';
import { paymentRoutes } from './payments';
import { createRandom } from './random';
import { RateLimiter } from './rate-limit';
import { RequestLog } from './request-log';
import { seedState } from './seed';
import { settingsRoutes } from './settings';
import type { State } from './store';
import { Webhooks, XERO_RETRY_SCHEDULE_MS } from './webhooks';

export { SEED_TENANTS } from './seed';
export { SANDBOX_CLIENT } from './oauth';
export { createManualClock, type Clock, type ManualClock } from './dates';
export { sign as signWebhookBody } from './webhooks';

export interface XeroEmulatorOptions {
  /** The emulator's own public URL; used in webhook resourceUrls. Default http://127.0.0.1:8789. */
  baseUrl?: string;
  /** Where webhooks go; can be set or changed later through PUT /_emulator/webhooks. */
  webhookUrl?: string;
  /** Webhook signing key. Default `sandbox-webhook-key`. */
  webhookKey?: string;
  /** Multiplies rate-limit windows (0.01 → a 0.6 s "minute"). Limits themselves never switch off. */
  timeScale?: number;
  /** true (default) seeds the demo organisations; a number also scales synthetic data; false starts empty. */
  seed?: boolean | number;
  clock?: Clock;
  /** Extra redirect URIs registered for the sandbox client (loopback http URIs are always accepted). */
  redirectUris?: string[];
  /** PRNG seed for ids. Default 1. */
  randomSeed?: number;
  /** Real milliseconds a `timeout` fault hangs. Default 30 000. */
  faultHangMs?: number;
  /** Real milliseconds events gather before a webhook batch is sent. Default 100. */
  webhookBatchMs?: number;
  /** When each webhook retry is due on the emulator's clock, from the first attempt. Default `XERO_RETRY_SCHEDULE_MS` (up to 24 h). */
  webhookRetryScheduleMs?: number[];
}

export const DEFAULT_PORT = 8789;

export function createXeroEmulator(options: XeroEmulatorOptions = {}) {
  const clock = options.clock ?? systemClock;
  const state: State = { tenants: new Map(), random: createRandom(options.randomSeed ?? 1) };
  const webhooks = new Webhooks({
    key: options.webhookKey ?? 'sandbox-webhook-key',
    clock,
    random: state.random,
    batchWindowMs: options.webhookBatchMs ?? 100,
    retryScheduleMs: options.webhookRetryScheduleMs ?? XERO_RETRY_SCHEDULE_MS,
    ...(options.webhookUrl ? { url: options.webhookUrl } : {}),
  });
  const ctx: EmulatorContext = { state, clock, webhooks, baseUrl: (options.baseUrl ?? `http://127.0.0.1:${DEFAULT_PORT}`).replace(/\/$/, '') };
  const identity = new Identity(
    clock,
    state.random,
    {
      tenantIds: () => [...state.tenants.keys()],
      tenantName: (id) => state.tenants.get(id)?.organisation.Name,
    },
    options.redirectUris,
  );
  const rateLimiter = new RateLimiter(clock, options.timeScale ?? 1);
  const idempotency = new Idempotency(clock);
  const faults = new Faults(options.faultHangMs ?? 30_000);
  const requestLog = new RequestLog(clock);

  const seed = (scale: boolean | number = true) => {
    if (scale === false) return;
    seedState(state, scale === true ? 0 : scale, {
      createInvoice: (tenant, input) => {
        const r = writeDocument(ctx, tenant, INVOICE, input, 'create', 2);
        if ('errors' in r) throw new Error(`seed invoice rejected: ${r.errors.join('; ')}`);
      },
    });
    // Seeding is not a change anyone should be notified about.
    webhooks.reset();
  };

  const reset = (seedWith: boolean | number = options.seed ?? true) => {
    state.tenants.clear();
    Object.assign(state.random, createRandom(options.randomSeed ?? 1));
    webhooks.reset();
    identity.reset();
    rateLimiter.reset();
    idempotency.reset();
    faults.clear();
    requestLog.entries.length = 0;
    seed(seedWith);
  };

  const api = new Hono<ApiEnv>();
  api.use('*', apiGuard(ctx, identity), rateLimiter.middleware(), idempotency.middleware());
  for (const routes of [
    settingsRoutes(ctx),
    contactRoutes(ctx),
    documentRoutes(ctx, INVOICE),
    documentRoutes(ctx, CREDIT_NOTE),
    allocationRoutes(ctx),
    paymentRoutes(ctx),
    bankTransactionRoutes(ctx),
  ]) {
    api.route('/', routes);
  }

  const app = new Hono();
  app.route('/_emulator', controlRoutes({ ctx, identity, faults, rateLimiter, requestLog, reset }));
  app.use('*', requestLog.middleware(), faults.middleware());
  app.route('/', identity.routes());
  app.route(API_BASE, api);
  app.notFound((c) => c.text("The resource you're looking for cannot be found", 404));

  reset();
  return { app, state, identity, webhooks, faults, rateLimiter, requestLog, ctx, reset, seed: (scale: boolean | number = true) => reset(scale) };
}

export type XeroEmulator = ReturnType<typeof createXeroEmulator>;
