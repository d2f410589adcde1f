import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/**
 * Ties an OAuth return to the browser that started it (issue 8, finding 3). The top-level start
 * sets an HttpOnly, SameSite=Lax cookie holding a hash of the state; the callback is accepted only
 * from a browser that presents it. A leaked authorize or callback URL completed in another browser
 * (or sent to a victim) is refused. Lax is what lets the cookie ride along on the provider's
 * top-level redirect back to us; the hash keeps the state itself out of the cookie jar.
 */
export type OAuthFlow = 'clio' | 'xero';

const COOKIE_PATH = '/oauth';
const LIFETIME_SECONDS = 10 * 60;

const cookieName = (flow: OAuthFlow) => `${flow}_oauth_binding`;
const digest = (state: string) => createHash('sha256').update(state).digest('base64url');

export function bindStateToBrowser(c: Context, flow: OAuthFlow, state: string, publicUrl: string): void {
  setCookie(c, cookieName(flow), digest(state), {
    httpOnly: true,
    sameSite: 'Lax',
    secure: publicUrl.startsWith('https:'),
    path: COOKIE_PATH,
    maxAge: LIFETIME_SECONDS,
  });
}

/**
 * True when this browser started the flow with this state. The cookie is left to expire on its own:
 * the state is single use anyway, and a replay from the same browser then hears "already used".
 */
export function stateBoundToBrowser(c: Context, flow: OAuthFlow, state: string): boolean {
  const presented = getCookie(c, cookieName(flow));
  if (!presented) return false;
  const expected = Buffer.from(digest(state));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
