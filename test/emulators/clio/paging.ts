import { badRequest, ClioError } from './errors';
import type { Row } from './store';

export const MAX_LIMIT = 200;
/** Offset paging reaches at most the first 10,000 records (docs.developers.clio.com/api-docs/paging). */
export const OFFSET_RECORD_CAP = 10_000;
const CURSOR_ORDER = 'id(asc)';

export interface Page<T> {
  rows: T[];
  next?: string;
}

/**
 * The `order` a list endpoint takes, as the published OpenAPI file declares it: its default when
 * none is sent (`date(asc)` for allocations and credit memos, `id(asc)` for most), or `null` for an
 * endpoint that declares no `order` at all (line items, custom actions…), listed by id whatever is sent.
 */
export type DefaultOrder = string | null;

interface Cursor {
  /** The last id already returned. */
  after: number;
}

/**
 * Clio's two ways of paging (docs.developers.clio.com/api-docs/paging):
 * - cursor paging, "the default": `order=id(asc)` and no `offset`; each page's `meta.paging.next`
 *   repeats the query with a `page_token`, no limit on the records reached, serial only;
 * - offset paging, for any other order: `offset` skips records, at most 10,000 records in all;
 *   "attempting to retrieve a page over the limit will result in a 422 ArgumentError".
 * UNCONFIRMED (README): a custom order without an `offset` (neither way as documented) and a
 * `page_token` on a custom order are refused with a 400, the strict answer; a page reaching past
 * 10,000 records (offset + limit) is a 422, and the last page under the cap still links to it.
 */
export function paginate<T extends Row>(rows: T[], url: URL, publicBase: string, defaultOrder: DefaultOrder = CURSOR_ORDER): Page<T> {
  const limit = parseLimit(url.searchParams.get('limit'));
  const order = defaultOrder === null ? CURSOR_ORDER : (url.searchParams.get('order') ?? defaultOrder);
  const offset = url.searchParams.get('offset');
  if (offset !== null) return offsetPage(sortBy(rows, order), url, publicBase, limit, parseOffset(offset, limit));
  if (order !== CURSOR_ORDER) {
    throw badRequest(`Cursor pagination requires order=${CURSOR_ORDER}; use offset pagination for order=${order}`);
  }
  return cursorPage(rows, url, publicBase, limit);
}

function cursorPage<T extends Row>(rows: T[], url: URL, publicBase: string, limit: number): Page<T> {
  const token = url.searchParams.get('page_token');
  const cursor = token === null ? undefined : decode(token);
  const start = cursor ? rows.filter((r) => r.id > cursor.after) : rows;
  const page = start.slice(0, limit);
  const last = page[page.length - 1];
  if (start.length <= limit || !last) return { rows: page };
  return { rows: page, next: linkWith(url, publicBase, 'page_token', encode({ after: last.id })) };
}

function offsetPage<T extends Row>(sorted: T[], url: URL, publicBase: string, limit: number, offset: number): Page<T> {
  const page = sorted.slice(offset, offset + limit);
  if (offset + limit >= sorted.length) return { rows: page };
  return { rows: page, next: linkWith(url, publicBase, 'offset', String(offset + limit)) };
}

/** `field(asc|desc)`, ties broken by id so every page boundary is stable. */
function sortBy<T extends Row>(rows: T[], order: string): T[] {
  const m = /^([a-z_.]+)\((asc|desc)\)$/.exec(order);
  if (!m) throw badRequest(`Invalid order: ${order}`);
  const [, field, direction] = m as unknown as [string, string, 'asc' | 'desc'];
  const value = (row: T): unknown => field.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), row);
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    const byValue = x === y ? 0 : x === undefined || x === null ? -1 : y === undefined || y === null ? 1 : x < y ? -1 : 1;
    return sign * (byValue || a.id - b.id);
  });
}

function linkWith(url: URL, publicBase: string, name: string, value: string): string {
  const next = new URL(publicBase + url.pathname + url.search);
  next.searchParams.set(name, value);
  return next.toString();
}

function parseLimit(raw: string | null): number {
  if (raw === null) return MAX_LIMIT;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw badRequest(`limit must be an integer between 1 and ${MAX_LIMIT}`);
  }
  return limit;
}

function parseOffset(raw: string, limit: number): number {
  const offset = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(offset)) throw badRequest('offset must be a non-negative integer');
  if (offset + limit > OFFSET_RECORD_CAP) {
    throw new ClioError(422, 'ArgumentError', `Offset pagination is limited to the first ${OFFSET_RECORD_CAP} records; use cursor pagination with order=${CURSOR_ORDER}`);
  }
  return offset;
}

function encode(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decode(token: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    if (Number.isInteger(cursor.after)) return cursor;
  } catch {
    // falls through to the error below
  }
  throw badRequest('Invalid page_token');
}
