import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchContactsJobSpec, TASK } from '../../server/jobs/enqueue';
import { manual } from '../clio/harness';
import { SEED_TENANTS } from '../emulators/xero/index';
import { connectFirm, startXeroStack, type XeroStack } from './stack';
import { eventually } from '../support/eventually';
import { sessionTokenFrom } from '../support/stack';

/**
 * Matching on connect through the running server: a firm installed from the Clio emulator (so its
 * admin has a Clio token) connects the Xero emulator's organisation; the worker runs the job.
 */
let stack: XeroStack;
let firmId: string;
let token: string;
const xeroIds = new Map<string, string>();

const tenant = () => stack.xero.emulator.state.tenants.get(SEED_TENANTS.primary.tenantId)!;
const clioState = () => stack.clio.emulator.state;

const matchedRuns = () => stack.logLines.filter((l) => l.includes('contacts matched') && l.includes(firmId)).length;

async function contactLinks() {
  const rows = await stack.db
    .selectFrom('links')
    .select(['clio_id', 'xero_id', 'state'])
    .where('firm_id', '=', firmId)
    .where('kind', '=', 'contact')
    .orderBy('clio_id')
    .execute();
  return rows;
}

const clioIdOf = (name: string) =>
  clioState()
    .contacts.all()
    .filter((c) => c.name === name)
    .map((c) => String(c.id));

beforeAll(async () => {
  stack = await startXeroStack();
  // Install through Clio: the firm, its admin and the admin's Clio token, as in production.
  let res = await manual(`${stack.baseUrl}/oauth/clio/start?region=us`);
  res = await manual(res.headers.get('location')!);
  res = await manual(res.headers.get('location')!);
  token = sessionTokenFrom(res.headers.get('location')!);
  ({ firmId } = await stack.sessions.verify(token));

  // Beyond the seeds: a Xero namesake for the two Clio "John Smith"s, a Clio client whose only
  // namesake in Xero is archived, and a Xero contact sharing a Clio client's email under another name.
  const created = await stack.xero.control('POST', `/tenants/${SEED_TENANTS.primary.tenantId}/contacts`, { Name: 'John Smith', EmailAddress: 'john.smith@example.com' });
  expect(created.ContactID).toBeTruthy();
  await stack.xero.control('POST', `/tenants/${SEED_TENANTS.primary.tenantId}/contacts`, { Name: 'L. Zolc', EmailAddress: 'LUKASZ.ZOLC@example.pl' });
  const former = await stack.control('clio', 'POST', '/contacts', { type: 'Company', name: 'Former Client Pty Ltd' });
  const formerId = former.id ?? former.data?.id;
  clioState().contacts.update(formerId, { is_client: true });
  // A contact that is not a client is never matched, even with a Xero namesake.
  await stack.control('clio', 'POST', '/contacts', { type: 'Company', name: 'Officeworks Supplies' });
  for (const c of tenant().contacts.values()) xeroIds.set(c.Name, c.ContactID);

  await connectFirm(stack, token, SEED_TENANTS.primary.tenantId);
  await eventually(() => matchedRuns() > 0, 'the match_contacts job');
}, 60_000);
afterAll(() => stack?.stop());

