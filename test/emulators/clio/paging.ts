import { badRequest } from './errors';
import type { Row } from './store';

export const MAX_LIMIT = 200;

export interface Page<T> {
  rows: T[];
  next?: string;
}

interface Cursor {
  /** The last id already returned. */
  after: number;
}

/**
 * Clio's cursor paging: `order=id(asc)` (or desc), `limit` ≤ 200, and a `page_token` carried in the
 * `meta.paging.next` URL, which repeats every other query parameter so it can be followed verbatim.
 */
export function paginate<T extends Row>(rows: T[], url: URL, publicBase: string): Page<T> {
  const limit = parseLimit(url.searchParams.get('limit'));
  const order = url.searchParams.get('order') ?? 'id(asc)';
  if (order !== 'id(asc)' && order !== 'id(desc)') {
    throw badRequest(`Unsupported order for cursor paging: ${order}`);
  }
  const descending = order === 'id(desc)';
  const sorted = descending ? [...rows].reverse() : rows;
  const token = url.searchParams.get('page_token');
  const cursor = token === null ? undefined : decode(token);
  const start = cursor ? sorted.filter((r) => (descending ? r.id < cursor.after : r.id > cursor.after)) : sorted;
  const page = start.slice(0, limit);
  const last = page[page.length - 1];
  if (start.length <= limit || !last) return { rows: page };
  const next = new URL(publicBase + url.pathname + url.search);
  next.searchParams.set('page_token', encode({ after: last.id }));
  return { rows: page, next: next.toString() };
}

function parseLimit(raw: string | null): number {
  if (raw === null) return MAX_LIMIT;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw badRequest(`limit must be an integer between 1 and ${MAX_LIMIT}`);
  }
  return limit;
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
