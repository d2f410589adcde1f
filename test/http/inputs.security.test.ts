// Issue 8, finding 6: numbers and dates Postgres cannot hold answered 500; each now gets a clear 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEnvelope, uiApiHarness, type UiApiHarness } from '../ui-api/app-harness';
import { settingsForSeededChart, startConnectedStack } from '../ui-api/connected-stack';
import type { SyncSettings } from '../../server/api-contract';

let h: UiApiHarness;
let admin: { firmId: string; token: string };
let settings: Record<string, unknown>;
beforeAll(async () => {
  h = await uiApiHarness();
  admin = await h.firmWithUser({ admin: true });
  settings = (await (await h.call('GET', '/api/settings', admin.token)).json()).settings;
});
afterAll(() => h?.stop());

const TWENTY_DIGITS = '12345678901234567890';
const PAST_BIGINT = '9223372036854775808';

describe('unauthenticated inputs', () => {
  it('the deauthorization callback refuses a user_id no Clio id can be (400, not 500)', async () => {
    for (const user_id of ['123456789012345678901234', PAST_BIGINT, '0']) {
      const res = await h.call('POST', '/oauth/clio/deauthorize', undefined, { client_id: 'sandbox', user_id });
      expect([user_id, res.status]).toEqual([user_id, 400]);
      expectEnvelope(await res.json(), 'BAD_REQUEST');
    }
    // A number past 2^53 arrives with its digits already lost: refused too.
    const res = await h.call('POST', '/oauth/clio/deauthorize', undefined, '{"client_id":"sandbox","user_id":123456789012345678901234}');
    expect(res.status).toBe(400);
  });

  it('a custom-action click with an oversized user_id or record id gets the refusal page (403, not 500)', async () => {
    for (const [user, record] of [
      [TWENTY_DIGITS, '1'],
      ['7', TWENTY_DIGITS],
      ['007', '1'],
    ]) {
      const q = new URLSearchParams({ custom_action_id: '1', user_id: user!, subject_url: `/api/v4/contacts/${record}`, custom_action_nonce: 'n' });
      const res = await h.call('GET', `/actions/clio?${q}`);
      expect([user, record, res.status]).toEqual([user, record, 403]);
    }
  });
});

describe('an administrator’s inputs', () => {
  const put = (patch: Record<string, unknown>) => h.call('PUT', '/api/settings', admin.token, { ...settings, ...patch });

  it.each([
    ['a 20-digit Clio bank account id', { clioPaymentBankAccountId: TWENTY_DIGITS }, 'clioPaymentBankAccountId'],
    ['a bank account id past bigint', { clioPaymentBankAccountId: PAST_BIGINT }, 'clioPaymentBankAccountId'],
    ['billDateFrom in year 0', { billDateFrom: '0000-01-01' }, 'billDateFrom'],
    ['billDateTo in year 9999', { billDateTo: '9999-12-31' }, 'billDateTo'],
    ['hardCostStartDate before 1900', { hardCostStartDate: '1066-10-14' }, 'hardCostStartDate'],
  ])('refuses %s with 422 naming the field', async (_what, patch, field) => {
    const res = await put(patch);
    expect(res.status).toBe(422);
    const body = await res.json();
    expectEnvelope(body, 'UNPROCESSABLE_ENTITY');
    const details = body.error.details as { fieldErrors: Record<string, string> };
    expect(Object.keys(details.fieldErrors).join(' ')).toContain(field);
  });

  it('a 20-digit record id is no such record (404), to read or to queue', async () => {
    expect((await h.call('GET', `/api/records/contact/${TWENTY_DIGITS}`, admin.token)).status).toBe(404);
    expect((await h.call('POST', `/api/records/contact/${TWENTY_DIGITS}`, admin.token)).status).toBe(404);
  });

  it('a dry run over year 0 is a 400', async () => {
    const res = await h.call('POST', '/api/sync/preview', admin.token, { from: '0000-01-01', to: null });
    expect(res.status).toBe(400);
  });
});

describe('category ids with Xero connected (the chart accepts the account, so the rows reach the database)', () => {
  let connected: Awaited<ReturnType<typeof startConnectedStack>>;
  beforeAll(async () => {
    connected = await startConnectedStack();
  });
  afterAll(() => connected?.stack.stop());
  const put = (categoryAccounts: SyncSettings['categoryAccounts']) => connected.call('PUT', '/api/settings', settingsForSeededChart({ categoryAccounts }));

  it('"1009" and "01009" in one request: 422, not a duplicate-key 500', async () => {
    const res = await put([
      { clioKind: 'expense_category', clioId: '1009', accountCode: '260' },
      { clioKind: 'expense_category', clioId: '01009', accountCode: '260' },
    ]);
    expect(res.status).toBe(422);
  });

  it('a 20-digit category id: 422, not a bigint 500', async () => {
    expect((await put([{ clioKind: 'expense_category', clioId: TWENTY_DIGITS, accountCode: '260' }])).status).toBe(422);
  });

  it('a plain category id still saves', async () => {
    expect((await put([{ clioKind: 'expense_category', clioId: '1009', accountCode: '260' }])).status).toBe(200);
  });
});
