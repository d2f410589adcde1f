import { describe, expect, it } from 'vitest';
import { setup } from './harness';

const REDIRECT = 'https://addon.test/oauth/clio/callback';

async function authorize(t: ReturnType<typeof setup>, clientId = 'sandbox') {
  return t.emu.app.request(`/oauth/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=xyz`);
}

async function token(t: ReturnType<typeof setup>, form: Record<string, string>) {
  const res = await t.emu.app.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'sandbox', client_secret: 'sandbox-secret', ...form }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('OAuth', () => {
  it('approves at once, exchanges the code once, refreshes without rotating, and deauthorizes', async () => {
    const t = setup();
    const approval = await authorize(t);
    expect(approval.status).toBe(302);
    const callback = new URL(approval.headers.get('location') ?? '');
    expect(callback.origin + callback.pathname).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe('xyz');
    const code = callback.searchParams.get('code') ?? '';
    const granted = await token(t, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({ token_type: 'bearer', access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 2_592_000 });
    const who = await t.call('GET', '/api/v4/users/who_am_i.json?fields=id,name', undefined, { token: granted.body.access_token });
    expect(who.body.data.name).toBe('Harriet Vance');
    expect((await token(t, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body.error).toBe('invalid_grant');

    const refreshed = await token(t, { grant_type: 'refresh_token', refresh_token: granted.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeUndefined();
    expect(refreshed.body.access_token).not.toBe(granted.body.access_token);
    const again = await token(t, { grant_type: 'refresh_token', refresh_token: granted.body.refresh_token });
    expect(again.status).toBe(200);

    const revoke = await t.emu.app.request('/oauth/deauthorize', {
      method: 'POST',
      headers: { authorization: `Bearer ${again.body.access_token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${again.body.access_token}`,
    });
    expect(revoke.status).toBe(200);
    const dead = await t.call('GET', '/api/v4/users/who_am_i.json', undefined, { token: granted.body.access_token, validate: false });
    expect(dead.status).toBe(401);
    expect((await token(t, { grant_type: 'refresh_token', refresh_token: granted.body.refresh_token })).status).toBe(400);
  });

  it('approves as the user signed in to Clio Manage', async () => {
    const t = setup();
    const marcus = t.emu.state.users.all().find((u) => u.name === 'Marcus Reed');
    await t.control('POST', '/session', { user_id: marcus?.id });
    const code = new URL((await authorize(t)).headers.get('location') ?? '').searchParams.get('code') ?? '';
    const granted = await token(t, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    const who = await t.call('GET', '/api/v4/users/who_am_i.json?fields=id', undefined, { token: granted.body.access_token });
    expect(who.body.data.id).toBe(marcus?.id);
  });

  it('redirects a denied consent with access_denied, and refuses an unknown client without redirecting', async () => {
    const t = setup();
    await t.control('POST', '/session', { deny_consent: true });
    const denied = new URL((await authorize(t)).headers.get('location') ?? '');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('xyz');
    expect(denied.searchParams.get('code')).toBeNull();
    const unknown = await authorize(t, 'someone-else');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
  });

  it('refuses a bad code, a wrong redirect_uri, a bad secret and a code that expired', async () => {
    const t = setup();
    expect((await token(t, { grant_type: 'authorization_code', code: 'nope', redirect_uri: REDIRECT })).body.error).toBe('invalid_grant');
    const code = () => authorize(t).then((r) => new URL(r.headers.get('location') ?? '').searchParams.get('code') ?? '');
    expect((await token(t, { grant_type: 'authorization_code', code: await code(), redirect_uri: 'https://evil.test/cb' })).body.error).toBe('invalid_grant');
    expect((await token(t, { grant_type: 'authorization_code', code: await code(), redirect_uri: REDIRECT, client_secret: 'wrong' })).status).toBe(401);
    const late = await code();
    t.clock.advance(11 * 60_000);
    expect((await token(t, { grant_type: 'authorization_code', code: late, redirect_uri: REDIRECT })).body.error).toBe('invalid_grant');
  });

  it('answers 401 in both of Clio shapes: missing header, and an expired or revoked token', async () => {
    const t = setup();
    const missing = await t.emu.app.request('/api/v4/users.json');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: { type: 'Unauthorized', message: expect.any(String) } });
    await t.control('POST', '/tokens/expire', { access_token: t.token });
    const expired = await t.call('GET', '/api/v4/users.json', undefined, { validate: false });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('invalid_token');
    const minted = await t.control('POST', '/tokens', {});
    await t.control('POST', '/tokens/revoke', { access_token: minted.body.access_token });
    expect((await t.call('GET', '/api/v4/users.json', undefined, { token: minted.body.access_token, validate: false })).status).toBe(401);
    const fresh = await t.control('POST', '/tokens', {});
    t.clock.advance(30 * 86_400_000);
    expect((await t.call('GET', '/api/v4/users.json', undefined, { token: fresh.body.access_token, validate: false })).status).toBe(401);
  });
});

describe('rate limit', () => {
  it('allows 50 requests a minute per token, then 429 with Retry-After, and resets with the window', async () => {
    const t = setup();
    let last = await t.call('GET', '/api/v4/users.json');
    expect(last.headers.get('x-ratelimit-limit')).toBe('50');
    expect(last.headers.get('x-ratelimit-remaining')).toBe('49');
    expect(Number(last.headers.get('x-ratelimit-reset'))).toBe(Date.parse('2026-11-25T10:01:00Z') / 1000);
    for (let i = 1; i < 50; i += 1) last = await t.call('GET', '/api/v4/users.json');
    expect(last.status).toBe(200);
    expect(last.headers.get('x-ratelimit-remaining')).toBe('0');
    t.clock.advance(15_000);
    const limited = await t.call('GET', '/api/v4/users.json');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('45');
    const other = await t.call('GET', '/api/v4/users.json', undefined, { token: t.emu.issueToken().access_token });
    expect(other.status).toBe(200);
    t.clock.advance(45_000);
    expect((await t.call('GET', '/api/v4/users.json')).status).toBe(200);
  });

  it('shrinks the window with timeScale but still limits', async () => {
    const t = setup({ timeScale: 60, rateLimit: 2 });
    await t.call('GET', '/api/v4/users.json');
    await t.call('GET', '/api/v4/users.json');
    expect((await t.call('GET', '/api/v4/users.json')).status).toBe(429);
    t.clock.advance(1000);
    expect((await t.call('GET', '/api/v4/users.json')).status).toBe(200);
    expect(() => setup({ timeScale: 0 })).toThrow(/timeScale/);
  });
});

describe('fault injection and request log', () => {
  it('fails the next N matching calls the chosen way, then recovers', async () => {
    const t = setup({ hangMs: 20 });
    for (const kind of ['500', '503', '429'] as const) {
      await t.control('POST', '/faults', { method: 'GET', path_prefix: '/api/v4/contacts', count: 2, kind });
      expect((await t.call('GET', '/api/v4/contacts.json', undefined, { validate: false })).status).toBe(Number(kind));
      expect((await t.call('GET', '/api/v4/users.json')).status).toBe(200);
      expect((await t.call('GET', '/api/v4/contacts.json', undefined, { validate: false })).status).toBe(Number(kind));
      expect((await t.call('GET', '/api/v4/contacts.json')).status).toBe(200);
    }
    await t.control('POST', '/faults', { method: 'POST', path_prefix: '/oauth/token', kind: 'timeout' });
    const hung = await t.emu.app.request('/oauth/token', { method: 'POST' });
    expect(hung.status).toBe(504);
    expect((await t.control('POST', '/faults', { kind: 'teapot' })).status).toBe(422);
  });

  it('logs calls to Clio but not to the control API', async () => {
    const t = setup();
    await t.call('PATCH', `/api/v4/bills/${t.emu.state.bills.all()[0]?.id}.json`, { data: { memo: 'hi' } });
    const log = await t.control('GET', '/requests');
    expect(log.body.data).toEqual([
      { method: 'PATCH', path: expect.stringMatching(/^\/api\/v4\/bills\/\d+\.json$/), query: '', status: 200, token: t.token.slice(-6), body: { data: { memo: 'hi' } } },
    ]);
    await t.control('DELETE', '/requests');
    expect((await t.control('GET', '/requests')).body.data).toEqual([]);
  });
});
