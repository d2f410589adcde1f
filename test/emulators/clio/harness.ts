import { expect } from 'vitest';
import { expectValid, loadOpenApi, OPENAPI_FILES } from '../../support/openapi';
import { createClioEmulator, fixedClock, type EmulatorOptions } from './index';

export const spec = loadOpenApi(OPENAPI_FILES.clio);

export const BASE_URL = 'http://clio.test';
export const T0 = '2026-11-25T10:00:00Z';

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** Spec disagrees: Clio sends null for unset fields, but its schemas mark nothing nullable. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

/** Every path in Clio's spec ends in `.json`; the emulator (like Clio) also answers without it. */
function specPath(path: string): string {
  const bare = path.split('?')[0] as string;
  return bare.endsWith('.json') ? bare : `${bare}.json`;
}

export function setup(options: Partial<EmulatorOptions> = {}) {
  const clock = fixedClock(T0);
  const emu = createClioEmulator({ baseUrl: BASE_URL, clock, ...options });
  let token = emu.issueToken().access_token;

  /** Calls the API and checks the request body and the JSON response against Clio's OpenAPI document. */
  async function call(
    method: string,
    path: string,
    body?: unknown,
    extra: { headers?: Record<string, string>; token?: string; validate?: boolean } = {},
  ): Promise<Reply> {
    const url = path.startsWith('http') ? new URL(path).pathname + new URL(path).search : path;
    if (body !== undefined && extra.validate !== false) {
      expectValid(spec.validateRequest(method, specPath(url), body), `${method} ${url} request`);
    }
    const res = await emu.app.request(url, {
      method,
      headers: {
        authorization: `Bearer ${extra.token ?? token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...extra.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    if (extra.validate !== false && url.startsWith('/api/v4') && res.status !== 304 && res.status !== 303) {
      expectValid(spec.validateResponse(method, specPath(url), res.status, withoutNulls(json)), `${method} ${url} ${res.status} response`);
    }
    return { status: res.status, body: json, headers: res.headers };
  }

  async function control(method: string, path: string, body?: unknown): Promise<Reply> {
    const res = await emu.app.request(`/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text, headers: res.headers };
  }

  /** Follows `meta.paging.next` to the end and returns every record. */
  async function all(path: string): Promise<any[]> {
    const rows: any[] = [];
    let next: string | undefined = path;
    while (next) {
      const reply: Reply = await call('GET', next);
      expect(reply.status).toBe(200);
      rows.push(...reply.body.data);
      next = reply.body.meta.paging.next;
    }
    return rows;
  }

  return {
    emu,
    clock,
    call,
    control,
    all,
    get token() {
      return token;
    },
    useToken(next: string) {
      token = next;
    },
  };
}
