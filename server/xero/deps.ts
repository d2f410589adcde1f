import type { SessionIssuer } from '../auth/session';
import type { Config } from '../config';
import type { SecretBox } from '../crypto/secrets';
import type { Database } from '../db/database';
import type { JobAdder } from '../jobs/enqueue';
import type { Logger } from '../log';

/**
 * What the Xero services need; a subset of the app's deps (the HTTP layer's AppDeps satisfies
 * it), so the services do not depend on the HTTP layer and jobs can hand it over too.
 */
export interface XeroDeps {
  config: Config;
  db: Database;
  secrets: SecretBox;
  logger: Logger;
  /** Issues the session token handed back after a successful Xero consent. */
  sessions: SessionIssuer;
  jobs: JobAdder;
}
