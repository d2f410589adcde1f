import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClioClient, type ClioTokenSource } from '../../server/clio/client';
import { ClioApiError, ClioAuthError } from '../../server/clio/errors';
import { createPacer } from '../../server/clio/pacing';
import { startClioEmulator } from '../emulators/clio/server';
import { control } from './harness';

let clio: Awaited<ReturnType<typeof startClioEmulator>>;
beforeAll(async () => {
  clio = await startClioEmulator({ port: 0 });
});
afterAll(() => clio?.close());

/** A token source over a token the emulator issued directly; counts renewals. */
function tokens(initial: string, renewed?: () => string): ClioTokenSource & { renewals: number } {
  let current = initial;
  const source = {
    key: `test:${Math.random()}`,
    renewals: 0,
    accessToken: async () => current,
    renew: async () => {
      source.renewals++;
      if (!renewed) throw new Error('no renewal possible');
      current = renewed();
      return current;
    },
  };
  return source;
}

/** The error a call fails with (a call that succeeds fails the test). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => Promise.reject(new Error('expected the call to fail')),
    (e: unknown) => e as ClioAuthError,
  );
const clientWith = (source: ClioTokenSource) => new ClioClient({ baseUrl: clio.url, tokens: source });
const requests = async () => (await control(clio.url, '/requests', undefined, 'GET')).data as { method: string; path: string; query: string; status: number }[];

describe('ClioClient', () => {
  it('lists every record across pages by following meta.paging.next', async () => {
    const client = clientWith(tokens(clio.emulator.issueToken().access_token));
    await control(clio.url, '/requests', undefined, 'DELETE');
    const ids: number[] = [];
    for await (const c of client.list<{ id: number; name: string }>('/contacts.json', { fields: 'id,name', query: { limit: 2 } })) ids.push(c.id);
    expect(ids).toEqual(clio.emulator.state.contacts.all().map((c) => c.id));
    const pages = (await requests()).filter((r) => r.path.startsWith('/api/v4/contacts'));
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]!.query).toContain('fields=id%2Cname');
  });

  // Cursor paging needs order=id(asc) (docs.developers.clio.com/api-docs/paging); allocations default to date(asc).
  it('asks for order=id(asc) so every listing is cursor-paged, except where the published file has no order', async () => {
    const client = clientWith(tokens(clio.emulator.issueToken().access_token));
    await control(clio.url, '/requests', undefined, 'DELETE');
    const ids: number[] = [];
    for await (const a of client.list<{ id: number }>('/allocations.json', { query: { limit: 1 } })) ids.push(a.id);
    expect(ids).toEqual(clio.emulator.state.allocations.all().map((a) => a.id));
    for await (const _ of client.list('/line_items.json', { query: { limit: 200 } }));
    const sent = (await requests()).map((r) => [r.path, new URLSearchParams(r.query).get('order'), r.status]);
    const allocations = sent.filter(([path]) => path === '/api/v4/allocations.json');
    expect(allocations).toHaveLength(ids.length);
    expect(allocations.filter(([, order, status]) => order !== 'id(asc)' || status !== 200)).toEqual([]);
    expect(sent.filter(([path]) => path === '/api/v4/line_items.json').map(([, order, status]) => [order, status])).toContainEqual([null, 200]);
    expect(sent.filter(([path, order]) => path === '/api/v4/line_items.json' && order !== null)).toEqual([]);
  });

  it('waits out a 429 (Retry-After) and retries', async () => {
    const client = clientWith(tokens(clio.emulator.issueToken().access_token));
    await control(clio.url, '/faults', { method: 'GET', path_prefix: '/api/v4/users/who_am_i', count: 1, kind: '429' });
    await control(clio.url, '/requests', undefined, 'DELETE');
    const me = await client.get<{ id: number }>('/users/who_am_i.json', { fields: 'id' });
    expect(me.id).toBeTypeOf('number');
    expect((await requests()).map((r) => r.status)).toEqual([429, 200]);
  });

  it('sends If-Match and turns 412 into a typed error', async () => {
    const client = clientWith(tokens(clio.emulator.issueToken().access_token));
    const contact = clio.emulator.state.contacts.all()[0]!;
    const err = await failure(client.patch(`/contacts/${contact.id}.json`, { title: 'Dr' }, { ifMatch: '"stale-etag"' }));
    expect(err).toBeInstanceOf(ClioApiError);
    expect(err.status).toBe(412);
    const fresh = await client.get<{ etag: string }>(`/contacts/${contact.id}.json`, { fields: 'id,etag' });
    const updated = await client.patch<{ title: string }>(`/contacts/${contact.id}.json`, { title: 'Dr' }, { ifMatch: fresh.etag, fields: 'id,title' });
    expect(updated.title).toBe('Dr');
  });

  it('renews once on an expired token (RFC 6750 401) and retries', async () => {
    const first = clio.emulator.issueToken().access_token;
    await control(clio.url, '/tokens/expire', { access_token: first });
    const source = tokens(first, () => clio.emulator.issueToken().access_token);
    const me = await clientWith(source).get<{ id: number }>('/users/who_am_i.json');
    expect(me.id).toBeTypeOf('number');
    expect(source.renewals).toBe(1);
  });

  it('does not renew on the other 401 shape (no usable Authorization header)', async () => {
    const source = tokens('', () => 'never');
    const err = await failure(clientWith(source).get('/users/who_am_i.json'));
    expect(err).toBeInstanceOf(ClioAuthError);
    expect(err.tokenRejected).toBe(false);
    expect(source.renewals).toBe(0);
  });

  it('refuses to follow a paging link to another host, so the token stays with Clio', async () => {
    const seen: string[] = [];
    const evil = new Hono().all('*', (c) => {
      seen.push(c.req.header('authorization') ?? '');
      return c.json({ data: [] });
    });
    const evilServer: ServerType = await new Promise((r) => {
      const s = serve({ fetch: evil.fetch, port: 0, hostname: '127.0.0.1' }, () => r(s));
    });
    const evilUrl = `http://127.0.0.1:${(evilServer.address() as { port: number }).port}`;
    const hostile = new Hono().get('/api/v4/contacts.json', (c) => c.json({ data: [{ id: 1 }], meta: { paging: { next: `${evilUrl}/api/v4/contacts.json` } } }));
    const hostileServer: ServerType = await new Promise((r) => {
      const s = serve({ fetch: hostile.fetch, port: 0, hostname: '127.0.0.1' }, () => r(s));
    });
    const client = new ClioClient({ baseUrl: `http://127.0.0.1:${(hostileServer.address() as { port: number }).port}`, tokens: tokens('secret-token') });
    const got: unknown[] = [];
    const err = await (async () => {
      for await (const c of client.list('/contacts.json')) got.push(c);
    })().catch((e: unknown) => e as ClioApiError);
    expect(got).toEqual([{ id: 1 }]);
    expect(err).toBeInstanceOf(ClioApiError);
    expect(seen).toEqual([]);
    await Promise.all([evilServer, hostileServer].map((s) => new Promise((r) => s.close(r))));
  });

  it('rejects an absolute URL passed as a path, before any request is made', async () => {
    const client = clientWith(tokens('t'));
    await control(clio.url, '/requests', undefined, 'DELETE');
    for (const absolute of ['https://evil.example/api/v4/contacts/1', `${clio.url}/api/v4/contacts/1.json`]) {
      const err = (await failure(client.get(absolute))) as unknown as Error;
      // Our guard's refusal, not Clio's answer to a mangled path.
      expect(err).not.toBeInstanceOf(ClioApiError);
      expect(err.message).toMatch(/Clio path must start with "\/"/);
    }
    expect(await requests()).toEqual([]);
  });
});

describe('rate limit headers', () => {
  it('holds back when Clio says the window is spent, so no request earns a 429', async () => {
    // A two-request window of one second (timeScale 60): the third call must wait for the reset.
    const tight = await startClioEmulator({ port: 0, rateLimit: 2, timeScale: 60 });
    try {
      const client = new ClioClient({ baseUrl: tight.url, tokens: tokens(tight.emulator.issueToken().access_token) });
      for (let i = 0; i < 5; i++) await client.get('/users/who_am_i.json');
      const statuses = ((await control(tight.url, '/requests', undefined, 'GET')).data as { status: number }[]).map((r) => r.status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
    } finally {
      await tight.close();
    }
  });
});

describe('pacer', () => {
  it('lets `limit` requests through per window and holds the next until the window moves', async () => {
    vi.useFakeTimers();
    try {
      const pacer = createPacer(2, 60_000);
      await pacer.take('k');
      await pacer.take('k');
      let third = false;
      const pending = pacer.take('k').then(() => (third = true));
      await vi.advanceTimersByTimeAsync(59_000);
      expect(third).toBe(false);
      await pacer.take('other-token');
      await vi.advanceTimersByTimeAsync(1_000);
      await pending;
      expect(third).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
