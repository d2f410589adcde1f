import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const base64Key = z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'expected 32 bytes encoded as base64');

const absoluteUrl = z.url({ message: 'expected an absolute URL' }).transform((v) => v.replace(/\/$/, ''));

const envSchema = z.object({
  PORT: z.coerce.number({ message: 'expected a port number from 0 to 65535' }).int().min(0).max(65535).default(8787),
  PUBLIC_URL: z.url({ message: 'expected an absolute URL such as https://sync.example.com' }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// connection URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  SECRET_KEY: base64Key.optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(4),
  /** How often a process stamps its job workers alive, and after how long without a stamp another process frees their jobs. */
  JOB_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  JOB_WORKER_DEAD_AFTER_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /** Clio allows 50 calls per token in this window; shorter only against an emulator whose timeScale shrinks it the same. */
  CLIO_RATE_WINDOW_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  /** Xero allows 60 calls per organisation in this window; shorter only against an emulator whose timeScale shrinks it the same. */
  XERO_RATE_WINDOW_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  /** Behind a reverse proxy: the client address for rate limits is the last X-Forwarded-For entry. */
  TRUST_PROXY: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /** An uninstalled firm's data is deleted this many days after uninstall (npm run purge does it at once). */
  PURGE_AFTER_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  /** A session ends this long after sign-in through Clio, however often it was renewed. */
  SESSION_MAX_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .max(7 * 86_400)
    .default(12 * 3600),
  /** Renewal asks Clio again whether the user is an administrator once the last answer is this old. */
  ADMIN_RECHECK_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),

  // Clio: one app (client id and secret) per region; CLIO_CLIENT_ID/SECRET are the US app's.
  CLIO_CLIENT_ID: z.string().optional(),
  CLIO_CLIENT_SECRET: z.string().optional(),
  CLIO_CA_CLIENT_ID: z.string().optional(),
  CLIO_CA_CLIENT_SECRET: z.string().optional(),
  CLIO_EU_CLIENT_ID: z.string().optional(),
  CLIO_EU_CLIENT_SECRET: z.string().optional(),
  CLIO_AU_CLIENT_ID: z.string().optional(),
  CLIO_AU_CLIENT_SECRET: z.string().optional(),
  CLIO_US_BASE_URL: absoluteUrl.default('https://app.clio.com'),
  CLIO_CA_BASE_URL: absoluteUrl.default('https://ca.app.clio.com'),
  CLIO_EU_BASE_URL: absoluteUrl.default('https://eu.app.clio.com'),
  CLIO_AU_BASE_URL: absoluteUrl.default('https://au.app.clio.com'),

  // Xero: its identity hosts are fixed in production; they are configurable so tests and the
  // sandbox can point them at the emulator.
  XERO_CLIENT_ID: z.string().optional(),
  XERO_CLIENT_SECRET: z.string().optional(),
  XERO_WEBHOOK_KEY: z.string().optional(),
  XERO_LOGIN_URL: absoluteUrl.default('https://login.xero.com'),
  XERO_IDENTITY_URL: absoluteUrl.default('https://identity.xero.com'),
  XERO_API_URL: absoluteUrl.default('https://api.xero.com'),
  XERO_SCOPES: z
    .string()
    .default('offline_access accounting.contacts accounting.invoices accounting.payments accounting.banktransactions accounting.settings.read')
    .refine((v) => !/\baccounting\.transactions\b/.test(v), 'must use granular scopes, never the broad transactions scope'),
  XERO_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),

  // Failure emails: smtp://user:pass@host:587 or smtps://…; none sent when unset (outside sandbox mode).
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Clio Xero Sync <no-reply@localhost>'),

  /** Bearer token for GET /metrics; without it metrics are open in sandbox mode and off in production. */
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{32,}$/, 'expected at least 32 printable characters without spaces (e.g. openssl rand -hex 32)')
    .optional(),

  /** 1 runs against the in-process emulators even when production settings are present. */
  SANDBOX: z.enum(['0', '1', 'true', 'false']).optional(),
  // Sandbox mode: both emulators run in-process on these ports.
  CLIO_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
  XERO_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8789),
  /** Sandbox mode's mail catcher (when SMTP_URL is unset): SMTP on this port, the caught messages at /_emulator/mail on the other. */
  MAIL_CATCHER_PORT: z.coerce.number().int().min(0).max(65535).default(8790),
  MAIL_CATCHER_VIEW_PORT: z.coerce.number().int().min(0).max(65535).default(8791),
});

