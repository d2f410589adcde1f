import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_CONNECTED_MESSAGE } from '../../server/settings/validate';
import { expectEnvelope, uiApiHarness, type UiApiHarness } from './app-harness';

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
      ...defaults, syncBills: false, billDateFrom: '31/12/2026', invoiceStatus: 'PAID', sweepIntervalMinutes: 5000, notifyEmail: 'nope',
    });
    expect(await fieldErrorsOf(res)).toEqual({
      billDateFrom: 'Enter a date as YYYY-MM-DD.',
      invoiceStatus: 'Choose draft or awaiting payment.',
      sweepIntervalMinutes: 'Check at least once a day (1440 minutes).',
      notifyEmail: 'Enter an email address such as accounts@example.com.',
    });
  });

  it('a date range that ends before it starts is refused beside the end date', async () => {
    const res = await h.call('PUT', '/api/settings', token, { ...defaults, syncBills: false, billDateFrom: '2026-06-01', billDateTo: '2026-05-31' });
    expect(await fieldErrorsOf(res)).toEqual({ billDateTo: 'The end date must be on or after the start date.' });
  });

  it('bill syncing on without accounts names every missing account and tax rate', async () => {
    const fieldErrors = await fieldErrorsOf(await h.call('PUT', '/api/settings', token, { ...defaults, syncBills: true }));
    expect(Object.keys(fieldErrors).sort()).toEqual(
      ['creditNoteAccountCode', 'expenseAccountCode', 'expenseTaxType', 'interestAccountCode', 'interestTaxType',
        'paymentBankAccountCode', 'timeAccountCode', 'timeTaxType'].sort(),
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
});
