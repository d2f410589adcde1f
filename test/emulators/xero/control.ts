// /_emulator/*: test-only control plane. Bookkeeper actions go through the same code paths as the
// API, so they change state and fire webhooks exactly like edits made in Xero.
import { Hono, type Context } from 'hono';
import { contactJson, writeContact } from './contacts';
import type { EmulatorContext } from './context';
import { isManualClock, parseDateInput } from './dates';
import { documentJson, INVOICE, writeDocument } from './documents';
import type { Faults, FaultInput } from './faults';
import type { Identity } from './oauth';
import { createPayment, deletePayment, paymentJson } from './payments';
import type { RateLimiter } from './rate-limit';
import type { RequestLog } from './request-log';
import { byId, type JsonObject, type Tenant } from './store';
import { indexView, tenantView } from './view';

export interface ControlDeps {
  ctx: EmulatorContext;
  identity: Identity;
  faults: Faults;
  rateLimiter: RateLimiter;
  requestLog: RequestLog;
  reset(seed?: boolean | number): void;
}

async function body(c: Context): Promise<JsonObject> {
  const parsed: unknown = await c.req.json().catch(() => ({}));
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as JsonObject) : {};
}

export function controlRoutes(deps: ControlDeps): Hono {
  const { ctx, identity, faults, rateLimiter, requestLog } = deps;
  const app = new Hono();
  const tenantOf = (c: Context): Tenant | undefined => ctx.state.tenants.get(c.req.param('tenantId')?.toLowerCase() ?? '');
  const outcome = (c: Context, result: { errors: string[] } | JsonObject) =>
    'errors' in result && Array.isArray(result.errors) ? c.json({ errors: result.errors }, 400) : c.json(result);

  app.post('/reset', async (c) => {
    const b = await body(c);
    deps.reset(typeof b.seed === 'number' || typeof b.seed === 'boolean' ? b.seed : true);
    return c.json({ ok: true });
  });
  app.post('/seed', async (c) => {
    const b = await body(c);
    deps.reset(typeof b.scale === 'number' ? b.scale : true);
    return c.json({ ok: true });
  });
  app.get('/tenants', (c) =>
    c.json(
      [...ctx.state.tenants.values()].map((t) => ({
        tenantId: t.organisation.OrganisationID,
        name: t.organisation.Name,
        contacts: t.contacts.size,
        invoices: t.invoices.size,
        creditNotes: t.creditNotes.size,
        payments: t.payments.size,
        bankTransactions: t.bankTransactions.size,
      })),
    ),
  );

  // Read-only HTML for people looking around the sandbox.
  app.get('/view', (c) => c.html(indexView(ctx)));
  app.get('/tenants/:tenantId/view', (c) => {
    const tenant = tenantOf(c);
    return tenant ? c.html(tenantView(tenant)) : c.text('No such organisation', 404);
  });

  // Bookkeeper actions.
  app.post('/tenants/:tenantId/contacts', async (c) => {
    const tenant = tenantOf(c);
    if (!tenant) return c.json({ error: 'unknown tenant' }, 404);
    const input = await body(c);
    const r = writeContact(ctx, tenant, input, input.ContactID ? 'update' : 'create');
    return outcome(c, 'errors' in r ? r : contactJson(r.contact));
  });
  app.post('/tenants/:tenantId/invoices', async (c) => {
    const tenant = tenantOf(c);
    if (!tenant) return c.json({ error: 'unknown tenant' }, 404);
    const r = writeDocument(ctx, tenant, INVOICE, await body(c), 'upsert', 4);
    return outcome(c, 'errors' in r ? r : documentJson(tenant, INVOICE, r.doc, { full: true, unitdp: 4 }));
  });
  app.post('/tenants/:tenantId/payments', async (c) => {
    const tenant = tenantOf(c);
    if (!tenant) return c.json({ error: 'unknown tenant' }, 404);
    const r = createPayment(ctx, tenant, await body(c));
    return outcome(c, 'errors' in r ? r : paymentJson(tenant, r.payment));
  });
  app.post('/tenants/:tenantId/payments/:paymentId/delete', (c) => {
    const tenant = tenantOf(c);
    const payment = tenant ? byId(tenant.payments, c.req.param('paymentId')) : undefined;
    if (!tenant || !payment) return c.json({ error: 'unknown tenant or payment' }, 404);
    const errors = deletePayment(ctx, tenant, payment);
    return outcome(c, errors.length > 0 ? { errors } : paymentJson(tenant, payment));
  });
  app.patch('/tenants/:tenantId/organisation', async (c) => {
    const tenant = tenantOf(c);
    if (!tenant) return c.json({ error: 'unknown tenant' }, 404);
    const b = await body(c);
    for (const field of ['PeriodLockDate', 'EndOfYearLockDate'] as const) {
      if (b[field] === null) delete tenant.organisation[field];
      else if (b[field] !== undefined) {
        const day = parseDateInput(b[field]);
        if (day === undefined) return c.json({ error: `${field} must be YYYY-MM-DD or null` }, 400);
        tenant.organisation[field] = day;
      }
    }
    return c.json({ ok: true });
  });
  /** Simulates the organisation disconnecting the app from inside Xero. */
  app.post('/tenants/:tenantId/disconnect', (c) => c.json({ removed: identity.disconnectTenant(c.req.param('tenantId').toLowerCase()) }));

  // Identity switches.
  app.post('/oauth/deny-next', (c) => {
    identity.denyNext = true;
    return c.json({ ok: true });
  });
  app.put('/oauth/authorised-tenants', async (c) => {
    const ids = (await body(c)).tenantIds;
    identity.authorisedTenants = Array.isArray(ids) ? ids.map((x) => String(x).toLowerCase()) : undefined;
    return c.json({ ok: true });
  });
  app.post('/oauth/redirect-uris', async (c) => {
    const b = await body(c);
    const client = identity.clients.get(typeof b.clientId === 'string' ? b.clientId : 'sandbox');
    if (!client || typeof b.uri !== 'string') return c.json({ error: 'clientId (optional) and uri required' }, 400);
    client.redirectUris.add(b.uri);
    return c.json({ ok: true });
  });
  app.post('/oauth/revoke', async (c) => {
    const token = (await body(c)).token;
    const grants = typeof token === 'string' ? [identity.grantForToken(token)].filter((g) => g !== undefined) : identity.grants;
    for (const g of grants) identity.revokeGrant(g);
    return c.json({ revoked: grants.length });
  });

  // Faults, limits, log.
  app.post('/faults', async (c) => {
    try {
      return c.json(faults.add((await body(c)) as unknown as FaultInput));
    } catch (e) {
      return c.json({ error: (e as Error).message }, 400);
    }
  });
  app.get('/faults', (c) => c.json(faults.active));
  app.delete('/faults', (c) => {
    faults.clear();
    return c.json({ ok: true });
  });
  app.post('/rate-limits/reset', (c) => {
    rateLimiter.reset();
    return c.json({ ok: true });
  });
  app.get('/requests', (c) => {
    const { method, pathPrefix } = c.req.query();
    return c.json(requestLog.entries.filter((e) => (!method || e.method === method.toUpperCase()) && (!pathPrefix || e.path.startsWith(pathPrefix))));
  });
  app.delete('/requests', (c) => {
    requestLog.entries.length = 0;
    return c.json({ ok: true });
  });
  app.post('/clock', async (c) => {
    if (!isManualClock(ctx.clock)) return c.json({ error: 'the emulator runs on the system clock' }, 409);
    const b = await body(c);
    if (typeof b.advanceMs === 'number') ctx.clock.advance(b.advanceMs);
    if (typeof b.nowMs === 'number') ctx.clock.set(b.nowMs);
    return c.json({ nowMs: ctx.clock.now() });
  });

  // Webhooks.
  // The subscription as the developer portal shows it (Xero has no API for it): OK, or DISABLED after 24 h of failures.
  const subscription = () => ({ url: ctx.webhooks.url ?? null, status: ctx.webhooks.status, disabledAt: ctx.webhooks.disabledAt ?? null });
  app.put('/webhooks', async (c) => {
    const b = await body(c);
    if (b.url !== undefined) ctx.webhooks.url = typeof b.url === 'string' ? b.url : undefined;
    if (typeof b.key === 'string') ctx.webhooks.key = b.key;
    return c.json(subscription());
  });
  app.get('/webhooks', (c) => c.json(subscription()));
  app.get('/webhooks/deliveries', (c) => c.json(ctx.webhooks.deliveries));
  app.get('/webhooks/events', (c) => c.json(ctx.webhooks.events));
  app.post('/webhooks/flush', async (c) => {
    await ctx.webhooks.flush();
    return c.json({ ok: true });
  });
  app.post('/webhooks/intent-to-receive', async (c) => {
    if (!ctx.webhooks.url) return c.json({ error: 'set a webhook URL first' }, 409);
    return c.json(await ctx.webhooks.runIntentToReceive());
  });
  app.get('/webhooks/intent-to-receive', (c) => c.json(ctx.webhooks.intentToReceive ?? null));
  return app;
}
