import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../config';

/** Where Clio Manage runs in production; the add-on's pages may be framed there and nowhere else. */
export const CLIO_PRODUCTION_ORIGINS = ['https://app.clio.com', 'https://ca.app.clio.com', 'https://eu.app.clio.com', 'https://au.app.clio.com'] as const;

/** Clio's hosts plus the configured Clio base URLs (in the sandbox, the Clio emulator's host page). */
export function frameAncestors(config: Pick<Config, 'clio'>): string[] {
  const configured = Object.values(config.clio).map((app) => new URL(app.baseUrl).origin);
  return [...new Set([...CLIO_PRODUCTION_ORIGINS, ...configured])];
}

/**
 * Headers on every response. The pages load only our own bundled scripts and styles (no inline
 * code), talk only to our API, and may be framed only by Clio. X-Frame-Options is left out because
 * it cannot name several origins; `frame-ancestors` supersedes it.
 */
export function securityHeaders(config: Pick<Config, 'clio' | 'xero' | 'PUBLIC_URL'>): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      // The Xero start is a form post (issue 15) answered by a redirect to Xero's login, and
      // Chromium applies form-action to the redirect too.
      formAction: ["'self'", new URL(config.xero.loginUrl).origin],
      frameAncestors: frameAncestors(config),
    },
    xFrameOptions: false,
    // The OAuth round trips from the framed page run in a popup that hands its result back through
    // window.opener (docs/adr/0007-framed-sessions.md); COOP same-origin would cut that link.
    crossOriginOpenerPolicy: false,
    referrerPolicy: 'no-referrer',
    crossOriginResourcePolicy: false,
    strictTransportSecurity: config.PUBLIC_URL.startsWith('https://') ? 'max-age=31536000; includeSubDomains' : false,
  });
}
