import { sessionToken, setToken } from './session';

/** A failed API call in the server's error envelope; `fieldErrors` are shown beside their fields. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface ErrorEnvelope {
  error?: { code?: string; message?: string; details?: { fieldErrors?: Record<string, string> } };
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = sessionToken.get();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  const envelope = (await res.json().catch(() => ({}))) as ErrorEnvelope;
  // An expired or revoked session sends the user back to the sign-in screen.
  if (res.status === 401) setToken(null);
  throw new ApiFailure(
    res.status,
    envelope.error?.code ?? 'UNKNOWN',
    envelope.error?.message ?? `The server answered ${res.status}.`,
    envelope.error?.details?.fieldErrors,
  );
}

/** Navigates the top window (not this frame, not a pop-up): Clio's and Xero's sign-in pages refuse to be framed. */
export function navigateTop(url: string): void {
  (window.top ?? window).location.href = url;
}

/**
 * Submits a form to `url` in the top window, or the named one. Our Xero start link needs the
 * session in the body (issue 15): it must never travel in a URL, and a link without it opens nothing.
 */
export function postTo(url: string, fields: Record<string, string>, target = '_top'): void {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = url;
  form.target = target;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
  form.remove();
}
