// GET collection semantics shared by every list endpoint: If-Modified-Since, IDs, where, order
// and page/pageSize (100 by default, at most 1000), with the `pagination` block paged reads get.
import type { Context } from 'hono';
import { parseTimestamp } from './dates';
import type { JsonObject } from './store';
import { compileWhere, WhereSyntaxError } from './where';

export interface Listed {
  items: JsonObject[];
  paged: boolean;
  pagination?: JsonObject;
}

export interface ListSource<T> {
  records: T[];
  /** `full` is false for un-paged lists of documents, which omit line items like Xero does. */
  toJson(record: T, full: boolean): JsonObject;
  updatedAt(record: T): number;
  idField: string;
  defaultOrder: (a: JsonObject, b: JsonObject) => number;
  /** Records excluded unless includeArchived=true (e.g. archived contacts). */
  archived?(record: T): boolean;
  /** Whether an un-paged list still carries the full record. */
  fullWhenUnpaged?: boolean;
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

function orderBy(order: string): (a: JsonObject, b: JsonObject) => number {
  const clauses = order.split(',').map((part) => {
    const [field = '', dir = 'ASC'] = part.trim().split(/\s+/);
    return { field, desc: dir.toUpperCase() === 'DESC' };
  });
  return (a, b) => {
    for (const { field, desc } of clauses) {
      const [x, y] = [a[field], b[field]];
      const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
      if (cmp !== 0) return desc ? -cmp : cmp;
    }
    return 0;
  };
}

export function list<T>(c: Context, source: ListSource<T>): Listed | string {
  const since = parseTimestamp(c.req.header('If-Modified-Since'));
  const ids = c.req
    .query('IDs')
    ?.split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const includeArchived = c.req.query('includeArchived')?.toLowerCase() === 'true' || (ids?.length ?? 0) > 0;
  const pageParam = c.req.query('page');
  const paged = pageParam !== undefined;
  let records = source.records;
  if (since !== undefined) records = records.filter((r) => source.updatedAt(r) >= since);
  if (!includeArchived && source.archived) records = records.filter((r) => !source.archived?.(r));
  let items = records.map((r) => source.toJson(r, paged || source.fullWhenUnpaged === true));
  if (ids) items = items.filter((i) => ids.includes(String(i[source.idField]).toLowerCase()));
  const where = c.req.query('where');
  if (where) {
    try {
      const predicate = compileWhere(where);
      items = items.filter(predicate);
    } catch (e) {
      if (e instanceof WhereSyntaxError) return e.message;
      throw e;
    }
  }
  const order = c.req.query('order');
  items.sort(order ? orderBy(order) : source.defaultOrder);
  if (!paged) return { items, paged };
  const page = Math.max(1, Number.parseInt(pageParam, 10) || 1);
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Number.parseInt(c.req.query('pageSize') ?? '', 10) || DEFAULT_PAGE_SIZE));
  const itemCount = items.length;
  return {
    items: items.slice((page - 1) * pageSize, page * pageSize),
    paged,
    pagination: { page, pageSize, pageCount: Math.ceil(itemCount / pageSize), itemCount },
  };
}
