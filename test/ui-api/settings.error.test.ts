import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_CONNECTED_MESSAGE } from '../../server/settings/validate';
import { expectEnvelope, uiApiHarness, type UiApiHarness } from './app-harness';
import { settingsForSeededChart, startConnectedStack } from './connected-stack';

let h: UiApiHarness;
let token: string;
let defaults: Record<string, unknown>;
beforeAll(async () => {
  h = await uiApiHarness();
  token = (await h.firmWithUser({ admin: true })).token;
  defaults = (await (await h.call('GET', '/api/settings', token)).json()).settings;
});
afterAll(() => h.stop());

async function fieldErrorsOf(res: Response) {
  expect(res.status).toBe(422);
  const body = await res.json();
  expectEnvelope(body, 'UNPROCESSABLE_ENTITY');
  return (body.error.details as { fieldErrors: Record<string, string> }).fieldErrors;
}

describe('UI API: settings that cannot be saved', () => {
  it('malformed values come back as 422 with a plain message per field', async () => {
    const res = await h.call('PUT', '/api/settings', token, {
      ...defaults,
      syncBills: false,
      billDateFrom: '31/12/2026',
      invoiceStatus: 'PAID',
      creditNoteTaxMode: 'sometimes',
      sweepIntervalMinutes: 5000,
      notifyEmail: 'nope',
    });
    expect(await fieldErrorsOf(res)).toEqual({
      billDateFrom: 'Enter a date as YYYY-MM-DD.',
      invoiceStatus: 'Choose draft or awaiting payment.',
      creditNoteTaxMode: 'Choose how credit notes are taxed.',
      sweepIntervalMinutes: 'Check at least once a day (1440 minutes).',
      notifyEmail: 'Enter an email address such as accounts@example.com.',
    });
  });

  it('a date range that ends before it starts is refused beside the end date', async () => {
    const res = await h.call('PUT', '/api/settings', token, { ...defaults, syncBills: false, billDateFrom: '2026-06-01', billDateTo: '2026-05-31' });
    expect(await fieldErrorsOf(res)).toEqual({ billDateTo: 'The end date must be on or after the start date.' });
  });

  it('one save names every problem at once: malformed fields do not hide a date range out of order or a missing account', async () => {
    const res = await h.call('PUT', '/api/settings', token, {
      ...defaults,
      syncBills: true,
      billDateFrom: '2026-12-07',
      billDateTo: '2026-07-12',
      notifyEmail: 'nope',
      sweepIntervalMinutes: 0,
    });
    const choose = 'Choose an account; syncing needs it.';
    const chooseRate = 'Choose a tax rate; syncing needs it.';
    expect(await fieldErrorsOf(res)).toEqual({
      billDateTo: 'The end date must be on or after the start date.',
      notifyEmail: 'Enter an email address such as accounts@example.com.',
      sweepIntervalMinutes: 'Check at least every 1 minute.',
      timeAccountCode: choose,
      expenseAccountCode: choose,
      interestAccountCode: choose,
      creditNoteAccountCode: choose,
      paymentBankAccountCode: choose,
      timeTaxType: chooseRate,
      expenseTaxType: chooseRate,
      interestTaxType: chooseRate,
    });
  });

  it('bill syncing on without accounts names every missing account and tax rate', async () => {
    const fieldErrors = await fieldErrorsOf(await h.call('PUT', '/api/settings', token, { ...defaults, syncBills: true }));
    expect(Object.keys(fieldErrors).sort()).toEqual(
      [
        'creditNoteAccountCode',
        'expenseAccountCode',
        'expenseTaxType',
        'interestAccountCode',
        'interestTaxType',
        'paymentBankAccountCode',
        'timeAccountCode',
        'timeTaxType',
      ].sort(),
    );
  });

  it('choosing accounts before Xero is connected asks to connect first', async () => {
    const res = await h.call('PUT', '/api/settings', token, { ...defaults, syncBills: false, timeAccountCode: '200' });
    expect(await fieldErrorsOf(res)).toEqual({ timeAccountCode: NOT_CONNECTED_MESSAGE });
  });

  it('the account and tax-rate lists answer 409 until Xero is connected', async () => {
    for (const path of ['/api/xero/accounts', '/api/xero/tax-rates']) {
      const res = await h.call('GET', path, token);
      expect(res.status).toBe(409);
      expectEnvelope(await res.json(), 'CONFLICT');
    }
  });

  it('a body that is not JSON is 400; nothing is saved after any refusal', async () => {
    const res = await h.call('PUT', '/api/settings', token, '{not json');
    expect(res.status).toBe(400);
    expectEnvelope(await res.json(), 'BAD_REQUEST');
    expect((await (await h.call('GET', '/api/settings', token)).json()).settings).toEqual(defaults);
  });

  it('an unknown record kind or a non-numeric id is 404', async () => {
    for (const path of ['/api/records/Bill/1', '/api/records/bill/abc']) {
      const res = await h.call('GET', path, token);
      expect(res.status).toBe(404);
      expectEnvelope(await res.json(), 'NOT_FOUND');
    }
  });

  it('POST of a record kind no sync job knows is refused in the envelope, and nothing is queued', async () => {
    const before = h.jobs.length;
    for (const path of ['/api/records/anything_goes/123', '/api/records/invoice/123']) {
      const res = await h.call('POST', path, token);
      expect(res.status).toBe(404);
      expectEnvelope(await res.json(), 'NOT_FOUND');
    }
    expect(h.jobs.length).toBe(before);
  });
});

