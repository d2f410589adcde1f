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
}

export interface SessionIssuer {
  issue(session: Session): Promise<string>;
  verify(token: string): Promise<Session>;
  ttlSeconds: number;
}

const ISSUER = 'clio-xero-sync';
const AUDIENCE = 'clio-xero-sync-ui';

/** A signing key of its own, derived from SECRET_KEY, so the encryption key never signs anything. */
export function deriveSessionKey(secretKey: Buffer): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'session-token-v1', 32));
}

export function createSessionIssuer(key: Uint8Array, ttlSeconds: number): SessionIssuer {
  return {
    ttlSeconds,
    issue: (s) =>
      new SignJWT({ firm: s.firmId, adm: s.isAdmin })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(s.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    async verify(token) {
      const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.firm !== 'string' || typeof payload.adm !== 'boolean') {
        throw new joseErrors.JWTClaimValidationFailed('session claims missing', payload);
      }
      return { userId: payload.sub, firmId: payload.firm, isAdmin: payload.adm };
    },
  };
}

/** True when verify() refused the token only because it has expired (the UI then says so). */
export function isExpiredSessionError(err: unknown): boolean {
  return err instanceof joseErrors.JWTExpired;
}
