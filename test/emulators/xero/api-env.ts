// Hono environment shared by the Accounting API routes: the tenant resolved from xero-tenant-id.
import type { Tenant } from './store';

export interface ApiEnv {
  Variables: { tenant: Tenant };
}
