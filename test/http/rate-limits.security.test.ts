// Issue 8, findings 1, 7, 8 and 9: unauthenticated floods that spent a firm's Clio allowance or
// stored rows, a signed-in user queuing without end, and a refusal that told known users apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConcurrencyLimiter, createRateLimiter, LIMITS } from '../../server/http/rate-limit';
import { type ClioHarness, control, installAndSignIn, manual, startClioHarness, accountOwner } from '../clio/harness';

let h: ClioHarness;
let admin: Awaited<ReturnType<typeof installAndSignIn>>;
beforeAll(async () => {
  h = await startClioHarness();
  admin = await installAndSignIn(h, { clioUserId: owner().id });
});
afterAll(() => h?.stop());

const emu = () => h.clio.us.emulator;
const owner = () => accountOwner(h);
const clioCalls = async () =>
  ((await control(h.clio.us.url, '/requests', undefined, 'GET')).data as { method: string; path: string }[]).filter((c) => c.path.startsWith('/api/v4/contacts/'));
const forged = (userId: string | number, nonce = 'f'.repeat(32)) =>
  `${h.url}/actions/clio?${new URLSearchParams({ custom_action_id: '1', user_id: String(userId), subject_url: '/api/v4/contacts/1', custom_action_nonce: nonce })}`;

describe('the rate limiter (per process, in memory)', () => {
  it('allows the burst, refuses the next, and earns requests back over time', () => {
    const limiter = createRateLimiter({ burst: 3, perMinute: 6 });
    const t0 = 1_000_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a', t0))).toEqual([true, true, true, false]);
    expect(limiter.take('b', t0)).toBe(true);
    expect(limiter.take('a', t0 + 9_000)).toBe(false);
    expect(limiter.take('a', t0 + 10_000)).toBe(true);
  });

  it('caps work in flight per key until released', () => {
    const gate = createConcurrencyLimiter(2);
    const a = gate.enter('c')!;
    expect(gate.enter('c')).toBeDefined();
    expect(gate.enter('c')).toBeUndefined();
    a();
    a();
    expect(gate.enter('c')).toBeDefined();
    expect(gate.enter('c')).toBeUndefined();
  });
});

describe('custom-action nonce checks (finding 1)', () => {
  it('sixty forged clicks in parallel for an installed user cost at most the per-address burst of nonce checks', async () => {
    await control(h.clio.us.url, '/requests', undefined, 'DELETE');
    const statuses = await Promise.all(Array.from({ length: 60 }, async () => (await manual(forged(owner().id))).status));
    const calls = await clioCalls();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThanOrEqual(LIMITS.customActionChecksPerAddress.burst);
    expect(statuses.filter((s) => s === 403).length).toBe(calls.length);
    expect(statuses.filter((s) => s === 429).length).toBe(60 - calls.length);
  });

  it('one address naming many users is stopped by the per-address limit before the database or Clio', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.customActionPerAddress.burst + 5; i++) statuses.push((await manual(forged(900_000 + i))).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
  });
});

describe('one refusal for an unknown user and a bad nonce (finding 9)', () => {
  it('answers both with the same status and the same page', async () => {
    const fresh = await startClioHarness();
    try {
      await installAndSignIn(fresh, { clioUserId: fresh.clio.us.emulator.state.users.all().find((u) => u.account_owner)!.id });
      const installedId = fresh.clio.us.emulator.state.users.all().find((u) => u.account_owner)!.id;
      const url = (userId: string | number) =>
        `${fresh.url}/actions/clio?${new URLSearchParams({ custom_action_id: '1', user_id: String(userId), subject_url: '/api/v4/contacts/1', custom_action_nonce: 'bad' })}`;
      const known = await manual(url(installedId));
      const unknown = await manual(url(987_654_321));
      expect([known.status, unknown.status]).toEqual([403, 403]);
      expect(await known.text()).toBe(await unknown.text());
    } finally {
      await fresh.stop();
    }
  });
});

describe('queuing record syncs (finding 7)', () => {
  const post = (path: string) => fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  let token: string;
  beforeAll(async () => {
    token = await h.deps.sessions.issue(admin);
  });
  const queued = async () => (await h.jobs()).filter((j) => j.queue_name === `firm:${admin.firmId}` && j.payload.reason === 'manual');

  it('repeats of the same record collapse into one waiting job', async () => {
    const before = (await queued()).length;
    for (let i = 0; i < 5; i++) expect((await post('/api/records/contact/4242')).status).toBe(202);
    expect((await queued()).length - before).toBe(1);
  });

  it('a made-up kind is refused and queues nothing', async () => {
    const before = (await queued()).length;
    expect((await post('/api/records/anything_goes/123')).status).toBe(404);
    expect((await queued()).length).toBe(before);
  });

  it('one user is limited per minute: the flood is refused with 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.recordSyncPerUser.burst + 10; i++) statuses.push((await post(`/api/records/contact/${10_000 + i}`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10 - 1);
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(LIMITS.recordSyncPerUser.burst + 1);
  });
});

describe('install starts (finding 8)', () => {
  it('one address cannot fill the state table', async () => {
    const count = async () =>
      Number(
        (
          await h.t.db
            .selectFrom('clio_oauth_states')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await manual(`${h.url}/oauth/clio/start?region=us`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(200 - LIMITS.clioStartPerAddress.burst - 2);
    expect((await count()) - before).toBeLessThanOrEqual(LIMITS.clioStartPerAddress.burst + 2);
  });
});
