import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertFirm } from '../../server/firms/repository';
import { advanceCursor, getCursor } from '../../server/sync/cursors';
import { claimForCreate, getLinks, insertContactLink, linkCounts, recordPushed, recordWaiting, unsettledClioIds } from '../../server/sync/links';
import { listOpenErrors, recordFailureGroup, resolveFailures } from '../../server/sync/failure-groups';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The engine's own tables, two firms holding the same Clio ids: every read and write stays inside
 * its firm, and a cursor never moves back.
 */
let t: TestDatabase;
let a: string;
let b: string;
const failure = { code: 'XERO_ACCOUNT_ARCHIVED' as const, detail: 'Account 200 is archived.' };

beforeAll(async () => {
  t = await createTestDatabase();
  a = (await upsertFirm(t.db, { clioAccountId: 9001, region: 'us', name: 'A' })).id;
  b = (await upsertFirm(t.db, { clioAccountId: 9002, region: 'us', name: 'B' })).id;
  await recordPushed(t.db, a, 'bill', { clioId: '1', xeroId: 'inv-a', hash: 'h1', snapshot: {} });
});
afterAll(() => t?.drop());

describe('links, failure groups and cursors per firm', () => {
  it('a firm sees only its own links, and claiming the same Clio id in another firm leaves the first alone', async () => {
    expect((await getLinks(t.db, b, 'bill', ['1'])).size).toBe(0);
    await claimForCreate(t.db, b, 'bill', [{ clioId: '1', xeroNumber: '1' }]);
    expect((await getLinks(t.db, a, 'bill', ['1'])).get('1')).toMatchObject({ xeroId: 'inv-a', state: 'synced', claimedAt: null });
    expect((await getLinks(t.db, b, 'bill', ['1'])).get('1')).toMatchObject({ xeroId: null, state: 'pending' });
    expect(await unsettledClioIds(t.db, a, 'bill', 10, new Date())).toEqual([]);
    expect(await unsettledClioIds(t.db, b, 'bill', 10, new Date())).toEqual(['1']);
    expect(await linkCounts(t.db, a)).toEqual([{ kind: 'bill', state: 'synced', count: 1 }]);
  });

  it('a success in one firm does not resolve another firm’s failure of the same Clio id', async () => {
    await recordFailureGroup(t.db, a, 'bill', '1', failure);
    await resolveFailures(t.db, b, 'bill', ['1']);
    expect(await listOpenErrors(t.db, a)).toEqual([expect.objectContaining({ code: 'XERO_ACCOUNT_ARCHIVED', clioIds: ['1'] })]);
    expect(await listOpenErrors(t.db, b)).toEqual([]);
    await resolveFailures(t.db, a, 'bill', ['1']);
    expect(await listOpenErrors(t.db, a)).toEqual([]);
  });

  it('cursors are per firm and only move forward', async () => {
    await advanceCursor(t.db, a, 'clio', 'bills', '2026-12-01T10:00:00Z');
    await advanceCursor(t.db, a, 'clio', 'bills', '2026-11-01T10:00:00Z');
    expect(await getCursor(t.db, a, 'clio', 'bills')).toBe('2026-12-01T10:00:00Z');
    expect(await getCursor(t.db, b, 'clio', 'bills')).toBeUndefined();
  });
});

describe('linking a contact the admin chose (Contacts to review)', () => {
  it('takes over the sync’s own pending row, but never a contact already linked or a create in flight', async () => {
    // After a first sync, a client waiting on review has a pending row with no Xero id: the admin's link must win it.
    await recordWaiting(t.db, a, 'contact', '501', 'Waiting for a contact review');
    expect(await insertContactLink(t.db, a, { clioId: '501', xeroId: 'x-501' })).toBe('linked');
    expect((await getLinks(t.db, a, 'contact', ['501'])).get('501')).toMatchObject({ xeroId: 'x-501', state: 'synced' });
    // The same Xero contact for another client, and another Xero contact for the now-linked client, are both refused.
    expect(await insertContactLink(t.db, a, { clioId: '502', xeroId: 'x-501' })).toBe('xero_taken');
    expect(await insertContactLink(t.db, a, { clioId: '501', xeroId: 'x-other' })).toBe('clio_taken');
    // A create already claimed may have reached Xero: linking over it could leave two contacts.
    await claimForCreate(t.db, a, 'contact', [{ clioId: '503', xeroNumber: '503' }]);
    expect(await insertContactLink(t.db, a, { clioId: '503', xeroId: 'x-503' })).toBe('clio_taken');
    expect((await getLinks(t.db, a, 'contact', ['501', '502', '503'])).get('503')).toMatchObject({ xeroId: null });
  });
});
