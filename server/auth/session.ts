import { hkdfSync } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

/**
 * Who is using the add-on. The UI runs framed in Clio and as a tab opened by custom actions,
 * where third-party cookies cannot be relied on, so it carries this as a short-lived signed
 * token in the Authorization header instead of a cookie.
 */
export interface Session {
  firmId: string;
  userId: string;
  isAdmin: boolean;
  /**
   * When the user signed in through Clio (epoch seconds, to the millisecond); renewals keep it, so a
   * session ends a fixed time after sign-in, and one signed in before an uninstall or demotion stays ended.
   */
  signedInAt: number;
  /** When isAdmin was last read from Clio (epoch seconds); renewal asks Clio again once this is a few minutes old. */
  adminCheckedAt: number;
}

/** What a sign-in hands over; both times default to now (a fresh sign-in has just asked Clio who this is). */
export type SessionGrant = Pick<Session, 'firmId' | 'userId' | 'isAdmin'> & Partial<Pick<Session, 'signedInAt' | 'adminCheckedAt'>>;

export interface SessionIssuer {
  issue(session: SessionGrant): Promise<string>;
  /**
   * The session a token carries. `allowExpired` accepts a token past its short expiry (never past
   * the maximum age): only for the framed page's HttpOnly cookie, which a renewal then replaces.
   */
  verify(token: string, opts?: { allowExpired?: boolean }): Promise<Session>;
  ttlSeconds: number;
  /** No token verifies longer than this after sign-in, however often it was renewed. */
  maxAgeSeconds: number;
}

/** Twelve hours: a working day; after that the user opens the add-on from Clio again. */
export const DEFAULT_SESSION_MAX_AGE_SECONDS = 12 * 3600;

const ISSUER = 'clio-xero-sync';
const AUDIENCE = 'clio-xero-sync-ui';

/** A signing key of its own, derived from SECRET_KEY, so the encryption key never signs anything. */
export function deriveSessionKey(secretKey: Buffer): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'session-token-v1', 32));
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export function createSessionIssuer(key: Uint8Array, ttlSeconds: number, maxAgeSeconds = DEFAULT_SESSION_MAX_AGE_SECONDS): SessionIssuer {
  return {
    ttlSeconds,
    maxAgeSeconds,
    issue: (s) =>
      // sat to the millisecond: a reinstall a moment after a disconnect must sign in after it, not in the same second.
      new SignJWT({ firm: s.firmId, adm: s.isAdmin, sat: s.signedInAt ?? Date.now() / 1000, ack: s.adminCheckedAt ?? nowSeconds() })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(s.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    async verify(token, opts = {}) {
      const { payload } = await jwtVerify(token, key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        ...(opts.allowExpired ? { clockTolerance: maxAgeSeconds } : {}),
      });
      const { sub, firm, adm, sat, ack } = payload;
      if (typeof sub !== 'string' || typeof firm !== 'string' || typeof adm !== 'boolean' || typeof sat !== 'number' || typeof ack !== 'number') {
        throw new joseErrors.JWTClaimValidationFailed('session claims missing', payload);
      }
      // The absolute age: renewing moves exp, never sat.
      if (nowSeconds() - sat > maxAgeSeconds) throw new joseErrors.JWTExpired('session older than its maximum age', payload, 'sat', 'check_failed');
      return { userId: sub, firmId: firm, isAdmin: adm, signedInAt: sat, adminCheckedAt: ack };
    },
  };
}

/** True when verify() refused the token only because it has expired (the UI then says so). */
export function isExpiredSessionError(err: unknown): boolean {
  return err instanceof joseErrors.JWTExpired;
}