export type Env = z.infer<typeof envSchema>;

export const CLIO_REGIONS = ['us', 'ca', 'eu', 'au'] as const;
export type ClioRegionCode = (typeof CLIO_REGIONS)[number];

export interface ClioRegionApp {
  clientId: string;
  clientSecret: string;
  /** e.g. https://app.clio.com; the API is under /api/v4. */
  baseUrl: string;
}

export interface XeroApp {
  clientId: string;
  clientSecret: string;
  webhookKey: string;
  loginUrl: string;
  identityUrl: string;
  apiUrl: string;
  scopes: string;
  timeoutMs: number;
  /** Xero's per-organisation minute window (XERO_RATE_WINDOW_MS). */
  rateWindowMs: number;
}

export interface Config extends Omit<Env, 'PUBLIC_URL'> {
  PUBLIC_URL: string;
  /** True on a fresh clone (no production setting at all) or with SANDBOX=1: the server runs against its own emulators. */
  sandbox: boolean;
  /** Only the regions that have an app configured; the install page offers these. */
  clio: Partial<Record<ClioRegionCode, ClioRegionApp>>;
  xero: XeroApp;
  /** Where failure emails go out (SMTP_URL; in sandbox mode, its mail catcher once started); null sends none. */
  smtpUrl: string | null;
}

/** What the emulators accept (test/emulators): public, non-secret sandbox values. */
export const SANDBOX = {
  clientId: 'sandbox',
  clientSecret: 'sandbox-secret',
  xeroWebhookKey: 'sandbox-webhook-key',
} as const;

function clioApps(e: Env, sandbox: boolean): Config['clio'] {
  if (sandbox) {
    const baseUrl = `http://127.0.0.1:${e.CLIO_EMULATOR_PORT}`;
    // The sandbox's Clio emulator is an Australian firm (test/emulators/start.ts, to match the AUD/GST
    // Xero organisations), so sign-in offers the region its host page names.
    return { au: { clientId: SANDBOX.clientId, clientSecret: SANDBOX.clientSecret, baseUrl } };
  }
  const pairs: Record<ClioRegionCode, [string | undefined, string | undefined, string]> = {
    us: [e.CLIO_CLIENT_ID, e.CLIO_CLIENT_SECRET, e.CLIO_US_BASE_URL],
    ca: [e.CLIO_CA_CLIENT_ID, e.CLIO_CA_CLIENT_SECRET, e.CLIO_CA_BASE_URL],
    eu: [e.CLIO_EU_CLIENT_ID, e.CLIO_EU_CLIENT_SECRET, e.CLIO_EU_BASE_URL],
    au: [e.CLIO_AU_CLIENT_ID, e.CLIO_AU_CLIENT_SECRET, e.CLIO_AU_BASE_URL],
  };
  const apps: Config['clio'] = {};
  for (const region of CLIO_REGIONS) {
    const [clientId, clientSecret, baseUrl] = pairs[region];
    if (!clientId) continue;
    const prefix = region === 'us' ? 'CLIO' : `CLIO_${region.toUpperCase()}`;
    if (!clientSecret) throw new ConfigError(`Invalid configuration: ${prefix}_CLIENT_SECRET is required when ${prefix}_CLIENT_ID is set`);
    apps[region] = { clientId, clientSecret, baseUrl };
  }
  return apps;
}

