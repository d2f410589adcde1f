import { Hono } from 'hono';
import { activityRoutes } from './activities';
import { authenticate } from './auth';
import { billRoutes } from './bills';
import { createClock } from './clock';
import { contactRoutes } from './contacts';
import type { Emulator, EmulatorOptions } from './context';
import { controlRoutes } from './control';
import { customActionRoutes } from './custom-actions';
import { ClioError } from './errors';
import { Faults } from './faults';
import { NonceStore } from './nonces';
import { oauthRoutes } from './oauth';
import { rateLimit } from './rate-limit';
import { readRoutes } from './read-routes';
import { recordPageRoutes } from './record-page';
import { reportRoutes } from './reports';
import { RequestLog } from './request-log';
import { seedSandboxDemo } from './sandbox-demo';
import { foundFirm, seedDemoFirm } from './seed';
import { ClioState } from './state';
import { taskRoutes } from './tasks';
import { TokenStore } from './tokens';
import { WebhookDispatcher, type Delivery } from './webhooks';

export { fixedClock, createClock, type Clock } from './clock';
export type { EmulatorOptions } from './context';
export type { Delivery };
export type { LoggedRequest } from './request-log';
export { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } from './oauth';
export { REGION_HOSTS, type Region, ClioState } from './state';

export const DEFAULT_PORT = 8788;

export interface ClioEmulator {
  app: Hono;
  /** The current firm data; a new object after every reset. */
  readonly state: ClioState;
  options: EmulatorOptions;
  /** Empties the firm and seeds it again (with the factory's seed option unless given). */
  reset(seed?: boolean | number): void;
  /** Resolves once every queued webhook handshake and delivery has finished (retries included). */
  flushWebhooks(): Promise<void>;
  /** A token for a user without the OAuth dance (tests of other features). */
  issueToken(userId?: number): { access_token: string; refresh_token: string };
  /** Every webhook delivery since the last reset, with attempts and outcome. */
  deliveries(): Delivery[];
}

export function createClioEmulator(options: Partial<EmulatorOptions> & { baseUrl: string }): ClioEmulator {
  const opts: EmulatorOptions = {
    seed: true,
    region: 'US',
    clock: options.clock ?? createClock(),
    timeScale: 1,
    rateLimit: 50,
    tokenLifetimeSeconds: 30 * 24 * 3600,
    redirectUris: [],
    reportDelayMs: 3000,
    webhookRetries: 3,
    webhookRetryDelayMs: 1000,
    webhookTimeoutMs: 10_000,
    hangMs: 120_000,
    ...options,
    baseUrl: options.baseUrl.replace(/\/$/, ''),
  };
  if (!(opts.timeScale > 0)) throw new Error('timeScale must be positive: it shrinks the rate-limit window, never removes it');

  const freshState = (seed: boolean | number): ClioState => {
    const state = new ClioState(opts.clock, opts.region);
    foundFirm(state);
    const scale = seed === true ? 1 : seed === false ? 0 : Math.max(0, Math.floor(seed));
    if (scale > 0) seedDemoFirm(state, scale);
    if (scale > 0 && opts.sandboxDemo) seedSandboxDemo(state);
    return state;
  };

  const emu: Emulator = {
    options: opts,
    state: freshState(opts.seed),
    tokens: new TokenStore(opts.clock, opts.tokenLifetimeSeconds),
    nonces: new NonceStore(opts.clock),
    session: { userId: null, denyConsent: false },
  };
  const faults = new Faults(() => opts.hangMs);
  const log = new RequestLog();
  const webhooks = new WebhookDispatcher(emu);
  webhooks.attach(emu.state);

  const reset = (seed: boolean | number = opts.seed) => {
    faults.clear();
    log.clear();
    emu.state = freshState(seed);
    emu.tokens = new TokenStore(opts.clock, opts.tokenLifetimeSeconds);
    emu.nonces = new NonceStore(opts.clock);
    emu.session = { userId: null, denyConsent: false };
    webhooks.attach(emu.state);
  };

  const api = new Hono();
  api.use('*', authenticate(emu), rateLimit(emu));
  for (const routes of [
    readRoutes(emu),
    contactRoutes(emu),
    activityRoutes(emu),
    billRoutes(emu),
    customActionRoutes(emu),
    webhooks.routes(),
    reportRoutes(emu),
    taskRoutes(emu),
  ]) {
    api.route('/', routes);
  }
  api.all('*', (c) => c.json({ error: { type: 'NotFound', message: `No route ${c.req.method} ${c.req.path}` } }, 404));

  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof ClioError) return c.json(err.body(), err.status);
    console.error('[clio-emulator]', err);
    return c.json({ error: { type: 'InternalServerError', message: String(err) } }, 500);
  });
  app.route('/_emulator', controlRoutes({ emu, faults, log, webhooks, reset }));
  app.route('/', recordPageRoutes(emu));
  app.use('*', log.middleware(), faults.middleware());
  app.route('/', oauthRoutes(emu));
  app.route('/api/v4', api);

  return {
    app,
    get state() {
      return emu.state;
    },
    options: opts,
    reset,
    flushWebhooks: () => webhooks.flush(),
    issueToken: (userId) => {
      const { access, refreshToken } = emu.tokens.grant(userId ?? emu.state.users.all()[0]?.id ?? 0);
      return { access_token: access.token, refresh_token: refreshToken };
    },
    deliveries: () => webhooks.deliveries.slice(),
  };
}