describe('UI API with Xero connected (emulator): settings Xero would reject', () => {
  let connected: Awaited<ReturnType<typeof startConnectedStack>>;
  beforeAll(async () => {
    connected = await startConnectedStack();
  }, 60_000);
  afterAll(() => connected?.stack.stop());

  const refused = async (overrides: Parameters<typeof settingsForSeededChart>[0]) => {
    const { status, body } = await connected.call('PUT', '/api/settings', settingsForSeededChart(overrides));
    expect(status).toBe(422);
    expectEnvelope(body, 'UNPROCESSABLE_ENTITY');
    return (body.error.details as { fieldErrors: Record<string, string> }).fieldErrors;
  };

  it('an archived account, a missing one, a system account and an expense account for fees are each named beside their field', async () => {
    expect(await refused({ timeAccountCode: '205', expenseAccountCode: '999', interestAccountCode: '610', creditNoteAccountCode: '412' })).toEqual({
      timeAccountCode: 'Legal Fees (pre-2024) (205) is archived in Xero. Restore it in Xero or choose another account.',
      expenseAccountCode: "Account 999 no longer exists in Xero's chart of accounts. Choose another account.",
      interestAccountCode: 'Accounts Receivable (610) is a Xero system account and cannot be used here.',
      creditNoteAccountCode: expect.stringContaining('is not an income'),
    });
  });

  it('the same bank account for payments and hard costs is refused; so is a non-bank account', async () => {
    expect(await refused({ hardCostBankAccountCode: '090' })).toEqual({ hardCostBankAccountCode: expect.stringContaining('different bank account') });
    expect(await refused({ paymentBankAccountCode: '200' })).toEqual({ paymentBankAccountCode: expect.stringContaining('is not a bank account') });
  });

  it('tax types must exist in the organisation and apply to sales', async () => {
    expect(await refused({ timeTaxType: 'NOSUCHTAX', expenseTaxType: 'INPUT' })).toEqual({
      timeTaxType: expect.stringContaining('does not exist'),
      expenseTaxType: expect.stringContaining('cannot be used on sales'),
    });
  });

  it('a category override to an archived account is named on its row', async () => {
    expect(await refused({ categoryAccounts: [{ clioKind: 'activity_description', clioId: '3', accountCode: '205' }] })).toEqual({
      'categoryAccounts.activity_description.3': expect.stringContaining('archived in Xero'),
    });
  });

  it('when Xero fails, the error says so in the envelope and nothing is saved', async () => {
    const before = (await connected.call('GET', '/api/settings')).body.settings;
    await connected.stack.xero.control('POST', '/faults', { kind: '503', pathRegex: 'Accounts', count: 20 });
    try {
      const { status, body } = await connected.call('PUT', '/api/settings', settingsForSeededChart());
      expect(status).toBe(502);
      expectEnvelope(body, 'BAD_GATEWAY');
      expect(body.error.message).toMatch(/^Xero could not give us your chart of accounts/);
    } finally {
      await connected.stack.xero.control('DELETE', '/faults');
    }
    expect((await connected.call('GET', '/api/settings')).body.settings).toEqual(before);
  });
});
