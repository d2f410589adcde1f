import type { MiddlewareHandler } from 'hono';
import { isExpiredSessionError, type Session, type SessionIssuer } from '../auth/session';
import { ApiError } from './errors';

export type SessionVariables = { session: Session };

/** Requires `Authorization: Bearer <session token>` and exposes the session as `c.var.session`. */
export function requireSession(issuer: SessionIssuer): MiddlewareHandler<{ Variables: SessionVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token) throw new ApiError('UNAUTHORIZED', 'Sign in through Clio to use the add-on.');
    try {
      c.set('session', await issuer.verify(token));
    } catch (err) {
      throw new ApiError('UNAUTHORIZED', isExpiredSessionError(err) ? 'Your session has expired. Reload the page from Clio.' : 'Invalid session token.');
    }
    await next();
  };
}

/** Settings change only for Clio administrators of the firm. */
export const requireAdmin: MiddlewareHandler<{ Variables: SessionVariables }> = async (c, next) => {
  if (!c.get('session').isAdmin) throw new ApiError('FORBIDDEN', 'Only a Clio administrator of this firm can change this.');
  await next();
};
