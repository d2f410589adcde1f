import { CLIO_REGIONS } from '../config';
import { endUserSessions, markFirmUninstalled } from '../firms/repository';
import { cancelQueuedFirmJobs } from '../jobs/enqueue';
import { type ClioConnection, deleteClioConnection, findConnectionsByClioUser, firmClioConnection, listFirmClioConnections } from './connections-repository';
import type { ClioDeps } from './deps';
import { ClioApiError, ClioNotConnectedError } from './errors';
import { WHO_AM_I_FIELDS } from './install';
import { revokeToken } from './oauth';
import { clientForConnection, connectionTokens } from './tokens';
import { listFirmSubscriptions } from './webhook-subscriptions';
import { ensureFirmWebhooks, removeWebhooks } from './webhooks';

/**
 * Takes connections away. The webhooks they own are deleted at Clio while a token still works;
 * when the firm is left with no Clio connection it is uninstalled (its jobs stop), otherwise
 * another user's token takes over the webhooks.
 */
async function removeConnections(deps: ClioDeps, firmId: string, gone: ClioConnection[]): Promise<boolean> {
  const all = await listFirmClioConnections(deps.db, firmId);
  const goneIds = new Set(gone.map((c) => c.id));
  const remaining = all.filter((c) => !goneIds.has(c.id));
  const subs = await listFirmSubscriptions(deps.db, firmId);
  await removeWebhooks(deps, remaining.length === 0 ? subs : subs.filter((s) => s.connectionId && goneIds.has(s.connectionId)), all);
  for (const c of gone) {
    await deleteClioConnection(deps.db, c.id);
    await endUserSessions(deps.db, c.userId);
  }

  if (remaining.length === 0) {
    const cancelled = await cancelQueuedFirmJobs(deps.db, firmId);
    await markFirmUninstalled(deps.db, firmId);
    deps.logger.info({ firmId, cancelledJobs: cancelled }, 'clio firm uninstalled');
    return true;
  }
  const heir = await firmClioConnection(deps.db, firmId);
  if (heir) {
    await ensureFirmWebhooks(deps, heir).catch((err: Error) => deps.logger.warn({ firmId, reason: err.message }, 'clio webhooks could not move to another user'));
  }
  return false;
}

/** The in-app "Disconnect Clio": revokes every grant of the firm at Clio and uninstalls it. */
export async function disconnectFirm(deps: ClioDeps, firmId: string): Promise<void> {
  const connections = await listFirmClioConnections(deps.db, firmId);
  // Webhooks first: deleting them needs the tokens that are about to be revoked.
  await removeWebhooks(deps, await listFirmSubscriptions(deps.db, firmId), connections);
  for (const c of connections) {
    const app = deps.config.clio[c.region];
    try {
      if (app) await revokeToken(app, await connectionTokens(deps, c).accessToken());
    } catch (err) {
      if (!(err instanceof ClioApiError || err instanceof ClioNotConnectedError)) throw err;
      deps.logger.info({ firmId, connectionId: c.id, reason: err.message }, 'clio grant not revoked at Clio');
    }
  }
  await removeConnections(deps, firmId, connections);
}

/** What a deauthorization callback changed: grants removed, and the firms left with none (now uninstalled). */
export interface DeauthorizationResult {
  /** Each grant taken away: whose, in which firm. */
  removed: { firmId: string; userId: string }[];
  uninstalledFirmIds: string[];
}

/**
 * Clio's deauthorization callback carries no signature, so it is never believed on its word: the
 * client id must be ours, and each named grant is tried against Clio. Only grants Clio no longer
 * honours are removed; a forged call for a live grant changes nothing.
 */
export async function handleDeauthorization(deps: ClioDeps, p: { clientId: string; clioUserId: string }, now = Date.now()): Promise<DeauthorizationResult> {
  const regions = CLIO_REGIONS.filter((r) => deps.config.clio[r]?.clientId === p.clientId);
  const probes = probesOf(deps, now);
  const removed: DeauthorizationResult['removed'] = [];
  const uninstalledFirmIds: string[] = [];
  for (const region of regions) {
    for (const connection of await findConnectionsByClioUser(deps.db, { clioUserId: p.clioUserId, region })) {
      // The endpoint is unauthenticated: a flood of calls must not become a flood of Clio requests.
      if (probes.has(connection.id)) continue;
      const grant = await grantStanding(deps, connection);
      if (grant === 'works') {
        probes.set(connection.id, now);
        deps.logger.warn({ firmId: connection.firmId, connectionId: connection.id }, 'clio deauthorization ignored: the grant still works');
        continue;
      }
      // Clio could not say: the grant stays (its next use finds out), and the caller hears the same
      // 204 as for a user we never heard of; a 502 here told outsiders who is installed (issue 15).
      if (grant === 'unknown') {
        deps.logger.warn({ firmId: connection.firmId, connectionId: connection.id }, 'clio deauthorization not checked: Clio did not answer');
        continue;
      }
      if (await removeConnections(deps, connection.firmId, [connection])) uninstalledFirmIds.push(connection.firmId);
      removed.push({ firmId: connection.firmId, userId: connection.userId });
    }
  }
  return { removed, uninstalledFirmIds };
}

/**
 * Connections whose grant was found working by a deauthorization probe, and when. Another callback
 * for them within the window is answered without asking Clio. Per process and in memory: the worst
 * a restart or a second instance costs is one more probe. A grant revoked inside the window is still
 * caught: the next API call gets invalid_grant and marks the connection needs_reconnect.
 */
export const DEAUTH_PROBE_WINDOW_MS = 5 * 60_000;
const recentProbes = new WeakMap<object, Map<string, number>>();

function probesOf(deps: ClioDeps, now: number): Map<string, number> {
  let probes = recentProbes.get(deps.db);
  if (!probes) recentProbes.set(deps.db, (probes = new Map()));
  for (const [id, at] of probes) if (now - at >= DEAUTH_PROBE_WINDOW_MS) probes.delete(id);
  return probes;
}

/** Forgets remembered probes, as if the window had passed (tests). */
export function forgetDeauthorizationProbes(deps: ClioDeps): void {
  recentProbes.delete(deps.db);
}

async function grantStanding(deps: ClioDeps, connection: ClioConnection): Promise<'works' | 'gone' | 'unknown'> {
  try {
    await clientForConnection(deps, connection).get('/users/who_am_i.json', { fields: WHO_AM_I_FIELDS });
    return 'works';
  } catch (err) {
    if (err instanceof ClioNotConnectedError) return 'gone';
    if (err instanceof ClioApiError) return err.status === 401 ? 'gone' : 'unknown';
    throw err;
  }
}