function xeroApp(e: Env, sandbox: boolean): XeroApp {
  const emulator = `http://127.0.0.1:${e.XERO_EMULATOR_PORT}`;
  return {
    clientId: sandbox ? SANDBOX.clientId : e.XERO_CLIENT_ID!,
    clientSecret: sandbox ? SANDBOX.clientSecret : e.XERO_CLIENT_SECRET!,
    webhookKey: sandbox ? SANDBOX.xeroWebhookKey : e.XERO_WEBHOOK_KEY!,
    loginUrl: sandbox ? emulator : e.XERO_LOGIN_URL,
    identityUrl: sandbox ? emulator : e.XERO_IDENTITY_URL,
    apiUrl: sandbox ? emulator : e.XERO_API_URL,
    scopes: e.XERO_SCOPES,
    timeoutMs: e.XERO_TIMEOUT_MS,
    rateWindowMs: e.XERO_RATE_WINDOW_MS,
  };
}

/**
 * Any of these means someone is setting up a real deployment: from then on nothing falls back to
 * sandbox on its own, and a missing companion stops the start (issue 8, finding 5).
 */
const PRODUCTION_SETTINGS = [
  'CLIO_CLIENT_ID',
  'CLIO_CLIENT_SECRET',
  ...CLIO_REGIONS.filter((r) => r !== 'us').flatMap((r) => [`CLIO_${r.toUpperCase()}_CLIENT_ID`, `CLIO_${r.toUpperCase()}_CLIENT_SECRET`]),
  'XERO_CLIENT_ID',
  'XERO_CLIENT_SECRET',
  'XERO_WEBHOOK_KEY',
  'SECRET_KEY',
  'DATABASE_URL',
] as const;

/**
 * What a production start cannot do without. SECRET_KEY is required because a key generated next
 * to the database cannot be shared by a second instance or survive a rebuilt container; without
 * XERO_WEBHOOK_KEY every Xero webhook would be refused; without DATABASE_URL the firms' data would
 * live in an embedded Postgres inside one container's disk (embedded is for sandbox and development).
 */
function missingForProduction(e: Env): string[] {
  const missing: string[] = [];
  const anyClio = CLIO_REGIONS.some((r) => (r === 'us' ? e.CLIO_CLIENT_ID : e[`CLIO_${r.toUpperCase()}_CLIENT_ID` as keyof Env]));
  if (!anyClio) missing.push('CLIO_CLIENT_ID');
  for (const name of ['XERO_CLIENT_ID', 'XERO_CLIENT_SECRET', 'XERO_WEBHOOK_KEY', 'SECRET_KEY', 'PUBLIC_URL', 'DATABASE_URL'] as const) if (!e[name]) missing.push(name);
  return missing;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or plain http on this machine (tests and a local production-like run). */
function isSafePublicUrl(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname));
}

// Values that may hold credentials are never echoed back in an error line.
const SECRET_NAMES = /SECRET|KEY|DATABASE_URL|SMTP_URL|TOKEN|PASSWORD/;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the environment once at start-up. Blank values count as unset so that
 * `FOO= npm start` behaves like leaving FOO out.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const got = present[name];
    const shown = got === undefined || SECRET_NAMES.test(name) ? '' : ` (got "${got}")`;
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}${shown}`);
  }
  const cfg = parsed.data;
  const sandbox = cfg.SANDBOX === '1' || cfg.SANDBOX === 'true' || !PRODUCTION_SETTINGS.some((name) => name in present);
  if (!sandbox) {
    const missing = missingForProduction(cfg);
    if (missing.length) {
      const given = PRODUCTION_SETTINGS.filter((name) => name in present).join(', ');
      throw new ConfigError(
        `Invalid configuration: production settings are present (${given}) but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing; set ${missing.length === 1 ? 'it' : 'them'}, or set SANDBOX=1 to run against the emulators`,
      );
    }
    if (!isSafePublicUrl(cfg.PUBLIC_URL!)) {
      throw new ConfigError('Invalid configuration: PUBLIC_URL must be an https URL outside sandbox (plain http only for localhost)');
    }
  }
  return Object.freeze({
    ...cfg,
    PUBLIC_URL: (cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`).replace(/\/$/, ''),
    sandbox,
    clio: clioApps(cfg, sandbox),
    xero: xeroApp(cfg, sandbox),
    smtpUrl: cfg.SMTP_URL ?? null,
  });
}
