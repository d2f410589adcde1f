import { markNeedsReconnect } from '../connections/repository';
import { recordSecurityEvent } from '../security/events';
import { XeroOrgClient } from './client';
import { refreshXeroCurrencies } from './currencies';
import { XeroApiError, XeroNotConnectedError } from './errors';
import { listTenantConnections } from './oauth';
import { accessTokenFor, RECONNECT_REASON, type XeroTokenDeps } from './tokens';

export type ConnectionCheck = 'ok' | 'lost' | 'unreachable';

/**
 * Once a day for every active Xero connection (certification.md §5): a light call, GET
 * /connections, tells whether Xero still connects us to the firm's organisation, so a connection
 * revoked in Xero is noticed within a day without anyone opening the page. Getting the token for
 * it is the keep-alive: an idle connection's access token has long expired, so the check rotates
 * the refresh token and its 60 days start again. A connection found gone is marked needs_reconnect
 * once (only an active row changes) and the security log says so once; the settings page shows it.
 */
export async function checkXeroConnections(deps: XeroTokenDeps): Promise<Record<ConnectionCheck, number>> {
  const rows = await deps.db
    .selectFrom('connections')
    .innerJoin('firms', 'firms.id', 'connections.firm_id')
    .selectAll('connections')
    .where('connections.provider', '=', 'xero')
    .where('connections.status', '=', 'active')
    .where('connections.xero_tenant_id', 'is not', null)
    .where('firms.status', '=', 'active')
    .execute();
  const counts: Record<ConnectionCheck, number> = { ok: 0, lost: 0, unreachable: 0 };
  for (const row of rows) {
    const outcome = await checkOne(deps, row).catch((err: unknown) => {
      deps.logger.warn({ firmId: row.firm_id, err: { name: (err as Error).name, message: (err as Error).message } }, 'xero daily check failed; tried again tomorrow');
      return 'unreachable' as const;
    });
    counts[outcome]++;
  }
  deps.logger.info(counts, 'xero connections checked');
  return counts;
}

async function checkOne(deps: XeroTokenDeps, row: Parameters<typeof accessTokenFor>[1]): Promise<ConnectionCheck> {
  let token;
  try {
    token = await accessTokenFor(deps, row);
  } catch (err) {
    // invalid_grant: accessTokenFor has marked the row already.
    if (err instanceof XeroNotConnectedError) return lost(deps, row.firm_id, row.id, 'refresh refused');
    throw err;
  }
  try {
    const reached = await listTenantConnections(deps.config.xero, token.token);
    if (reached.some((c) => c.tenantId.toLowerCase() === row.xero_tenant_id!.toLowerCase())) {
      // Certification asks for the currencies on connect; the daily check keeps them current.
      await refreshXeroCurrencies(deps.db, new XeroOrgClient(deps, { ...row, xero_tenant_id: row.xero_tenant_id! })).catch((err: unknown) =>
        deps.logger.warn({ firmId: row.firm_id, err: { message: (err as Error).message } }, 'xero currencies not read; bills read them when they need them'),
      );
      return 'ok';
    }
  } catch (err) {
    if (!(err instanceof XeroApiError && err.status === 401)) throw err;
  }
  await markNeedsReconnect(deps.db, row.id, RECONNECT_REASON);
  return lost(deps, row.firm_id, row.id, 'organisation no longer connected');
}

async function lost(deps: XeroTokenDeps, firmId: string, connectionId: string, why: string): Promise<'lost'> {
  deps.logger.warn({ firmId, connectionId, why }, 'xero connection lost; the admin must reconnect');
  await recordSecurityEvent(deps.db, { event: 'xero_connection_lost', firmId, actor: 'xero', detail: { why } });
  return 'lost';
}
