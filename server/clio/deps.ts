import type { Config } from '../config';
import type { SecretBox } from '../crypto/secrets';
import type { Database } from '../db/database';
import type { Logger } from '../log';

/** What the Clio services need; a subset of the app's deps, so jobs can hand it over too. */
export interface ClioDeps {
  config: Config;
  db: Database;
  secrets: SecretBox;
  logger: Logger;
}
