// Xero identity: authorize (auto-consent), token (authorization_code with PKCE, refresh_token with
// rotation and a 30-minute grace for the previous refresh token), revocation and /connections.
import { createHash, createHmac } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { Clock } from './dates';
import { utcString } from './dates';
import type { Random } from './random';

export const SANDBOX_CLIENT = { clientId: 'sandbox', clientSecret: 'sandbox-secret' } as const;

const CODE_TTL_MS = 5 * 60_000;
const ACCESS_TTL_MS = 30 * 60_000;
const REFRESH_GRACE_MS = 30 * 60_000;
const REFRESH_IDLE_MS = 60 * 86_400_000;

export interface Client {
  clientId: string;
  clientSecret: string;
  redirectUris: Set<string>;
  /** Loopback redirects (any port) are accepted, which is what local development and tests use. */
  allowLoopback: boolean;
}

export interface Connection {
  id: string;
  tenantId: string;
  authEventId: string;
  createdAt: number;
  updatedAt: number;
}

/** One consent: a user authorising the app for some organisations. */
export interface Grant {
  id: string;
  clientId: string;
  userId: string;
  scope: string;
  connections: Connection[];
  revoked: boolean;
}

interface AuthCode {
  grant: Grant;
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
  used: boolean;
}

export interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

interface RefreshToken {
  grant: Grant;
  lastUsedAt: number;
  rotatedAt?: number;
  /** The response given when it was exchanged, replayed during the grace period. */
  rotatedTo?: TokenResponse;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  refresh_token?: string;
  scope: string;
}

export interface TenantDirectory {
  tenantIds(): string[];
  tenantName(tenantId: string): string | undefined;
}

