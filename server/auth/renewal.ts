import { liveClioConnection } from '../clio/connections-repository';
import type { ClioDeps } from '../clio/deps';
import { currentClioAdmin } from '../clio/users';
import { getUser, sessionStanding, setUserAdmin } from '../firms/repository';
import type { Session, SessionIssuer } from './session';

/** The session cannot go on: the firm uninstalled, the user is gone, or Clio no longer honours their grant. */
export class SessionEndedError extends Error {
  override name = 'SessionEndedError';
}

/**
 * A fresh token for a session still entitled to one. The user must hold a live Clio grant (a
 * deauthorized user's row stays, their grant does not), the session must not have been ended since
 * it signed in, and once the admin flag is a few minutes old Clio is asked again, so a demoted
 * administrator's session ends within one renewal. The sign-in
 * time is carried over: the issuer refuses the token once it is older than the maximum age.
 */
export async function renewSession(deps: ClioDeps & { sessions: SessionIssuer }, session: Session, nowMs = Date.now()): Promise<string> {
  const { firmId, userId } = session;
  const [user, standing, connection] = await Promise.all([
    getUser(deps.db, firmId, userId),
    sessionStanding(deps.db, session),
    liveClioConnection(deps.db, firmId, userId),
  ]);
  if (!user || standing !== 'ok' || !connection) throw new SessionEndedError('no live Clio grant for this user');

  const now = Math.floor(nowMs / 1000);
  let isAdmin = user.is_admin;
  let adminCheckedAt = session.adminCheckedAt;
  if (now - session.adminCheckedAt >= deps.config.ADMIN_RECHECK_SECONDS) {
    const fromClio = await currentClioAdmin(deps, connection);
    if (fromClio === undefined) throw new SessionEndedError('Clio no longer honours this grant');
    if (fromClio !== user.is_admin) {
      await setUserAdmin(deps.db, userId, fromClio);
      deps.logger.info({ firmId, userId, isAdmin: fromClio }, 'admin flag changed in Clio');
      // A demotion ends the session (setUserAdmin recorded when): the user signs in again, as who they now are.
      if (!fromClio) throw new SessionEndedError('no longer an administrator');
    }
    isAdmin = fromClio;
    adminCheckedAt = now;
  }
  return deps.sessions.issue({ firmId, userId, isAdmin, signedInAt: session.signedInAt, adminCheckedAt });
}
