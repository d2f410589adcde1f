import type { Context, Handler } from 'hono';
import type { ApiEnv, Emulator } from './context';
import { badRequest, forbidden, notFound, preconditionFailed } from './errors';
import { parseFields, select, type Shape } from './fields';
import { type DefaultOrder, paginate } from './paging';
import type { ClioState } from './state';
import type { Row, Table } from './store';

/** Query filters of a list endpoint beyond the common ones (`ids[]`, `created_since`, `updated_since`). */
export type Filters<T> = Record<string, (row: T, value: string, state: ClioState) => boolean>;

/** Which rows the calling user may see at all (e.g. only their own custom actions). */
export type Scope<T> = (row: T, userId: number) => boolean;

export interface Collection<T extends Row> {
  shape: Shape<T>;
  table: (state: ClioState) => Table<T>;
  filters?: Filters<T>;
  scope?: Scope<T>;
  /** Endpoints without `created_since`/`updated_since` (Clio Payments) ignore them, as Clio ignores unknown parameters. */
  noSince?: boolean;
  /** The `order` the published OpenAPI file gives this endpoint when none is sent; `null`: it declares none. */
  defaultOrder?: DefaultOrder;
}

/** Filter builders for the common cases: an id relation, an exact value, a boolean flag. */
export const byId =
  <T>(get: (row: T) => number | null | number[]) =>
  (row: T, value: string): boolean => {
    const id = get(row);
    return Array.isArray(id) ? id.includes(Number(value)) : id === Number(value);
  };
export const byValue =
  <T>(get: (row: T) => unknown) =>
  (row: T, value: string): boolean =>
    String(get(row)) === value;
export const byFlag =
  <T>(get: (row: T) => boolean) =>
  (row: T, value: string): boolean =>
    value !== 'true' || get(row);

/** Both spellings Clio accepts for a path: with and without `.json`. */
export const paths = (path: string): string[] => [path, `${path}.json`];

const ID = /^(\d+)(?:\.json)?$/;

export function listHandler<T extends Row>(emu: Emulator, col: Collection<T>): Handler<ApiEnv> {
  return (c) => {
    const url = new URL(c.req.url);
    const fields = parseFields(col.shape, c.req.query('fields'));
    const state = emu.state;
    const ids = c.req.queries('ids[]')?.map(Number);
    const created = col.noSince ? undefined : since(c.req.query('created_since'), 'created_since');
    const updated = col.noSince ? undefined : since(c.req.query('updated_since'), 'updated_since');
    const filters = Object.entries(col.filters ?? {}).flatMap(([name, test]) => {
      const value = c.req.query(name);
      return value === undefined ? [] : [(row: T) => test(row, value, state)];
    });
    const userId = c.get('userId');
    const rows = col
      .table(state)
      .all()
      .filter(
        (row) =>
          (!col.scope || col.scope(row, userId)) &&
          (!ids || ids.includes(row.id)) &&
          (created === undefined || Date.parse(row.created_at) >= created) &&
          (updated === undefined || Date.parse(row.updated_at) >= updated) &&
          filters.every((test) => test(row)),
      );
    const page = paginate(rows, url, emu.options.baseUrl, col.defaultOrder);
    return c.json({
      data: page.rows.map((row) => select(col.shape, row, state, fields)),
      meta: { paging: page.next ? { next: page.next } : {}, records: rows.length },
    });
  };
}

export function showHandler<T extends Row>(emu: Emulator, col: Collection<T>): Handler<ApiEnv> {
  return (c) => {
    const row = findRow(emu, col, c);
    const nonce = c.req.query('custom_action_nonce');
    if (nonce !== undefined) {
      const subject = new URL(c.req.url).pathname.replace(/\.json$/, '');
      if (!emu.nonces.consume(nonce, c.get('userId'), subject)) {
        throw forbidden('The custom action nonce is invalid, expired, already used or belongs to another user');
      }
    }
    if (c.req.header('if-none-match') === row.etag) return c.body(null, 304);
    return respond(emu, c, col.shape, row);
  };
}

/** The row named by the `:id` path segment, within the caller's scope, or a 404. */
export function findRow<T extends Row>(emu: Emulator, col: Collection<T>, c: Context<ApiEnv>): T {
  const id = c.req.param('id')?.match(ID)?.[1];
  const row = id === undefined ? undefined : col.table(emu.state).get(Number(id));
  if (!row || (col.scope && !col.scope(row, c.get('userId')))) throw notFound(col.shape.name);
  return row;
}

/** Optimistic concurrency: a write naming a stale etag in If-Match is refused with 412. */
export function checkIfMatch(c: Context<ApiEnv>, row: Row): void {
  const expected = c.req.header('if-match');
  if (expected !== undefined && expected !== row.etag) {
    throw preconditionFailed();
  }
}

/** A single record shaped by the request's `fields`, with the ETag and Last-Modified headers Clio sends. */
export function respond<T extends Row>(emu: Emulator, c: Context<ApiEnv>, shape: Shape<T>, row: T, status: 200 | 201 = 200) {
  const fields = parseFields(shape, c.req.query('fields'));
  c.header('ETag', row.etag);
  c.header('Last-Modified', new Date(row.updated_at).toUTCString());
  return c.json({ data: select(shape, row, emu.state, fields) }, status);
}

/** The `data` object of a write body; Clio wraps every request body in it. */
export async function readData<T = Record<string, unknown>>(c: Context<ApiEnv>): Promise<T> {
  const body = (await c.req.json().catch(() => undefined)) as { data?: unknown } | undefined;
  if (!body || typeof body.data !== 'object' || body.data === null || Array.isArray(body.data)) {
    throw badRequest('The request body must be a JSON object with a "data" object');
  }
  return body.data as T;
}

function since(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const time = Date.parse(raw);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}/.test(raw)) throw badRequest(`${name} must be an ISO 8601 timestamp`);
  return time;
}
