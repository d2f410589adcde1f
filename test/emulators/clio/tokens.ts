import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';

export interface AccessToken {
  token: string;
  userId: number;
  grantId: number;
  expiresAt: number;
  revoked: boolean;
}

interface Grant {
  userId: number;
  refreshToken: string;
  revoked: boolean;
}

interface AuthCode {
  userId: number;
  clientId: string;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

const CODE_LIFETIME_MS = 10 * 60 * 1000;
const secret = (bytes = 24) => randomBytes(bytes).toString('hex');

export type TokenCheck = { ok: true; token: AccessToken } | { ok: false };

/**
 * OAuth grants of the sandbox app. A grant is one user's authorisation: one refresh token that never
 * expires (Clio Manage refresh tokens are reusable until revoked) and the access tokens minted from it.
 */
export class TokenStore {
  private readonly codes = new Map<string, AuthCode>();
  private readonly access = new Map<string, AccessToken>();
  private readonly grants: Grant[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly lifetimeSeconds: number,
  ) {}

  issueCode(userId: number, clientId: string, redirectUri: string): string {
    const code = secret(16);
    this.codes.set(code, { userId, clientId, redirectUri, expiresAt: this.now() + CODE_LIFETIME_MS, used: false });
    return code;
  }

  /** Codes are single-use and short-lived; a replayed code fails like an unknown one. */
  redeemCode(code: string, clientId: string, redirectUri: string | undefined): number | undefined {
    const entry = this.codes.get(code);
    if (!entry || entry.used || entry.expiresAt < this.now() || entry.clientId !== clientId) return undefined;
    if (redirectUri !== undefined && redirectUri !== entry.redirectUri) return undefined;
    entry.used = true;
    return entry.userId;
  }

  /** A new grant for the user: what a completed authorization (or the control API's shortcut) yields. */
  grant(userId: number): { access: AccessToken; refreshToken: string } {
    const grantId = this.grants.push({ userId, refreshToken: secret(), revoked: false }) - 1;
    const grant = this.grants[grantId] as Grant;
    return { access: this.mint(grantId, userId), refreshToken: grant.refreshToken };
  }

  refresh(refreshToken: string): AccessToken | undefined {
    const grantId = this.grants.findIndex((g) => g.refreshToken === refreshToken && !g.revoked);
    const grant = this.grants[grantId];
    return grant ? this.mint(grantId, grant.userId) : undefined;
  }

  check(token: string): TokenCheck {
    const entry = this.access.get(token);
    if (!entry || entry.revoked || entry.expiresAt <= this.now()) return { ok: false };
    return { ok: true, token: entry };
  }

  /** Deauthorizing revokes the whole grant: every access token and the refresh token. */
  revoke(token: string): boolean {
    const entry = this.access.get(token);
    const grant = entry ? this.grants[entry.grantId] : undefined;
    if (!entry || !grant) return false;
    grant.revoked = true;
    for (const other of this.access.values()) if (other.grantId === entry.grantId) other.revoked = true;
    return true;
  }

  expire(token: string): boolean {
    const entry = this.access.get(token);
    if (entry) entry.expiresAt = this.now();
    return entry !== undefined;
  }

  /** Every live access token of the user expires now (its refresh token still works). */
  expireAllOf(userId: number): number {
    let n = 0;
    for (const entry of this.access.values()) {
      if (entry.userId === userId && !entry.revoked && entry.expiresAt > this.now()) {
        entry.expiresAt = this.now();
        n++;
      }
    }
    return n;
  }

  private mint(grantId: number, userId: number): AccessToken {
    const entry = { token: secret(), userId, grantId, expiresAt: this.now() + this.lifetimeSeconds * 1000, revoked: false };
    this.access.set(entry.token, entry);
    return entry;
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
