import type { MiddlewareHandler } from 'hono';
import { isExpiredSessionError, type Session, type SessionIssuer } from '../auth/session';
import type { Database } from '../db/database';
import { getFirm } from '../firms/repository';
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

/**
 * Mounted once in front of the whole API, so no route can forget it: a valid token of a firm that
 * has removed the add-on (or no longer exists) is refused, though its signature still checks out.
 * Tokens that do not verify are left to requireSession's own answer.
 */
export function refuseUninstalledFirms(deps: { sessions: SessionIssuer; db: Database }): MiddlewareHandler {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    const session = token ? await deps.sessions.verify(token).catch(() => undefined) : undefined;
    if (session && (await getFirm(deps.db, session.firmId))?.status !== 'active') {
      throw new ApiError('UNAUTHORIZED', 'This firm has removed the add-on. Install it again from Clio to use it.');
    }
    await next();
  };
}

/** Settings change only for Clio administrators of the firm. */
export const requireAdmin: MiddlewareHandler<{ Variables: SessionVariables }> = async (c, next) => {
  if (!c.get('session').isAdmin) throw new ApiError('FORBIDDEN', 'Only a Clio administrator of this firm can change this.');
  await next();
};
