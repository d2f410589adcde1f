import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Session, SessionIssuer } from '../auth/session';

/**
 * The session's copy for the page framed inside Clio Manage (docs/adr/0007-framed-sessions.md).
 * A cross-site frame gets no storage and no ordinary third-party cookie, so a reload of the host
 * page would sign the add-on out; a Partitioned (CHIPS) cookie is kept for this frame under Clio's
 * site alone. HttpOnly: page scripts never read it, only /api/session/* does. Secure is required
 * by SameSite=None and Partitioned (Chromium accepts it on http://localhost and 127.0.0.1 too).
 */
const NAME = 'cxs_session';
const PATH = '/api/session';

export function setSessionCookie(c: Context, token: string, session: Session, issuer: SessionIssuer, nowMs = Date.now()): void {
  const left = Math.floor(session.signedInAt + issuer.maxAgeSeconds - nowMs / 1000);
  if (left <= 0) return;
  setCookie(c, NAME, token, { httpOnly: true, secure: true, sameSite: 'None', partitioned: true, path: PATH, maxAge: left });
}

export function sessionCookie(c: Context): string | undefined {
  return getCookie(c, NAME);
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, NAME, { httpOnly: true, secure: true, sameSite: 'None', partitioned: true, path: PATH });
}
