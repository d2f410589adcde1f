import { ClioApiError, ClioAuthError, readClioError } from './errors';
import { type Pacer, processPacer, sleep } from './pacing';
import { countCall } from '../metrics/registry';

/** Pinned so a change of Clio's default version never changes our payloads unannounced. */
export const CLIO_API_VERSION = '4.0.9';
const MAX_RATE_LIMIT_RETRIES = 3;
const MAX_RETRY_AFTER_S = 60;

export interface ClioTokenSource {
  /** A key for pacing (the connection id): Clio's limit is per token. */
  key: string;
  accessToken(): Promise<string>;
  /** Clio rejected `rejected` as expired or revoked: a fresh token, or a throw if none can be had. */
  renew(rejected: string): Promise<string>;
}

export interface ClioClientOptions {
  /** The region's host, e.g. https://app.clio.com; the API is under /api/v4. */
  baseUrl: string;
  tokens: ClioTokenSource;
  pacer?: Pacer;
  timeoutMs?: number;
}

export interface ReadOptions {
  fields?: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
}

export interface WriteOptions {
  fields?: string;
  /** The record's etag: Clio answers 412 when someone changed it since. */
  ifMatch?: string;
  headers?: Record<string, string>;
}

interface Envelope<T> {
  data: T;
  meta?: { paging?: { next?: string } };
}

/**
 * Clio Manage API v4 for one token. Paths are relative to /api/v4 (`/contacts.json`); a path that
 * already starts with /api/v4/ (a custom action's subject_url) is taken as is. Only Clio's own host
 * is ever called: a paging link pointing elsewhere is refused, so the token never leaves it.
 */
export class ClioClient {
  private readonly pacer: Pacer;
  constructor(private readonly opts: ClioClientOptions) {
    this.pacer = opts.pacer ?? processPacer();
  }

  async get<T>(path: string, opts: ReadOptions = {}): Promise<T> {
    const res = await this.send('GET', this.url(path, opts), undefined, opts.headers);
    return ((await res.json()) as Envelope<T>).data;
  }

  /**
   * Every record of a collection, following `meta.paging.next` verbatim. Not every collection takes
   * `order` (custom_actions does not), so it is left to the caller; Clio's default is cursor paging by id.
   */
  async *list<T>(path: string, opts: ReadOptions = {}): AsyncGenerator<T> {
    let next: URL | undefined = this.url(path, { ...opts, query: { limit: 200, ...opts.query } });
    while (next) {
      const res = await this.send('GET', next, undefined, opts.headers);
      const page = (await res.json()) as Envelope<T[]>;
      yield* page.data;
      next = page.meta?.paging?.next ? this.sameOrigin(page.meta.paging.next) : undefined;
    }
  }

  async post<T>(path: string, data: unknown, opts: WriteOptions = {}): Promise<T> {
    const res = await this.send('POST', this.url(path, opts), { data }, headersFor(opts));
    return ((await res.json()) as Envelope<T>).data;
  }

  async patch<T>(path: string, data: unknown, opts: WriteOptions = {}): Promise<T> {
    const res = await this.send('PATCH', this.url(path, opts), { data }, headersFor(opts));
    return ((await res.json()) as Envelope<T>).data;
  }

  /** PUT without a `data` envelope when `data` is undefined (e.g. webhook activation). */
  async put<T>(path: string, data: unknown, opts: WriteOptions = {}): Promise<T | undefined> {
    const res = await this.send('PUT', this.url(path, opts), data === undefined ? undefined : { data }, headersFor(opts));
    return ((await res.json().catch(() => null)) as Envelope<T> | null)?.data;
  }

  async del(path: string): Promise<void> {
    await this.send('DELETE', this.url(path, {}));
  }

  /** A request whose status the caller judges itself (a custom-action nonce check, say). */
  async probe(path: string, opts: ReadOptions = {}): Promise<number> {
    try {
      await this.send('GET', this.url(path, opts), undefined, opts.headers);
      return 200;
    } catch (err) {
      if (err instanceof ClioApiError) return err.status;
      throw err;
    }
  }

  private url(path: string, opts: ReadOptions): URL {
    if (!path.startsWith('/')) throw new Error(`Clio path must start with "/": ${path}`);
    const url = new URL(path.startsWith('/api/v4/') ? path : `/api/v4${path}`, this.opts.baseUrl);
    this.sameOrigin(url.toString());
    if (opts.fields) url.searchParams.set('fields', opts.fields);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private sameOrigin(raw: string): URL {
    const url = new URL(raw);
    if (url.origin !== new URL(this.opts.baseUrl).origin) {
      throw new ClioApiError(0, 'foreign_host', `refusing to send a Clio token to ${url.origin}`);
    }
    return url;
  }

  private async send(method: string, url: URL, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    let token = await this.opts.tokens.accessToken();
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      await this.pacer.take(this.opts.tokens.key);
      const res = await fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          'X-API-VERSION': CLIO_API_VERSION,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
      countCall('clio', res.status);
      if (res.headers.get('x-ratelimit-remaining') === '0') {
        this.pacer.pause(this.opts.tokens.key, Number(res.headers.get('x-ratelimit-reset')) * 1000);
      }
      if (res.ok) return res;
      if (res.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
        await res.body?.cancel();
        await sleep(retryAfterMs(res));
        continue;
      }
      const err = await readClioError(res);
      if (err instanceof ClioAuthError && err.tokenRejected && !renewed) {
        token = await this.opts.tokens.renew(token);
        renewed = true;
        continue;
      }
      throw err;
    }
  }
}

function headersFor(opts: WriteOptions): Record<string, string> {
  return { ...opts.headers, ...(opts.ifMatch ? { 'If-Match': opts.ifMatch } : {}) };
}

function retryAfterMs(res: Response): number {
  const seconds = Number(res.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, MAX_RETRY_AFTER_S) * 1000 : 1000;
}
