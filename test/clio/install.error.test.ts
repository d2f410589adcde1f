import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ClioHarness, control, manual, startClioHarness } from './harness';

let h: ClioHarness;
beforeAll(async () => {
  h = await startClioHarness();
});
afterAll(() => h?.stop());
beforeEach(() => control(h.clio.us.url, '/session', { deny_consent: false }));

const countConnections = async () => (await h.t.db.selectFrom('connections').select('id').execute()).length;

/**
 * Calls our callback as the browser would and follows its redirect: every outcome that signs no
 * one in is a 302 to a page of ours, so the URL carrying the code never stays on screen.
 */
async function landOn(callback: string): Promise<Response> {
  const res = await manual(callback);
  expect(res.status).toBe(302);
  const location = res.headers.get('location')!;
  expect(location).toMatch(/^\/oauth\/clio\/result\/\w+$/);
  return manual(`${h.url}${location}`);
}

/** Runs start → Clio's authorize and returns our callback URL as Clio would send the browser to it. */
async function callbackFromClio(region = 'us'): Promise<string> {
  const start = await manual(`${h.url}/oauth/clio/start?region=${region}`);
  const authorize = await manual(start.headers.get('location')!);
  return authorize.headers.get('location')!;
}

describe('clio install, when it goes wrong', () => {
  it('consent denied: a friendly page, no tokens stored', async () => {
    await control(h.clio.us.url, '/session', { deny_consent: true });
    const callback = await callbackFromClio();
    expect(new URL(callback).searchParams.get('error')).toBe('access_denied');
    const res = await landOn(callback);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You chose not to allow access');
    expect(await countConnections()).toBe(0);
  });

  it('unknown state: 400 page, the code is never redeemed', async () => {
    const callback = new URL(await callbackFromClio());
    callback.searchParams.set('state', 'forged-state');
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');
    const res = await landOn(callback.toString());
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('no longer valid');
    expect((await control(h.clio.us.url, '/requests', undefined, 'GET')).data).toEqual([]);
    expect(await countConnections()).toBe(0);
  });

  it('a used state cannot be replayed: we refuse it before Clio is asked', async () => {
    const callback = await callbackFromClio();
    const first = await manual(callback);
    expect(first.status).toBe(302);
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');
    const again = await landOn(callback);
    expect(again.status).toBe(400);
    // Our refusal of the state, not Clio's refusal of the used code.
    expect(await again.text()).toContain('no longer valid');
    expect((await control(h.clio.us.url, '/requests', undefined, 'GET')).data).toEqual([]);
  });

  it('an expired state is refused before Clio is asked, even with a good code', async () => {
    const callback = new URL(await callbackFromClio());
    // Ten minutes pass (the state's lifetime) on the database's clock.
    await h.t.db
      .updateTable('clio_oauth_states')
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where('state', '=', callback.searchParams.get('state')!)
      .execute();
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');
    const res = await landOn(callback.toString());
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('no longer valid');
    expect((await control(h.clio.us.url, '/requests', undefined, 'GET')).data).toEqual([]);
  });

  it('a code Clio already redeemed is refused with a page, not an error', async () => {
    const used = new URL(await callbackFromClio());
    expect((await manual(used.toString())).status).toBe(302);
    const fresh = new URL(await callbackFromClio());
    fresh.searchParams.set('code', used.searchParams.get('code')!);
    const res = await landOn(fresh.toString());
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Clio did not accept this sign-in');
  });

  it('an expired code is refused', async () => {
    const callback = await callbackFromClio();
    await control(h.clio.us.url, '/clock', { advance_ms: 11 * 60_000 });
    const res = await landOn(callback);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('expired or was already used');
  });

  it('only configured regions can start an install', async () => {
    for (const region of ['eu', 'au', 'xx']) {
      const res = await manual(`${h.url}/oauth/clio/start?region=${region}`);
      expect(res.status, region).toBe(400);
      expect(await res.text()).toContain('US, CA');
    }
    expect((await manual(`${h.url}/oauth/clio/start?region=us`)).status).toBe(302);
  });

  it('the authorize redirect carries our state, callback and redirect_on_decline', async () => {
    const res = await manual(`${h.url}/oauth/clio/start?region=us`);
    const url = new URL(res.headers.get('location')!);
    expect(url.origin + url.pathname).toBe(`${h.clio.us.url}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'sandbox',
      redirect_uri: `${h.url}/oauth/clio/callback`,
      redirect_on_decline: 'true',
    });
    const state = url.searchParams.get('state')!;
    const row = await h.t.db.selectFrom('clio_oauth_states').selectAll().where('state', '=', state).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ region: 'us', used_at: null });
  });

  it('never logs an OAuth code', async () => {
    const callback = new URL(await callbackFromClio());
    await manual(callback.toString());
    expect(h.logs.join('\n')).not.toContain(callback.searchParams.get('code')!);
  });
});
