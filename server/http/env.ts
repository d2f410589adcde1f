import type { RequestIdVariables } from 'hono/request-id';
import type { Session, SessionIssuer } from '../auth/session';
import type { Config } from '../config';
import type { SecretBox } from '../crypto/secrets';
import type { JobRunner } from '../jobs/runner';
import type { Database } from '../db/database';
import type { Logger } from '../log';
import type { SyncEngine } from '../sync/engine';

/** What the composition root hands to the HTTP layer; routes reach services only through this. */
export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  secrets: SecretBox;
  sessions: SessionIssuer;
  jobs: Pick<JobRunner, 'addJob'>;
  readiness: () => Promise<ReadinessReport>;
  /** The dry run; syncs themselves go through jobs. */
  engine: Pick<SyncEngine, 'preview' | 'resolveConflict'>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; reason?: string }>;
}

export type AppEnv = { Variables: RequestIdVariables & { session: Session } };
