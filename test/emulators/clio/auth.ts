import type { MiddlewareHandler } from 'hono';
import type { ApiEnv, Emulator } from './context';

const VERSIONS = ['4.0.4', '4.0.5', '4.0.6', '4.0.7', '4.0.8', '4.0.9', '4.0.10'];
export const DEFAULT_VERSION = '4.0.9';

/** Bearer-token check and API version negotiation for /api/v4. */
export function authenticate(emu: Emulator): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) {
      return c.json({ error: { type: 'Unauthorized', message: 'No valid authorization header was provided' } }, 401);
    }
    const check = emu.tokens.check(token);
    if (!check.ok) {
      // Spec disagrees: its Error schema wants {"error":{type,message}}, but Clio answers a dead token RFC 6750 style.
      return c.json(
        {
          error: 'invalid_token',
          error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
        },
        401,
      );
    }
    const version = c.req.header('x-api-version') ?? DEFAULT_VERSION;
    if (!VERSIONS.includes(version)) {
      return c.json({ error: { type: 'Gone', message: `API version ${version} is invalid or no longer supported` } }, 410);
    }
    c.set('userId', check.token.userId);
    c.set('accessToken', token);
    await next();
    c.header('X-API-VERSION', version);
  };
}
