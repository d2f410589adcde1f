import type { Session } from '../auth/session';
import type { Database } from '../db/database';
import { connectionStatus } from '../xero/connect-service';
import type { ConnectionView } from '../api-contract';
import type { Me } from '../api-contract';

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
  return {
    user: { name: row.userName, email: row.email, isAdmin: row.is_admin },
    firm: { name: row.firmName, clioRegion: row.clio_region },
    xero: await connectionStatus(db, session.firmId),
  };
}
