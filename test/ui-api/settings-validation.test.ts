import { describe, expect, it } from 'vitest';
import { accountPickers, activeTaxRates, BANK_WITHOUT_CODE_REASON } from '../../server/settings/chart';
import { fieldErrorsFromZod, parsableSettings, syncSettingsSchema } from '../../server/settings/model';
import { NOT_CONNECTED_MESSAGE, validateSettings } from '../../server/settings/validate';
import { demoChart, validSettings } from './chart-fixture';

describe('account pickers', () => {
  const pickers = accountPickers(demoChart().accounts);
  const codes = (purpose: keyof typeof pickers) => pickers[purpose].map((o) => o.code);

  it('offer only active accounts of a fitting type, never system accounts', () => {
    expect(codes('revenue')).toEqual(['200', '210', '260', '270']);
    expect(codes('expense')).toEqual(['310', '412']);
    expect(codes('bank')).toEqual(['090', '091', null]);
  });

  it('show a bank account without a code as disabled, with the reason', () => {
    const card = pickers.bank.find((o) => o.name === 'Business Credit Card');
    expect(card).toEqual({ code: null, name: 'Business Credit Card', type: 'BANK', disabled: true, reason: BANK_WITHOUT_CODE_REASON });
    expect(pickers.bank.filter((o) => o.code !== null).every((o) => !o.disabled)).toBe(true);
  });

  it('tax rates: only the active ones', () => {
    expect(activeTaxRates(demoChart().taxRates).map((t) => t.taxType)).toEqual(
      ['GST Free Income', 'GST on Expenses', 'GST on Income'].map((name) => demoChart().taxRates.find((t) => t.name === name)!.taxType),
    );
  });
});

