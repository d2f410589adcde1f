import { signal } from './signal';

/**
 * The session token the server hands over in the URL fragment (#token=…) after Clio OAuth or a
 * verified custom action (or, framed, by the sign-in popup). It lives in sessionStorage and goes
 * out in the Authorization header. Framed inside Clio, storage is refused, so the server also
 * keeps a partitioned HttpOnly cookie, set at each renewal, from which a reloaded page resumes
 * (docs/adr/0007-framed-sessions.md).
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

/** Moves a fragment token into storage and strips it from the address bar; without one, resumes from the cookie. */
export async function captureToken(): Promise<void> {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) history.replaceState(history.state, '', location.pathname + location.search);
  const token = fromFragment ?? stored();
  if (token && expiresAt(token) * 1000 > Date.now()) {
    if (fromFragment) await signedIn(fromFragment);
    else setToken(token);
    return;
  }
  await resume();
}

/** A token just handed over: kept, and put in the cookie a reloaded frame resumes from (renewals refresh it). */
export async function signedIn(token: string): Promise<void> {
  setToken(token);
  await fetch('/api/session/cookie', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => null);
}

async function resume(): Promise<void> {
  const res = await fetch('/api/session/resume', { method: 'POST' }).catch(() => null);
  setToken(res?.ok ? ((await res.json()) as { token: string }).token : null);
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
