import { processPacer } from './pacing';
import { sql } from 'kysely';
import { markNeedsReconnect } from '../connections/repository';
import type { Database } from '../db/database';
import { ClioClient, type ClioTokenSource } from './client';
import { type ClioConnection, firmClioConnection, getClioConnection, sealTokens, tokenContext } from './connections-repository';
import type { ClioDeps } from './deps';
import { ClioNotConnectedError, ClioOAuthError } from './errors';
import { refreshTokens } from './oauth';
import { countedRefresh } from '../metrics/registry';

/** Refresh this long before Clio's stated expiry, so a token never dies mid-request. */
const REFRESH_MARGIN_MS = 5 * 60_000;

type TokenRow = { access_token_enc: string | null; refresh_token_enc: string | null; access_expires_at: Date | null; status: string };

const RECONNECT_REASON = 'Clio refused the refresh token; the user must install again.';

function tokenRow(db: Database, connectionId: string) {
  return db
    .selectFrom('connections')
    .select(['access_token_enc', 'refresh_token_enc', 'access_expires_at', 'status'])
    .where('id', '=', connectionId)
    .where('provider', '=', 'clio');
}

const fresh = (row: TokenRow, now: Date) =>
  row.access_token_enc !== null && row.access_expires_at !== null && row.access_expires_at.getTime() - REFRESH_MARGIN_MS > now.getTime();

/**
 * Tokens of one stored connection. Refreshes take a row lock, so two processes (or two jobs) that
 * find the token expiring refresh once; the second sees the first's result. `force` is for a token
 * Clio rejected before its stated expiry: refreshed unless someone already replaced it.
 */
export function connectionTokens(deps: ClioDeps, connection: ClioConnection): ClioTokenSource {
  const open = (row: TokenRow) => deps.secrets.open(row.access_token_enc!, tokenContext(connection.id, 'access'));

  /** A connection Clio refused is not retried: its refresh token is dead until the user installs again. */
  const blocked = (row: TokenRow) => (row.status === 'needs_reconnect' ? new ClioNotConnectedError('Clio revoked this connection; install the add-on again') : undefined);

  // The invalid_grant outcome is returned, not thrown, so needs_reconnect commits before the caller hears of it.
  const refresh = async (rejected?: string): Promise<string> => {
    const outcome = await deps.db.transaction().execute(async (trx): Promise<{ token: string } | { error: Error }> => {
      const row = await tokenRow(trx, connection.id).forUpdate().executeTakeFirst();
      if (!row?.refresh_token_enc) return { error: new ClioNotConnectedError('Clio is not connected for this user') };
      const dead = blocked(row);
      if (dead) return { error: dead };
      const now = new Date();
      if (rejected === undefined ? fresh(row, now) : row.access_token_enc && open(row) !== rejected) return { token: open(row) };
      const app = deps.config.clio[connection.region];
      if (!app) return { error: new ClioNotConnectedError(`the Clio ${connection.region.toUpperCase()} app is not configured`) };
      const refreshToken = deps.secrets.open(row.refresh_token_enc, tokenContext(connection.id, 'refresh'));
      try {
        const tokens = await countedRefresh('clio', refreshTokens(app, refreshToken));
        await trx
          .updateTable('connections')
          .set({ ...sealTokens(deps.secrets, connection.id, tokens, now), updated_at: sql`now()` })
          .where('id', '=', connection.id)
          .execute();
        deps.logger.info({ connectionId: connection.id, firmId: connection.firmId }, 'clio token refreshed');
        return { token: tokens.access_token };
      } catch (err) {
        if (err instanceof ClioOAuthError && err.kind === 'invalid_grant') {
          await markNeedsReconnect(trx, connection.id, RECONNECT_REASON);
          deps.logger.warn({ connectionId: connection.id, firmId: connection.firmId }, 'clio refresh refused; needs reconnect');
          return { error: new ClioNotConnectedError('Clio revoked this connection') };
        }
        throw err;
      }
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.token;
  };

  return {
    key: connection.id,
    async accessToken() {
      const row = await tokenRow(deps.db, connection.id).executeTakeFirst();
      if (!row) throw new ClioNotConnectedError('Clio is not connected for this user');
      const dead = blocked(row);
      if (dead) throw dead;
      return fresh(row, new Date()) ? open(row) : refresh();
    },
    renew: (rejected) => refresh(rejected),
  };
}

export function clientForConnection(deps: ClioDeps, connection: ClioConnection): ClioClient {
  const app = deps.config.clio[connection.region];
  if (!app) throw new ClioNotConnectedError(`the Clio ${connection.region.toUpperCase()} app is not configured`);
  return new ClioClient({ baseUrl: app.baseUrl, tokens: connectionTokens(deps, connection), pacer: processPacer(deps.config.CLIO_RATE_WINDOW_MS) });
}

/**
 * A Clio client acting as `userId`, or, without one, as the firm's best connection (an admin's).
 * Throws ClioNotConnectedError when there is none.
 */
export async function openClioForUser(deps: ClioDeps, firmId: string, userId?: string): Promise<ClioClient> {
  const connection = userId ? await getClioConnection(deps.db, firmId, userId) : await firmClioConnection(deps.db, firmId);
  if (!connection) throw new ClioNotConnectedError('Clio is not connected for this firm');
  return clientForConnection(deps, connection);
}