describe('contact matching on connect', () => {
  it('links only the unambiguous pair, and leaves no-match and non-clients alone', async () => {
    expect(await contactLinks()).toEqual([{ clio_id: clioIdOf('Jane Citizen')[0], xero_id: xeroIds.get('Jane Citizen'), state: 'synced' }]);
  });

  it('lists every doubt for the admin, with the candidates and a reason, and never a guess', async () => {
    const res = await stack.api(token)('GET', '/api/contacts/match-reviews');
    expect(res.status).toBe(200);
    const byClio = new Map<string, any>(res.body.reviews.map((r: any) => [r.clioContactId, r]));
    const expected: [string, string, string, string][] = [
      ['Acme Holdings Pty Ltd', 'Acme Holdings Pty Ltd', 'ACTIVE', 'different email address'],
      ['Müller & Söhne GmbH', 'Müller & Söhne GmbH', 'ACTIVE', 'different email address'],
      ['Former Client Pty Ltd', 'Former Client Pty Ltd', 'ARCHIVED', 'archived'],
      ['Łukasz Żółć', 'L. Zolc', 'ACTIVE', 'same email address under another name'],
    ];
    for (const [clioName, xeroName, status, reason] of expected) {
      const review = byClio.get(clioIdOf(clioName)[0]!);
      expect(review, clioName).toMatchObject({ clioName, reason: expect.stringContaining(reason) });
      expect(review.candidates).toEqual([expect.objectContaining({ xeroContactId: xeroIds.get(xeroName), name: xeroName, status })]);
    }
    expect(byClio.get(clioIdOf('Acme Holdings Pty Ltd')[0]!)).toMatchObject({
      clioEmail: 'accounts@acmeholdings.com.au',
      candidates: [{ email: 'accounts@acme-holdings.example' }],
    });
    const smiths = clioIdOf('John Smith');
    expect(smiths).toHaveLength(2);
    for (const id of smiths) {
      expect(byClio.get(id)).toMatchObject({ reason: expect.stringContaining('2 Clio clients are named'), candidates: [{ xeroContactId: xeroIds.get('John Smith') }] });
    }
    // 太郎 山田 is not 山田 太郎; Officeworks is not a client in Clio; neither is listed nor linked.
    expect(res.body.reviews).toHaveLength(expected.length + 2);
    for (const name of ['太郎 山田', 'Officeworks Supplies', 'Jane Citizen']) expect(byClio.has(clioIdOf(name)[0]!)).toBe(false);
  });

  it('resolves a review by linking one of its candidates, or by asking for a new contact', async () => {
    const call = stack.api(token);
    const reviews: any[] = (await call('GET', '/api/contacts/match-reviews')).body.reviews;
    const acme = reviews.find((r) => r.clioName === 'Acme Holdings Pty Ltd');
    const smith = reviews.find((r) => r.clioName === 'John Smith');
    const former = reviews.find((r) => r.clioName === 'Former Client Pty Ltd');

    const notOffered = await call('POST', `/api/contacts/match-reviews/${smith.id}`, { xeroContactId: xeroIds.get('Jane Citizen') });
    expect(notOffered.status).toBe(422);
    expect((await call('POST', `/api/contacts/match-reviews/${smith.id}`, { xeroContactId: 'x', createNew: true })).status).toBe(400);
    expect((await call('POST', `/api/contacts/match-reviews/${smith.id}`, { createNew: false })).status).toBe(400);

    const linked = await call('POST', `/api/contacts/match-reviews/${acme.id}`, { xeroContactId: xeroIds.get('Acme Holdings Pty Ltd') });
    expect(linked).toEqual({ status: 200, body: { resolved: true } });
    expect(await contactLinks()).toContainEqual({ clio_id: acme.clioContactId, xero_id: xeroIds.get('Acme Holdings Pty Ltd'), state: 'synced' });
    expect((await call('POST', `/api/contacts/match-reviews/${acme.id}`, { createNew: true })).status).toBe(404);

    expect((await call('POST', `/api/contacts/match-reviews/${former.id}`, { createNew: true })).status).toBe(200);
    expect((await contactLinks()).map((l) => l.clio_id)).not.toContain(former.clioContactId);

    const open = (await call('GET', '/api/contacts/match-reviews')).body.reviews.map((r: any) => r.id);
    expect(open).not.toContain(acme.id);
    expect(open).not.toContain(former.id);
    expect(open).toContain(smith.id);
    expect(await stack.db.selectFrom('contact_match_reviews').select(['resolution', 'resolved_xero_contact_id']).where('id', '=', acme.id).executeTakeFirst()).toEqual({
      resolution: 'linked',
      resolved_xero_contact_id: xeroIds.get('Acme Holdings Pty Ltd'),
    });

    // The second John Smith cannot take the Xero contact the first one got.
    const [first, second] = reviews.filter((r) => r.clioName === 'John Smith');
    expect((await call('POST', `/api/contacts/match-reviews/${first.id}`, { xeroContactId: xeroIds.get('John Smith') })).status).toBe(200);
    expect((await call('POST', `/api/contacts/match-reviews/${second.id}`, { xeroContactId: xeroIds.get('John Smith') })).status).toBe(409);
  });

  it('keeps links and settled reviews when matching runs again', async () => {
    const before = await contactLinks();
    const openBefore = (await stack.api(token)('GET', '/api/contacts/match-reviews')).body.reviews;
    const runs = matchedRuns();
    await stack.server.jobs.addJob(TASK.matchContacts, { firmId }, matchContactsJobSpec(firmId));
    await eventually(() => matchedRuns() > runs, 'a second match_contacts run');
    expect(await contactLinks()).toEqual(before);
    const openAfter = (await stack.api(token)('GET', '/api/contacts/match-reviews')).body.reviews;
    expect(openAfter.map((r: any) => r.clioContactId).sort()).toEqual(openBefore.map((r: any) => r.clioContactId).sort());
    expect(openAfter.map((r: any) => r.clioName)).not.toContain('Acme Holdings Pty Ltd');
  });

  it('shows and settles reviews for the firm’s admins only', async () => {
    const review = (await stack.api(token)('GET', '/api/contacts/match-reviews')).body.reviews[0];
    expect(review).toBeTruthy();

    const other = await stack.createFirmSession({ isAdmin: true });
    const otherCall = stack.api(other.token);
    expect(await otherCall('GET', '/api/contacts/match-reviews')).toEqual({ status: 200, body: { reviews: [] } });
    expect((await otherCall('POST', `/api/contacts/match-reviews/${review.id}`, { createNew: true })).status).toBe(404);

    const { userId } = await stack.sessions.verify(token);
    const nonAdmin = stack.api(await stack.sessions.issue({ firmId, userId, isAdmin: false }));
    expect((await nonAdmin('GET', '/api/contacts/match-reviews')).status).toBe(403);
    expect((await nonAdmin('POST', `/api/contacts/match-reviews/${review.id}`, { createNew: true })).status).toBe(403);
    expect((await fetch(`${stack.baseUrl}/api/contacts/match-reviews`)).status).toBe(401);
    expect((await stack.api(token)('POST', '/api/contacts/match-reviews/not-a-number', { createNew: true })).status).toBe(404);

    // Still open: none of the refused calls settled it.
    expect((await stack.api(token)('GET', '/api/contacts/match-reviews')).body.reviews.map((r: any) => r.id)).toContain(review.id);
  });
});
