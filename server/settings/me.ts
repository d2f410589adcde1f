import type { Session } from '../auth/session';
import type { Database } from '../db/database';

export type XeroConnectionSummary =
  | { status: 'not_connected' }
  | { status: 'pending_choice' | 'active' | 'needs_reconnect'; tenantName: string | null; reason: string | null };

export interface Me {
  user: { name: string; email: string | null; isAdmin: boolean };
  firm: { name: string; clioRegion: string };
  xero: XeroConnectionSummary;
}

/** Who is signed in and where their firm stands, for the page header and the connection panel. */
export async function loadMe(db: Database, session: Session): Promise<Me | undefined> {
  const row = await db
    .selectFrom('users')
    .innerJoin('firms', 'firms.id', 'users.firm_id')
    .select(['users.name as userName', 'users.email', 'users.is_admin', 'firms.name as firmName', 'firms.clio_region'])
    .where('users.id', '=', session.userId)
    .where('users.firm_id', '=', session.firmId)
    .executeTakeFirst();
  if (!row) return undefined;
  const xero = await db
    .selectFrom('connections')
    .select(['status', 'tenant_name', 'xero_tenant_id', 'status_reason', 'refresh_token_enc'])
    .where('firm_id', '=', session.firmId)
    .where('provider', '=', 'xero')
    .executeTakeFirst();
  return {
    user: { name: row.userName, email: row.email, isAdmin: row.is_admin },
    firm: { name: row.firmName, clioRegion: row.clio_region },
    xero: summarise(xero),
  };
}

function summarise(
  row:
    | { status: string; tenant_name: string | null; xero_tenant_id: string | null; status_reason: string | null; refresh_token_enc: string | null }
    | undefined,
): XeroConnectionSummary {
  // The same reading of the row as openXeroForFirm, so the page and the sync agree.
  if (!row || row.status === 'disconnected' || !row.refresh_token_enc) return { status: 'not_connected' };
  const status = row.status === 'needs_reconnect' ? 'needs_reconnect' : row.xero_tenant_id ? 'active' : 'pending_choice';
  return { status, tenantName: row.tenant_name, reason: row.status_reason };
}
