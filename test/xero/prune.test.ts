import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertFirm, upsertUser } from '../../server/firms/repository';
import { pruneXeroTables } from '../../server/xero/prune';
import { createTestDatabase, type TestDatabase } from '../support/database';

let t: TestDatabase;
let firmId: string;
let userId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  firmId = (await upsertFirm(t.db, { clioAccountId: 1, region: 'us', name: 'Prune LLP' })).id;
  userId = (await upsertUser(t.db, { firmId, clioUserId: 1, name: 'Pat', email: null, isAdmin: true })).id;
});
afterAll(() => t?.drop());

const DAY = 86_400_000;
const now = new Date('2026-12-10T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('pruneXeroTables', () => {
  it('deletes webhook keys older than 7 days and expired OAuth states, and keeps the rest', async () => {
    await t.db
      .insertInto('xero_webhook_events')
      .values([
        { event_key: 'old', firm_id: firmId, received_at: ago(7 * DAY + 60_000) },
        { event_key: 'recent', firm_id: firmId, received_at: ago(7 * DAY - 60_000) },
        { event_key: 'new', firm_id: firmId, received_at: ago(60_000) },
      ])
      .execute();
    const state = (s: string, expiresAt: Date, usedAt: Date | null = null) => ({
      state: s,
      firm_id: firmId,
      user_id: userId,
      code_verifier_enc: 'x',
      expires_at: expiresAt,
      used_at: usedAt,
    });
    await t.db
      .insertInto('xero_oauth_states')
      .values([state('expired', ago(1_000)), state('expired-used', ago(DAY), ago(DAY)), state('live', new Date(now.getTime() + 60_000))])
      .execute();

    expect(await pruneXeroTables(t.db, now)).toEqual({ webhookEvents: 1, oauthStates: 2 });
    const keys = (await t.db.selectFrom('xero_webhook_events').select('event_key').orderBy('event_key').execute()).map((r) => r.event_key);
    expect(keys).toEqual(['new', 'recent']);
    const states = (await t.db.selectFrom('xero_oauth_states').select('state').execute()).map((r) => r.state);
    expect(states).toEqual(['live']);

    expect(await pruneXeroTables(t.db, now)).toEqual({ webhookEvents: 0, oauthStates: 0 });
  });
});
