import { Hono, type Context } from 'hono';
import type { Emulator } from './context';

export const SANDBOX_CLIENT_ID = 'sandbox';
export const SANDBOX_CLIENT_SECRET = 'sandbox-secret';

/** OAuth 2.0 authorization-code flow of Clio Manage, for the one sandbox app. */
export function oauthRoutes(emu: Emulator): Hono {
  const app = new Hono();

  app.get('/oauth/authorize', (c) => {
    const q = c.req.query();
    if (q.client_id !== SANDBOX_CLIENT_ID) return c.text('Unknown client_id: the application does not exist', 400);
    const redirectUri = q.redirect_uri;
    if (!redirectUri || !isRegistered(emu, redirectUri)) return c.text('The redirect_uri is not registered', 400);
    if (q.response_type !== 'code') return redirect(c, redirectUri, { error: 'unsupported_response_type', state: q.state });
    if (emu.session.denyConsent) return redirect(c, redirectUri, { error: 'access_denied', state: q.state });
    const userId = emu.session.userId ?? emu.state.users.all()[0]?.id;
    if (userId === undefined) return c.text('No user is signed in to Clio Manage', 400);
    return redirect(c, redirectUri, { code: emu.tokens.issueCode(userId, SANDBOX_CLIENT_ID, redirectUri), state: q.state });
  });

  app.post('/oauth/token', async (c) => {
    const body = await formOrJson(c);
    const client = clientCredentials(c, body);
    if (client.id !== SANDBOX_CLIENT_ID || client.secret !== SANDBOX_CLIENT_SECRET) {
      return c.json({ error: 'invalid_client', error_description: 'Client authentication failed' }, 401);
    }
    if (body.grant_type === 'authorization_code') {
      const userId = emu.tokens.redeemCode(body.code ?? '', client.id, body.redirect_uri);
      if (userId === undefined) return invalidGrant(c);
      const { access, refreshToken } = emu.tokens.grant(userId);
      return c.json({ token_type: 'bearer', access_token: access.token, expires_in: lifetime(emu), refresh_token: refreshToken });
    }
    if (body.grant_type === 'refresh_token') {
      const access = emu.tokens.refresh(body.refresh_token ?? '');
      if (!access) return invalidGrant(c);
      // Clio Manage refresh tokens do not rotate; the refresh response carries no new refresh_token.
      return c.json({ token_type: 'bearer', access_token: access.token, expires_in: lifetime(emu) });
    }
    return c.json({ error: 'unsupported_grant_type', error_description: 'Use authorization_code or refresh_token' }, 400);
  });

  app.post('/oauth/deauthorize', async (c) => {
    const body = await formOrJson(c);
    const bearer = c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
    const token = body.token ?? bearer;
    if (!token || !emu.tokens.check(token).ok) {
      return c.json({ error: 'invalid_token', error_description: 'The access token is invalid' }, 401);
    }
    emu.tokens.revoke(token);
    return c.body(null, 200);
  });

  return app;
}

function isRegistered(emu: Emulator, uri: string): boolean {
  return emu.options.redirectUris.length === 0 || emu.options.redirectUris.includes(uri);
}

const lifetime = (emu: Emulator) => emu.options.tokenLifetimeSeconds;

function invalidGrant(c: Context) {
  return c.json({ error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired or revoked' }, 400);
}

function redirect(c: Context, uri: string, params: Record<string, string | undefined>) {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return c.redirect(url.toString(), 302);
}

async function formOrJson(c: Context): Promise<Record<string, string | undefined>> {
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) return (await c.req.json().catch(() => ({}))) as Record<string, string>;
  const form = await c.req.parseBody().catch(() => ({}));
  return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
}

function clientCredentials(c: Context, body: Record<string, string | undefined>): { id?: string; secret?: string } {
  const basic = c.req.header('authorization')?.match(/^Basic\s+(.+)$/i)?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    return { id, secret };
  }
  return { id: body.client_id, secret: body.client_secret };
}
