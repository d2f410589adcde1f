import type { Config } from '../config';
import type { SecretBox } from '../crypto/secrets';
import type { Database } from '../db/database';
import type { Connection } from '../db/schema';
import type { Logger } from '../log';
import { markNeedsReconnect } from '../connections/repository';
import { lockXeroConnection, storeRotatedTokens, tokenContext } from './connections-repository';
import { XeroApiError, XeroNotConnectedError, XeroOAuthError } from './errors';
import { refreshTokenSet } from './oauth';
import { countedRefresh } from '../metrics/registry';

/** Refresh this long before expiry, so a token never dies in the middle of a sync batch. */
const REFRESH_MARGIN_MS = 60_000;

export interface XeroTokenDeps {
  config: Pick<Config, 'xero'>;
  db: Database;
  secrets: SecretBox;
  logger: Logger;
  now?: () => Date;
}

export interface AccessToken {
  token: string;
  /** The sealed value it came from: lets a caller say "this one was refused" without holding plaintext twice. */
  sealed: string;
}

export const RECONNECT_REASON = 'Xero no longer accepts our connection (it was disconnected or revoked in Xero). Connect to Xero again.';

function usable(row: Connection, now: Date): row is Connection & { access_token_enc: string; access_expires_at: Date } {
  return !!row.access_token_enc && !!row.access_expires_at && row.access_expires_at.getTime() - REFRESH_MARGIN_MS > now.getTime();
}

function notActive(row: Connection): XeroNotConnectedError | undefined {
  if (row.status === 'needs_reconnect') return new XeroNotConnectedError(row.firm_id, 'needs_reconnect', row.status_reason ?? RECONNECT_REASON);
  if (row.status !== 'active' || !row.refresh_token_enc) return new XeroNotConnectedError(row.firm_id, 'not_connected');
  return undefined;
}

/**
 * A live access token for the connection. Refresh tokens are single-use, so rotation happens
 * under a row lock, re-reads the row after taking it (another process may have rotated already),
 * and commits the new pair before anyone uses it. `refused` names a token Xero just rejected,
 * which forces a rotation unless someone else already replaced it.
 */
export async function accessTokenFor(deps: XeroTokenDeps, row: Connection, refused?: AccessToken): Promise<AccessToken> {
  const now = deps.now?.() ?? new Date();
  const blocked = notActive(row);
  if (blocked) throw blocked;
  if (!refused && usable(row, now)) {
    return { token: deps.secrets.open(row.access_token_enc, tokenContext(row.id, 'access')), sealed: row.access_token_enc };
  }

  type Outcome = { error: XeroNotConnectedError | XeroApiError } | { token: AccessToken };
  const outcome = await deps.db.transaction().execute(async (trx): Promise<Outcome> => {
    const locked = await lockXeroConnection(trx, row.id);
    if (!locked) return { error: new XeroNotConnectedError(row.firm_id, 'not_connected') };
    const lockedBlocked = notActive(locked);
    if (lockedBlocked) return { error: lockedBlocked };
    const rotatedMeanwhile = refused ? locked.access_token_enc !== refused.sealed : true;
    if (rotatedMeanwhile && usable(locked, now)) {
      return { token: { token: deps.secrets.open(locked.access_token_enc, tokenContext(locked.id, 'access')), sealed: locked.access_token_enc } };
    }

    const refreshToken = deps.secrets.open(locked.refresh_token_enc!, tokenContext(locked.id, 'refresh'));
    try {
      const tokens = await countedRefresh('xero', refreshTokenSet(deps.config.xero, refreshToken, now));
      const sealed = await storeRotatedTokens(trx, deps.secrets, locked.id, tokens, now);
      deps.logger.info({ firmId: locked.firm_id, connectionId: locked.id }, 'xero tokens rotated');
      return { token: { token: tokens.accessToken, sealed } };
    } catch (err) {
      if (!(err instanceof XeroOAuthError)) throw err;
      if (err.code !== 'invalid_grant') {
        // invalid_client and the like say our app is misconfigured, not that this firm's grant is
        // dead: asking every firm to reconnect would not help. The connection stays; the caller retries.
        deps.logger.error(
          { firmId: locked.firm_id, connectionId: locked.id, code: err.code },
          'xero refused our refresh request; check XERO_CLIENT_ID and XERO_CLIENT_SECRET',
        );
        return {
          error: new XeroApiError({
            kind: 'other',
            status: err.status,
            message: `Xero's sign-in service refused our refresh request (${err.code}); it will be tried again.`,
          }),
        };
      }
      // invalid_grant: the refresh token is dead (revoked in Xero, or idle for 60 days).
      await markNeedsReconnect(trx, locked.id, RECONNECT_REASON);
      deps.logger.warn({ firmId: locked.firm_id, connectionId: locked.id, code: err.code }, 'xero refresh refused; needs reconnect');
      return { error: new XeroNotConnectedError(locked.firm_id, 'needs_reconnect', RECONNECT_REASON) };
    }
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.token;
}
