import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedRequest } from '../emulators/clio/request-log';
import { expectValid, loadOpenApi, OPENAPI_FILES } from '../support/openapi';
import { startSyncStack, type SyncStack } from './stack';

/**
 * Every request the product sends Clio, in a run that installs, syncs the seeded history (bulk reads),
 * follows payments, credit, interest, hard costs and contact edits by webhook and by sweep, must
 * validate against Clio's published OpenAPI file: its path and method, each query parameter's name
 * and type, and its body. A parameter the file types otherwise than we use it (`parent_type`, an
 * int32 naming CreditMemo or Payment) is not sent at all. Listings page as docs.developers.clio.com/
 * api-docs/paging allows: by cursor, so with `order=id(asc)` wherever the file declares an `order`.
 */
const spec = loadOpenApi(OPENAPI_FILES.clio);
/** Not in the published file, only in Clio's prose (../shared/spec/clio-api.md §6): the webhook handshake. */
const PROSE_ONLY = /^\/api\/v4\/webhooks\/\d+\/activate\.json$/;

let s: SyncStack;
let sent: LoggedRequest[] = [];

beforeAll(async () => {
  s = await startSyncStack({ settings: (day) => ({ invoiceStatus: 'AUTHORISED', syncHardCosts: true, hardCostStartDate: day }) });
  await s.settled('the first sync');
  const { contactId, matterId } = await s.newClient('Conformance Pty Ltd', 'accounts@conformance.example');
  const paid = await s.newApprovedBill(matterId, 300);
  const credited = await s.newApprovedBill(matterId, 500);
  await s.settled();
  await s.clioControl('POST', `/bills/${paid.id}/payments`, { amount: 100, method: 'manual' });
  await s.clioControl('POST', `/bills/${credited.id}/credit_memos`, { amount: 50 });
  await s.clioControl('POST', `/bills/${credited.id}/interest`, { amount: 5 });
  await s.clioControl('PATCH', `/contacts/${contactId}`, { name: 'Conformance Holdings Pty Ltd' });
  const vendor = await s.clioControl('POST', '/contacts', { type: 'Company', name: 'Courier Co' });
  await s.clioControl('POST', '/activities', {
    type: 'HardCostEntry',
    quantity: 1,
    price: 40,
    matter: { id: matterId },
    vendor: { id: vendor.id },
    tax_setting: 'no_tax',
  });
  await s.settled();
  // The Settings tab's lookups.
  for (const path of ['/api/clio/categories', '/api/clio/bank-accounts']) expect((await s.call('GET', path)).status).toBe(200);
  await s.sweep();
  await s.scheduledSweep();
  sent = ((await s.clioControl('GET', '/requests')) as LoggedRequest[]).filter((r) => r.path.startsWith('/api/v4/'));
}, 240_000);
afterAll(() => s?.stack.stop());

describe('what the product sends Clio', { timeout: 60_000 }, () => {
  it('is a varied run: lists, reads by id, writes and the webhook handshake', () => {
    const kinds = new Set(sent.map((r) => `${r.method} ${r.path.replace(/\/\d+(?=[./])/g, '/{id}')}`));
    for (const k of [
      'GET /api/v4/bills.json',
      'GET /api/v4/allocations.json',
      'GET /api/v4/line_items.json',
      'GET /api/v4/credit_memos.json',
      'GET /api/v4/activities.json',
      'GET /api/v4/contacts.json',
      'POST /api/v4/webhooks.json',
      'POST /api/v4/custom_actions.json',
    ]) {
      expect(kinds, k).toContain(k);
    }
  });

  it('validates against the published OpenAPI file, request by request', () => {
    const failures = sent
      .filter((r) => !PROSE_ONLY.test(r.path))
      .flatMap((r) => {
        const query = new URLSearchParams(r.query);
        const errors = [
          ...spec.validateQuery(r.method, r.path, query),
          ...spec.validateRequest(r.method, r.path, r.body === null ? undefined : r.body, { query: Object.fromEntries(query) }),
        ];
        return errors.map((e) => `${r.method} ${r.path}${r.query}: ${e}`);
      });
    expectValid([...new Set(failures)], 'the requests sent to Clio');
  });

  it('pages every listing by cursor: order=id(asc) wherever the file declares an order, never an offset', () => {
    const lists = sent.filter((r) => r.method === 'GET' && !/\/\d+(\.json)?$/.test(r.path) && !r.path.endsWith('who_am_i.json'));
    const declaresOrder = (path: string) => spec.validateQuery('GET', path, new URLSearchParams('order=id(asc)')).length === 0;
    const wrong = lists.filter((r) => {
      const q = new URLSearchParams(r.query);
      return q.has('offset') || (declaresOrder(r.path) ? q.get('order') !== 'id(asc)' : q.has('order'));
    });
    expect(wrong.map((r) => `${r.path}${r.query}`)).toEqual([]);
    expect(lists.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.path}${r.query}`)).toEqual([]);
  });
});
