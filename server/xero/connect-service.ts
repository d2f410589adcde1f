import type { Session } from '../auth/session';
import type { Database } from '../db/database';
import { cancelQueuedFirmJobs, enqueueMatchContacts, enqueueSyncFirm } from '../jobs/enqueue';
import {
  confirmPendingTenant,
  consumeOAuthState,
  createOAuthState,
  findXeroConnection,
  listPendingTenants,
  pendingOAuthState,
  markDisconnected,
  saveConsent,
} from './connections-repository';
import { openXeroForFirm } from './client';
import { refreshXeroCurrencies } from './currencies';
import { XeroApiError, XeroNotConnectedError, XeroOAuthError } from './errors';
import { authEventIdOf, authorizeUrl, deleteTenantConnection, exchangeCode, listTenantConnections } from './oauth';
import { createCodeVerifier, createOAuthState as newState } from './pkce';
import type { XeroDeps } from './deps';
import { accessTokenFor } from './tokens';
import type { ConnectionView } from '../api-contract';

export type XeroServiceDeps = XeroDeps;

const STATE_TTL_MS = 10 * 60_000;

export const callbackPath = '/oauth/xero/callback';
/**
 * Our own first hop, posted as a form with the session that asked (issue 15), top-level or into
 * the framed page's popup, so the flow is bound to that session and that browser before Xero's page.
 */
export const startPath = '/oauth/xero/start';
export const redirectUri = (deps: Pick<XeroDeps, 'config'>) => `${deps.config.PUBLIC_URL}${callbackPath}`;

export async function startConnect(deps: XeroServiceDeps, session: Session, now = new Date()): Promise<string> {
  const state = newState();
  const codeVerifier = createCodeVerifier();
  await createOAuthState(deps.db, deps.secrets, {
    state,
    firmId: session.firmId,
    userId: session.userId,
    codeVerifier,
    expiresAt: new Date(now.getTime() + STATE_TTL_MS),
  });
  return `${deps.config.PUBLIC_URL}${startPath}?${new URLSearchParams({ state })}`;
}

/**
 * Xero's authorize URL for a state still waiting. Refused when it expired or was used, and when
 * `session` is not the one that started it: the start link alone is worth nothing (issue 15).
 */
export async function authorizeUrlFor(
  deps: XeroServiceDeps,
  state: string,
  session: Session,
  now = new Date(),
): Promise<{ url: string } | { refused: 'state_unknown' | 'state_expired' }> {
  const pending = await pendingOAuthState(deps.db, deps.secrets, state, now);
  if (!pending) return { refused: 'state_expired' };
  if (pending.firmId !== session.firmId || pending.userId !== session.userId || !session.isAdmin) return { refused: 'state_unknown' };
  return { url: authorizeUrl(deps.config.xero, { redirectUri: redirectUri(deps), state, codeVerifier: pending.codeVerifier }) };
}

/**
 * Where the browser goes after the callback; codes the settings page turns into plain words. No
 * outcome carries a session: the page that started the flow still holds its own, and choosing the
 * organisation needs it.
 */
export type CallbackOutcome = { kind: 'choose' } | { kind: 'error'; code: CallbackErrorCode };

export type CallbackErrorCode =
  'state_unknown' | 'state_expired' | 'state_used' | 'access_denied' | 'consent_failed' | 'code_rejected' | 'no_organisation' | 'xero_unavailable';

export async function handleCallback(deps: XeroServiceDeps, query: { state?: string; code?: string; error?: string }, now = new Date()): Promise<CallbackOutcome> {
  if (!query.state) return { kind: 'error', code: 'state_unknown' };
  const consumed = await consumeOAuthState(deps.db, deps.secrets, query.state, now);
  if (!consumed.ok) return { kind: 'error', code: consumed.reason };
  if (query.error) return { kind: 'error', code: query.error === 'access_denied' ? 'access_denied' : 'consent_failed' };
  if (!query.code) return { kind: 'error', code: 'consent_failed' };

  try {
    const tokens = await exchangeCode(deps.config.xero, { code: query.code, redirectUri: redirectUri(deps), codeVerifier: consumed.codeVerifier }, now);
    const candidates = await listTenantConnections(deps.config.xero, tokens.accessToken, authEventIdOf(tokens.accessToken));
    if (!candidates.length) return { kind: 'error', code: 'no_organisation' };
    await saveConsent(deps.db, deps.secrets, consumed, tokens, candidates, now);
    deps.logger.info({ firmId: consumed.firmId, candidates: candidates.length }, 'xero consent stored; waiting for organisation choice');
    return { kind: 'choose' };
  } catch (err) {
    if (err instanceof XeroOAuthError) {
      deps.logger.warn({ firmId: consumed.firmId, code: err.code }, 'xero refused the authorisation code');
      return { kind: 'error', code: 'code_rejected' };
    }
    if (err instanceof XeroApiError) {
      deps.logger.warn({ firmId: consumed.firmId, kind: err.kind, status: err.status }, 'xero unavailable during connect');
      return { kind: 'error', code: 'xero_unavailable' };
    }
    throw err;
  }
}

