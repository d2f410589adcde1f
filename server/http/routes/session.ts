import { type Context, Hono } from 'hono';
import type { Session } from '../../auth/session';
import { clearSessionCookie, sessionCookie, setSessionCookie } from '../session-cookie';
import { renewSession, SessionEndedError } from '../../auth/renewal';
import { requireSession } from '../session';
import { ApiError } from '../errors';
import type { AppDeps, AppEnv } from '../env';

/**
 * The UI renews its short-lived token while the page stays open; auth/renewal.ts decides whether
 * the session may go on (a live Clio grant, the admin flag as Clio states it, the maximum age).
 */
export function sessionRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const renewed = async (c: Context<AppEnv>, session: Session) => {
    try {
      const token = await renewSession(deps, session);
      setSessionCookie(c, token, session, deps.sessions);
      return c.json({ token, expiresInSeconds: deps.sessions.ttlSeconds });
    } catch (err) {
      if (!(err instanceof SessionEndedError)) throw err;
      clearSessionCookie(c);
      throw new ApiError('UNAUTHORIZED', 'You are no longer signed in to this firm. Open the add-on from Clio again.');
    }
  };

  app.post('/api/session/renew', requireSession(deps.sessions), (c) => renewed(c, c.get('session')));

  /** Keeps the token just handed to the page (sign-in, custom action) in the cookie a reloaded frame resumes from. */
  app.post('/api/session/cookie', requireSession(deps.sessions), (c) => {
    setSessionCookie(c, c.req.header('authorization')!.replace(/^Bearer /i, ''), c.get('session'), deps.sessions);
    return c.body(null, 204);
  });

  /**
   * A page that lost its token (a framed page reloaded: no storage there) gets a fresh one from its
   * partitioned cookie. A renewal in all but name: the grant, the admin flag and the session's end
   * are checked as for any renewal. Cross-site pages cannot read the answer (no CORS).
   */
  app.post('/api/session/resume', async (c) => {
    const token = sessionCookie(c);
    const session = token ? await deps.sessions.verify(token, { allowExpired: true }).catch(() => undefined) : undefined;
    if (!session) {
      if (token) clearSessionCookie(c);
      throw new ApiError('UNAUTHORIZED', 'Sign in through Clio to use the add-on.');
    }
    return renewed(c, session);
  });
  return app;
}
