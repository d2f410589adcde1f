import { signal } from './signal';

/** Paths under /app/ (Vite's base); the server answers every one of them with index.html. */
export const BASE = '/app';

export const currentPath = signal(location.pathname);
addEventListener('popstate', () => currentPath.set(location.pathname));

export function navigate(path: string): void {
  history.pushState(null, '', path);
  currentPath.set(path);
}

export type Route = { page: 'settings' } | { page: 'status' } | { page: 'xero-organisation' } | { page: 'record'; kind: string; id: string } | { page: 'not-found' };

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '');
  if (path === BASE || path === `${BASE}/settings`) return { page: 'settings' };
  if (path === `${BASE}/status`) return { page: 'status' };
  if (path === `${BASE}/settings/xero-organisation`) return { page: 'xero-organisation' };
  const record = /^\/app\/records\/([a-z_]+)\/(\d+)$/.exec(path);
  if (record) return { page: 'record', kind: record[1]!, id: record[2]! };
  return { page: 'not-found' };
}