export async function pendingOrganisations(db: Database, session: Pick<Session, 'firmId' | 'userId'>) {
  const rows = await listPendingTenants(db, session.firmId, session.userId);
  return rows.map((r) => ({ tenantId: r.tenant_id, tenantName: r.tenant_name }));
}

/**
 * Links the chosen organisation, then lets go at Xero of the others this consent connected, so
 * we hold no access we do not use. Returns undefined when the tenant was not offered to this firm.
 */
export async function confirmOrganisation(deps: XeroServiceDeps, chooser: Pick<Session, 'firmId' | 'userId'>, tenantId: string) {
  const { firmId } = chooser;
  const confirmed = await confirmPendingTenant(deps.db, chooser, tenantId);
  if (!confirmed) return undefined;
  if (confirmed.others.length) {
    const row = await findXeroConnection(deps.db, firmId);
    const access = row ? await accessTokenFor(deps, row) : undefined;
    for (const other of confirmed.others) {
      try {
        if (access) await deleteTenantConnection(deps.config.xero, access.token, other.xero_connection_id);
      } catch (err) {
        // The link already works; an extra connection left at Xero is logged for the operator.
        deps.logger.warn({ firmId, connectionId: other.xero_connection_id, err: { message: (err as Error).message } }, 'could not disconnect unchosen xero organisation');
      }
    }
  }
  // Certification: the organisation's currencies are checked on connect, and kept with the connection.
  await openXeroForFirm(deps, firmId)
    .then((xero) => refreshXeroCurrencies(deps.db, xero))
    .catch((err: unknown) =>
      deps.logger.warn({ firmId, err: { message: (err as Error).message } }, 'xero currencies not read on connect; bills read them when they need them'),
    );
  // Matching goes first on the firm's serial queue: the sync must find existing Xero contacts linked, not create namesakes.
  await enqueueMatchContacts(deps.jobs, { firmId });
  await enqueueSyncFirm(deps.jobs, { firmId, reason: 'connect' });
  deps.logger.info({ firmId, tenantId }, 'xero organisation confirmed');
  return { tenantId: confirmed.chosen.tenant_id, tenantName: confirmed.chosen.tenant_name };
}

export async function connectionStatus(db: Database, firmId: string): Promise<ConnectionView> {
  const row = await findXeroConnection(db, firmId);
  if (!row || row.status === 'disconnected' || !row.refresh_token_enc) return { status: 'not_connected', tenantName: row?.tenant_name ?? null };
  if (row.status === 'needs_reconnect') {
    return { status: 'needs_reconnect', tenantName: row.tenant_name, ...(row.status_reason ? { reason: row.status_reason } : {}) };
  }
  if (!row.xero_tenant_id) return { status: 'pending_choice', tenantName: null };
  return { status: 'active', tenantName: row.tenant_name };
}

/**
 * Disconnect as certification X5 asks: remove the connection at Xero, forget the tokens, and
 * drop the firm's queued work. The local side is cleared even when Xero cannot be reached (or
 * the token is already dead), since the user asked us to stop.
 */
export async function disconnect(deps: XeroServiceDeps, firmId: string): Promise<{ removedAtXero: boolean }> {
  const row = await findXeroConnection(deps.db, firmId);
  let removedAtXero = false;
  if (row?.xero_connection_id && row.status === 'active' && row.access_token_enc) {
    try {
      const access = await accessTokenFor(deps, row);
      await deleteTenantConnection(deps.config.xero, access.token, row.xero_connection_id);
      removedAtXero = true;
    } catch (err) {
      if (!(err instanceof XeroApiError || err instanceof XeroNotConnectedError)) throw err;
      deps.logger.warn({ firmId, err: { name: err.name, message: err.message } }, 'xero disconnect call failed; clearing locally');
    }
  }
  await markDisconnected(deps.db, firmId);
  const removedJobs = await cancelQueuedFirmJobs(deps.db, firmId);
  deps.logger.info({ firmId, removedAtXero, removedJobs }, 'xero disconnected');
  return { removedAtXero };
}
