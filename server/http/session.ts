import type { MiddlewareHandler } from 'hono';
import { isExpiredSessionError, type Session, type SessionIssuer } from '../auth/session';
import type { Database } from '../db/database';
import { sessionStanding } from '../firms/repository';
import { ApiError } from './errors';

export type SessionVariables = { session: Session };

const bearer = (header: string | undefined) => /^Bearer (.+)$/i.exec(header ?? '')?.[1];

/** Requires `Authorization: Bearer <session token>` and exposes the session as `c.var.session`. */
export function requireSession(issuer: SessionIssuer): MiddlewareHandler<{ Variables: SessionVariables }> {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (!token) throw new ApiError('UNAUTHORIZED', 'Sign in through Clio to use the add-on.');
    try {
      c.set('session', await issuer.verify(token));
    } catch (err) {
      throw new ApiError('UNAUTHORIZED', isExpiredSessionError(err) ? 'Your session has expired. Reload the page from Clio.' : 'Invalid session token.');
    }
    await next();
  };
}

const ENDED = {
  uninstalled: 'This firm has removed the add-on. Install it again from Clio to use it.',
  ended: 'Your session has ended. Open the add-on from Clio again.',
} as const;

/**
 * Mounted once in front of the whole API, so no route can forget it: a token whose signature still
 * checks out is refused when its firm removed the add-on, or when the firm or the user ended their
 * sessions after it signed in (disconnect, deauthorization, demotion). Tokens that do not verify
 * are left to requireSession's own answer.
 */
export function refuseEndedSessions(deps: { sessions: SessionIssuer; db: Database }): MiddlewareHandler {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    const session = token ? await deps.sessions.verify(token).catch(() => undefined) : undefined;
    const standing = session ? await sessionStanding(deps.db, session) : 'ok';
    if (standing !== 'ok') throw new ApiError('UNAUTHORIZED', ENDED[standing]);
    await next();
  };
}

/** The session a token carries outside the API (a form post), or undefined when it does not verify or has ended. */
export async function liveSession(deps: { sessions: SessionIssuer; db: Database }, token: string): Promise<Session | undefined> {
  const session = await deps.sessions.verify(token).catch(() => undefined);
  return session && (await sessionStanding(deps.db, session)) === 'ok' ? session : undefined;
}

/** Settings change only for Clio administrators of the firm. */
export const requireAdmin: MiddlewareHandler<{ Variables: SessionVariables }> = async (c, next) => {
  if (!c.get('session').isAdmin) throw new ApiError('FORBIDDEN', 'Only a Clio administrator of this firm can change this.');
  await next();
};
