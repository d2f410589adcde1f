import { signal } from './signal';

/**
 * The session token the server hands over in the URL fragment (#token=…) after Clio OAuth, Xero
 * OAuth or a verified custom action. It lives in sessionStorage (per tab, partitioned when framed)
 * rather than a cookie, because third-party cookies are unreliable inside Clio's iframe.
 */
const STORAGE_KEY = 'clio-xero-sync.session';
let memory: string | null = null;

function store(token: string | null): void {
  memory = token;
  try {
    if (token) sessionStorage.setItem(STORAGE_KEY, token);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be blocked in a third-party frame; the in-memory copy still serves this page.
  }
}

function stored(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? memory;
  } catch {
    return memory;
  }
}

/** Seconds since the epoch at which the token expires, read from its (unverified) payload. */
function expiresAt(token: string): number {
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    return Number((JSON.parse(atob(payload)) as { exp?: unknown }).exp) || 0;
  } catch {
    return 0;
  }
}

export const sessionToken = signal<string | null>(null);

/** Moves a fragment token into storage and strips it from the address bar. */
export function captureToken(): void {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    store(fromFragment);
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  const token = stored();
  setToken(token && expiresAt(token) * 1000 > Date.now() ? token : null);
}

export function setToken(token: string | null): void {
  store(token);
  sessionToken.set(token);
  scheduleRenewal(token);
}

let renewTimer: ReturnType<typeof setTimeout> | undefined;

/** Renews a minute before expiry (or halfway, for short tokens) while the page stays open. */
function scheduleRenewal(token: string | null): void {
  clearTimeout(renewTimer);
  if (!token) return;
  const msLeft = expiresAt(token) * 1000 - Date.now();
  const delay = Math.max(1000, Math.min(msLeft - 60_000, msLeft / 2));
  renewTimer = setTimeout(() => void renew(token), delay);
}

async function renew(token: string): Promise<void> {
  const res = await fetch('/api/session/renew', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  if (res?.ok) setToken(((await res.json()) as { token: string }).token);
  else if (res && res.status === 401) setToken(null);
  else scheduleRenewal(token);
}