export class Identity {
  readonly clients = new Map<string, Client>();
  readonly grants: Grant[] = [];
  private readonly codes = new Map<string, AuthCode>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  /** Control switches for consent tests. */
  denyNext = false;
  authorisedTenants: string[] | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly tenants: TenantDirectory,
    redirectUris: string[] = [],
  ) {
    this.clients.set(SANDBOX_CLIENT.clientId, { ...SANDBOX_CLIENT, redirectUris: new Set(redirectUris), allowLoopback: true });
  }

  reset(): void {
    this.grants.length = 0;
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.denyNext = false;
    this.authorisedTenants = undefined;
  }

  /** Skips the browser dance for tests that only need a working token (same grant model as authorize). */
  connect(tenantIds = this.tenants.tenantIds(), scope = 'offline_access accounting.transactions accounting.contacts accounting.settings'): TokenResponse {
    const now = this.clock.now();
    const authEventId = this.random.uuid();
    const grant: Grant = {
      id: this.random.uuid(),
      clientId: SANDBOX_CLIENT.clientId,
      userId: this.random.uuid(),
      scope,
      revoked: false,
      connections: tenantIds.map((tenantId) => ({ id: this.random.uuid(), tenantId, authEventId, createdAt: now, updatedAt: now })),
    };
    this.grants.push(grant);
    return this.issue(grant);
  }

  redirectAllowed(client: Client, uri: string): boolean {
    if (client.redirectUris.has(uri)) return true;
    if (!client.allowLoopback) return false;
    try {
      const u = new URL(uri);
      return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1');
    } catch {
      return false;
    }
  }

  access(token: string): AccessToken | 'expired' | undefined {
    const t = this.accessTokens.get(token);
    if (!t || t.grant.revoked) return undefined;
    return t.expiresAt <= this.clock.now() ? 'expired' : t;
  }

  /** Simulates the user revoking the app (or an app-side revocation): every token of the grant dies. */
  revokeGrant(grant: Grant): void {
    grant.revoked = true;
    grant.connections.length = 0;
  }

  /** Simulates the organisation disconnecting the app inside Xero. */
  disconnectTenant(tenantId: string): number {
    let removed = 0;
    for (const grant of this.grants) {
      const before = grant.connections.length;
      grant.connections = grant.connections.filter((c) => c.tenantId !== tenantId);
      removed += before - grant.connections.length;
    }
    return removed;
  }

  grantForToken(token: string): Grant | undefined {
    return this.accessTokens.get(token)?.grant ?? this.refreshTokens.get(token)?.grant;
  }

  private jwt(grant: Grant, expiresAt: number): string {
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(this.clock.now() / 1000);
    const payload = b64({
      nbf: now,
      exp: Math.floor(expiresAt / 1000),
      iss: 'https://identity.xero.com',
      aud: 'https://identity.xero.com/resources',
      client_id: grant.clientId,
      sub: grant.userId,
      auth_time: now,
      xero_userid: grant.userId,
      global_session_id: grant.id,
      jti: this.random.hex(16),
      authentication_event_id: grant.connections[0]?.authEventId ?? grant.id,
      scope: grant.scope.split(' '),
    });
    const header = b64({ alg: 'RS256', kid: 'emulator', typ: 'JWT' });
    const signature = createHmac('sha256', 'xero-emulator').update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  private issue(grant: Grant): TokenResponse {
    const expiresAt = this.clock.now() + ACCESS_TTL_MS;
    const access = this.jwt(grant, expiresAt);
    this.accessTokens.set(access, { grant, expiresAt });
    const response: TokenResponse = { access_token: access, expires_in: ACCESS_TTL_MS / 1000, token_type: 'Bearer', scope: grant.scope };
    // Refresh tokens exist only when offline_access was granted.
    if (grant.scope.split(' ').includes('offline_access')) {
      const refresh = this.random.hex(32);
      this.refreshTokens.set(refresh, { grant, lastUsedAt: this.clock.now() });
      response.refresh_token = refresh;
    }
    return response;
  }

  routes(): Hono {
    const app = new Hono();

    app.get('/identity/connect/authorize', (c) => {
      const q = c.req.query();
      const client = this.clients.get(q.client_id ?? '');
      if (!client) return c.text('Error: unauthorized_client - Unknown client or client not enabled', 400);
      if (!q.redirect_uri || !this.redirectAllowed(client, q.redirect_uri)) return c.text('Error: invalid_request - Invalid redirect_uri', 400);
      const redirect = new URL(q.redirect_uri);
      const reply = (params: Record<string, string>) => {
        for (const [k, v] of Object.entries(params)) redirect.searchParams.set(k, v);
        if (q.state !== undefined) redirect.searchParams.set('state', q.state);
        return c.redirect(redirect.toString(), 302);
      };
      if (q.response_type !== 'code') return reply({ error: 'unsupported_response_type' });
      if (this.denyNext) {
        this.denyNext = false;
        return reply({ error: 'access_denied' });
      }
      if (q.code_challenge && (q.code_challenge_method ?? 'plain') !== 'S256' && q.code_challenge_method !== 'plain') return reply({ error: 'invalid_request' });
      const now = this.clock.now();
      const authEventId = this.random.uuid();
      const tenantIds = (this.authorisedTenants ?? this.tenants.tenantIds()).filter((t) => this.tenants.tenantName(t) !== undefined);
      const grant: Grant = {
        id: this.random.uuid(),
        clientId: client.clientId,
        userId: this.random.uuid(),
        scope: q.scope ?? '',
        revoked: false,
        connections: tenantIds.map((tenantId) => ({ id: this.random.uuid(), tenantId, authEventId, createdAt: now, updatedAt: now })),
      };
      this.grants.push(grant);
      const code = this.random.hex(24);
      this.codes.set(code, {
        grant,
        redirectUri: q.redirect_uri,
        expiresAt: now + CODE_TTL_MS,
        used: false,
        ...(q.code_challenge ? { codeChallenge: q.code_challenge, codeChallengeMethod: q.code_challenge_method ?? 'plain' } : {}),
      });
      return reply({ code, scope: grant.scope });
    });

    app.post('/connect/token', async (c) => {
      const form = new URLSearchParams(await c.req.text());
      const client = this.authenticateClient(c, form);
      if (!client) return c.json({ error: 'invalid_client' }, 400);
      const invalid = () => c.json({ error: 'invalid_grant' }, 400);
      const grantType = form.get('grant_type');
      if (grantType === 'authorization_code') {
        const code = this.codes.get(form.get('code') ?? '');
        if (!code || code.used || code.expiresAt <= this.clock.now() || code.grant.clientId !== client.clientId || code.redirectUri !== form.get('redirect_uri'))
          return invalid();
        code.used = true;
        if (code.codeChallenge !== undefined) {
          const verifier = form.get('code_verifier') ?? '';
          const expected = code.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
          if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) || expected !== code.codeChallenge) return invalid();
        }
        return c.json(this.issue(code.grant));
      }
      if (grantType === 'refresh_token') {
        const token = form.get('refresh_token') ?? '';
        const record = this.refreshTokens.get(token);
        const now = this.clock.now();
        if (!record || record.grant.revoked || record.grant.clientId !== client.clientId) return invalid();
        if (record.rotatedTo) {
          // A lost response may be retried with the old token for 30 minutes: same new pair again.
          return record.rotatedAt !== undefined && now - record.rotatedAt <= REFRESH_GRACE_MS ? c.json(record.rotatedTo) : invalid();
        }
        if (now - record.lastUsedAt > REFRESH_IDLE_MS) return invalid();
        record.rotatedAt = now;
        record.rotatedTo = this.issue(record.grant);
        return c.json(record.rotatedTo);
      }
      return c.json({ error: 'unsupported_grant_type' }, 400);
    });

    app.post('/connect/revocation', async (c) => {
      const form = new URLSearchParams(await c.req.text());
      if (!this.authenticateClient(c, form)) return c.json({ error: 'invalid_client' }, 400);
      const grant = this.refreshTokens.get(form.get('token') ?? '')?.grant;
      if (grant) this.revokeGrant(grant);
      return c.body(null, 200);
    });

    app.get('/connections', (c) => {
      const grant = this.bearerGrant(c);
      if (!grant)
        return c.json({ Type: null, Title: 'Unauthorized', Status: 401, Detail: 'AuthenticationUnsuccessful', Instance: this.random.uuid(), Extensions: {} }, 401);
      const authEventId = c.req.query('authEventId');
      return c.json(
        grant.connections
          .filter((x) => !authEventId || x.authEventId === authEventId)
          .map((x) => ({
            id: x.id,
            authEventId: x.authEventId,
            tenantId: x.tenantId,
            tenantType: 'ORGANISATION',
            tenantName: this.tenants.tenantName(x.tenantId) ?? '',
            createdDateUtc: utcString(x.createdAt).slice(0, -1),
            updatedDateUtc: utcString(x.updatedAt).slice(0, -1),
          })),
      );
    });

    app.delete('/connections/:id', (c) => {
      const grant = this.bearerGrant(c);
      if (!grant)
        return c.json({ Type: null, Title: 'Unauthorized', Status: 401, Detail: 'AuthenticationUnsuccessful', Instance: this.random.uuid(), Extensions: {} }, 401);
      const before = grant.connections.length;
      grant.connections = grant.connections.filter((x) => x.id !== c.req.param('id'));
      return grant.connections.length === before ? c.body(null, 404) : c.body(null, 204);
    });
    return app;
  }

  private bearerGrant(c: Context): Grant | undefined {
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header('Authorization') ?? '')?.[1];
    const access = token ? this.access(token) : undefined;
    return access && access !== 'expired' ? access.grant : undefined;
  }

  /** HTTP Basic or client_id/client_secret in the form body. */
  private authenticateClient(c: Context, form: URLSearchParams): Client | undefined {
    const basic = /^Basic\s+(.+)$/i.exec(c.req.header('Authorization') ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [form.get('client_id'), form.get('client_secret')];
    const client = this.clients.get(id ?? '');
    return client && client.clientSecret === secret ? client : undefined;
  }
}
