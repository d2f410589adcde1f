// HTTP surface shared by /Invoices and /CreditNotes: list, get (by id or number), PUT/POST batches.
import { Hono, type Context } from 'hono';
import type { ApiEnv } from './api-env';
import { failed, readElements, respondBatch, type BatchShape } from './batch';
import { newId, type EmulatorContext } from './context';
import { documentJson, writeDocument, type DocKind } from './documents';
import { parseUnitdp } from './line-items';
import { list } from './listing';
import { badRequest, envelope, notFound } from './responses';
import { byId, type Document, type JsonObject, type Tenant } from './store';

export const documentShape = (kind: DocKind): BatchShape => ({ key: kind.key, idField: kind.idField, errorFlag: 'HasErrors' });

export function findDocument(tenant: Tenant, kind: DocKind, key: string): Document | undefined {
  const docs = kind.store(tenant);
  return byId(docs, key) ?? [...docs.values()].find((d) => d.Number === key);
}

export function documentRoutes(ctx: EmulatorContext, kind: DocKind): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const env = { newId: () => newId(ctx), now: () => ctx.clock.now() };
  const shape = documentShape(kind);
  const base = `/${kind.key}`;

  app.get(base, (c) => {
    const tenant = c.get('tenant');
    const unitdp = parseUnitdp(c.req.query('unitdp'));
    const csv = (name: string) =>
      c.req
        .query(name)
        ?.split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
    const [statuses, numbers, contactIds] = [csv('Statuses'), csv('InvoiceNumbers'), csv('ContactIDs')];
    const summaryOnly = c.req.query('summaryOnly')?.toLowerCase() === 'true';
    const records = [...kind.store(tenant).values()].filter(
      (d) =>
        (!statuses || statuses.includes(d.Status.toLowerCase())) &&
        (!numbers || numbers.includes(d.Number.toLowerCase())) &&
        (!contactIds || contactIds.includes(d.ContactID)),
    );
    const listed = list(c, {
      records,
      // Un-paged lists omit line items (page= or GET by id returns them), as Xero does.
      toJson: (d, full) => documentJson(tenant, kind, d, { full: full && !summaryOnly, unitdp }),
      updatedAt: (d) => d.updatedAt,
      idField: kind.idField,
      defaultOrder: (a, b) => String(a.UpdatedDateUTC).localeCompare(String(b.UpdatedDateUTC)),
    });
    if (typeof listed === 'string') return badRequest(c, listed);
    return c.json(envelope(env, kind.key, listed.items, listed.pagination ? { pagination: listed.pagination } : {}));
  });

  app.get(`${base}/:id`, (c) => {
    const tenant = c.get('tenant');
    const doc = findDocument(tenant, kind, c.req.param('id'));
    if (!doc) return notFound(c);
    return c.json(envelope(env, kind.key, [documentJson(tenant, kind, doc, { full: true, unitdp: parseUnitdp(c.req.query('unitdp')) })]));
  });

  const write = (mode: 'create' | 'upsert') => async (c: Context<ApiEnv>) => {
    const tenant = c.get('tenant');
    const unitdp = parseUnitdp(c.req.query('unitdp'));
    const elements = await readElements(c, kind.key);
    if (typeof elements === 'string') return badRequest(c, elements);
    const pathId = c.req.param('id');
    const target = pathId === undefined ? undefined : findDocument(tenant, kind, pathId);
    if (pathId !== undefined && !target) return notFound(c);
    const results = elements.map((input: JsonObject) => {
      const element = target ? { ...input, [kind.idField]: target.id } : input;
      const outcome = writeDocument(ctx, tenant, kind, element, mode, unitdp);
      return 'errors' in outcome
        ? failed(element, shape, outcome.errors, outcome.id)
        : { ok: true as const, body: documentJson(tenant, kind, outcome.doc, { full: true, unitdp }) };
    });
    return respondBatch(c, ctx, shape, results);
  };
  app.put(base, write('create'));
  app.post(base, write('upsert'));
  app.post(`${base}/:id`, write('upsert'));
  return app;
}
