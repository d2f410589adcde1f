// Entry checks of every Accounting API call: Accept must ask for JSON, the bearer token must be
// live, and xero-tenant-id must name an organisation this token is connected to.
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './api-env';
import type { EmulatorContext } from './context';
import type { Identity } from './oauth';
import { problem } from './responses';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function apiGuard(ctx: EmulatorContext, identity: Identity): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header('Authorization') ?? '')?.[1];
    const access = token ? identity.access(token) : undefined;
    if (access === 'expired') {
      c.header('WWW-Authenticate', 'Bearer error="invalid_token", error_description="The token expired"');
      return problem(c, 401, 'Unauthorized', 'TokenExpired: token expired');
    }
    if (!access) return problem(c, 401, 'Unauthorized', 'AuthenticationUnsuccessful');
    const tenantId = c.req.header('xero-tenant-id');
    if (!tenantId || !UUID.test(tenantId)) return problem(c, 400, 'BadRequest', 'Xero-tenant-id header should be a valid Guid');
    const tenant = ctx.state.tenants.get(tenantId.toLowerCase());
    const connected = access.grant.connections.some((x) => x.tenantId === tenantId.toLowerCase());
    if (!tenant || !connected) return problem(c, 403, 'Forbidden', 'AuthenticationUnsuccessful');
    // The real API answers XML unless JSON is asked for; this emulator speaks JSON only.
    if (!/application\/json/i.test(c.req.header('Accept') ?? '')) {
      return c.text('This emulator answers JSON only: send "Accept: application/json" (Xero would have answered XML).', 406);
    }
    c.set('tenant', tenant);
    await next();
  };
}