describe('validateSettings', () => {
  it('accepts settings that Xero would accept', () => {
    expect(validateSettings(validSettings(), demoChart())).toEqual({});
  });

  it('names an archived account beside its field', () => {
    const errors = validateSettings(validSettings({ timeAccountCode: '299' }), demoChart());
    expect(errors).toEqual({ timeAccountCode: expect.stringContaining('archived in Xero') });
  });

  it('rejects accounts that do not exist, are of the wrong type, or are system accounts', () => {
    const errors = validateSettings(
      validSettings({ expenseAccountCode: '999', interestAccountCode: '412', creditNoteAccountCode: '610', hardCostAccountCode: '200' }),
      demoChart(),
    );
    expect(errors.expenseAccountCode).toMatch(/no longer exists/);
    expect(errors.interestAccountCode).toMatch(/is not an income/);
    expect(errors.creditNoteAccountCode).toMatch(/system account/);
    expect(errors.hardCostAccountCode).toMatch(/is not an expense/);
  });

  it('requires bank accounts to be BANK accounts with distinct codes', () => {
    expect(validateSettings(validSettings({ paymentBankAccountCode: '200' }), demoChart()).paymentBankAccountCode).toMatch(/is not a bank account/);
    expect(validateSettings(validSettings({ hardCostBankAccountCode: '090' }), demoChart())).toEqual({
      hardCostBankAccountCode: expect.stringMatching(/different bank account/),
    });
  });

  it('reports a code shared by two Xero accounts', () => {
    const chart = demoChart();
    chart.accounts.push({ ...chart.accounts[0]!, id: 'dup', name: 'Second cheque' });
    expect(validateSettings(validSettings(), chart).paymentBankAccountCode).toMatch(/More than one Xero account has the code 090/);
  });

  it('checks tax types against the organisation: exists, active, usable on sales', () => {
    const errors = validateSettings(validSettings({ timeTaxType: 'NOPE', expenseTaxType: 'OLDOUTPUT', interestTaxType: 'INPUT' }), demoChart());
    expect(errors.timeTaxType).toMatch(/does not exist/);
    expect(errors.expenseTaxType).toMatch(/no longer active/);
    expect(errors.interestTaxType).toMatch(/cannot be used on sales/);
  });

  it('wants the date range in order and a hard-cost start date when hard costs sync', () => {
    const errors = validateSettings(validSettings({ billDateFrom: '2026-05-01', billDateTo: '2026-04-30', hardCostStartDate: null }), demoChart());
    expect(errors).toEqual({ billDateTo: expect.stringMatching(/on or after/), hardCostStartDate: expect.any(String) });
  });

  it('accepts a one-day range: the start date may equal the end date', () => {
    expect(validateSettings(validSettings({ billDateFrom: '2026-05-01', billDateTo: '2026-05-01' }), demoChart())).toEqual({});
  });

  it('requires the hard-cost accounts while hard costs sync, and only then', () => {
    const missing = validSettings({ syncHardCosts: true, hardCostAccountCode: null, hardCostBankAccountCode: null });
    expect(validateSettings(missing, demoChart())).toEqual({
      hardCostAccountCode: 'Choose an account; syncing needs it.',
      hardCostBankAccountCode: 'Choose an account; syncing needs it.',
    });
    expect(validateSettings({ ...missing, syncHardCosts: false, hardCostStartDate: null }, demoChart())).toEqual({});
  });

  it('refuses sync from Xero without the Clio bank account its payments go to', () => {
    const errors = validateSettings(validSettings({ syncFromXero: true, clioPaymentBankAccountId: null }), demoChart());
    expect(errors).toEqual({ clioPaymentBankAccountId: expect.stringMatching(/Clio bank account/) });
    expect(validateSettings(validSettings({ syncFromXero: true, clioPaymentBankAccountId: '3' }), demoChart())).toEqual({});
  });

  it('takes only a 0 % rate for untaxed lines, and leaves them optional (a bill with one waits until chosen)', () => {
    expect(validateSettings(validSettings({ timeUntaxedTaxType: null, expenseUntaxedTaxType: null }), demoChart())).toEqual({});
    expect(validateSettings(validSettings({ expenseUntaxedTaxType: 'OUTPUT' }), demoChart())).toEqual({
      expenseUntaxedTaxType: 'GST on Income is 10 %; untaxed lines need a 0 % rate (exempt, zero-rated or out of scope).',
    });
    expect(validateSettings(validSettings({ timeUntaxedTaxType: 'INPUT' }), demoChart())).toEqual({
      timeUntaxedTaxType: 'GST on Expenses cannot be used on sales in Xero. Choose a sales tax rate.',
    });
  });

  it('wants the taxed rates to be the rate Clio taxes bills at, when Clio says it', () => {
    expect(validateSettings(validSettings(), demoChart(), { taxRate: 10, secondaryTaxRate: null })).toEqual({});
    const wrong =
      "GST on Income is 10 % in Xero, but Clio taxes bills at 20 %. Choose the Xero tax rate that matches Clio's, or change the tax rate in Clio (Settings → Billing).";
    expect(validateSettings(validSettings(), demoChart(), { taxRate: 20, secondaryTaxRate: null })).toEqual({ timeTaxType: wrong, expenseTaxType: wrong });
    // A secondary tax: a rate of either, or of both together, is one a taxed line can have.
    expect(validateSettings(validSettings(), demoChart(), { taxRate: 5, secondaryTaxRate: 5 })).toEqual({});
    expect(validateSettings(validSettings(), demoChart(), { taxRate: 6, secondaryTaxRate: 7 })).toMatchObject({
      timeTaxType: expect.stringContaining('Clio taxes bills at 6 % (secondary tax 7 %)'),
    });
  });

  it('requires what bill syncing needs only while it is on', () => {
    const empty = validSettings({
      timeAccountCode: null,
      expenseAccountCode: null,
      interestAccountCode: null,
      creditNoteAccountCode: null,
      paymentBankAccountCode: null,
      timeTaxType: null,
      expenseTaxType: null,
      interestTaxType: null,
      timeUntaxedTaxType: null,
      expenseUntaxedTaxType: null,
      syncHardCosts: false,
      hardCostAccountCode: null,
      hardCostBankAccountCode: null,
      categoryAccounts: [],
    });
    expect(Object.keys(validateSettings(empty, demoChart())).sort()).toEqual(
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
    expect(validateSettings({ ...empty, syncBills: false }, null)).toEqual({});
  });

  it('without a Xero connection, every chosen account or tax rate asks to connect first', () => {
    const errors = validateSettings(validSettings({ syncHardCosts: false, hardCostAccountCode: null, hardCostBankAccountCode: null }), null);
    expect(errors.timeAccountCode).toBe(NOT_CONNECTED_MESSAGE);
    expect(errors.timeTaxType).toBe(NOT_CONNECTED_MESSAGE);
    expect(errors['categoryAccounts.activity_description.11']).toBe(NOT_CONNECTED_MESSAGE);
  });

  it('checks category overrides: income accounts only, one row per category', () => {
    const errors = validateSettings(
      validSettings({
        categoryAccounts: [
          { clioKind: 'expense_category', clioId: '5', accountCode: '412' },
          { clioKind: 'activity_description', clioId: '11', accountCode: '260' },
          { clioKind: 'activity_description', clioId: '11', accountCode: '200' },
        ],
      }),
      demoChart(),
    );
    expect(errors).toEqual({
      'categoryAccounts.expense_category.5': expect.stringMatching(/is not an income/),
      'categoryAccounts.activity_description.11': expect.stringMatching(/listed twice/),
    });
  });
});

describe('payload parsing', () => {
  it('turns malformed fields into plain messages keyed by field', () => {
    const input = { ...validSettings(), billDateFrom: '01/02/2026', sweepIntervalMinutes: 0, notifyEmail: 'nobody' };
    const parsed = syncSettingsSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(fieldErrorsFromZod(parsed.error!, input)).toEqual({
      billDateFrom: 'Enter a date as YYYY-MM-DD.',
      sweepIntervalMinutes: 'Check at least every 1 minute.',
      notifyEmail: 'Enter an email address such as accounts@example.com.',
    });
  });

  it('keeps what parses of a refused payload, so the other checks still run; a malformed field is left unset', () => {
    const input = {
      ...validSettings(),
      billDateFrom: '01/02/2026',
      billDateTo: '2026-01-01',
      notifyEmail: 'nobody',
      categoryAccounts: [{ clioKind: 'activity_description', clioId: '7', accountCode: '200' }, { clioKind: 'x' }],
    };
    expect(parsableSettings(input)).toEqual({
      ...validSettings(),
      billDateFrom: null,
      billDateTo: '2026-01-01',
      notifyEmail: null,
      categoryAccounts: [{ clioKind: 'activity_description', clioId: '7', accountCode: '200' }],
    });
    expect(parsableSettings([1, 2])).toBeNull();
    expect(parsableSettings('settings')).toBeNull();
  });

  it('refuses fields it does not know, such as a firm id', () => {
    const input = { ...validSettings(), firmId: 'someone-else' };
    const parsed = syncSettingsSchema.safeParse(input);
    expect(fieldErrorsFromZod(parsed.error!, input)).toEqual({ form: expect.any(String) });
  });
});
