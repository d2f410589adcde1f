import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'expected 32 bytes encoded as base64');

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
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Omit<Env, 'PUBLIC_URL'> {
  PUBLIC_URL: string;
}

// Values that may hold credentials are never echoed back in an error line.
const SECRET_NAMES = /SECRET|KEY|DATABASE_URL|TOKEN|PASSWORD/;

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
  return Object.freeze({
    ...cfg,
    PUBLIC_URL: (cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`).replace(/\/$/, ''),
  });
}
