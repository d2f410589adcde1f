// Organisation settings: Organisation (with lock dates), Accounts, TaxRates, TrackingCategories (read-only) and Currencies.
import { Hono } from 'hono';
import type { ApiEnv } from './api-env';
import { newId, type EmulatorContext } from './context';
import { msDate } from './dates';
import { list } from './listing';
import { badRequest, envelope, notFound } from './responses';
import type { Account, JsonObject, TaxRate, Tenant, TrackingCategory } from './store';

export function organisationJson(tenant: Tenant): JsonObject {
  const { PeriodLockDate, EndOfYearLockDate, CreatedDateUTC, ...rest } = tenant.organisation;
  return {
    ...rest,
    APIKey: '',
    PaysTax: true,
    IsDemoCompany: false,
    OrganisationStatus: 'ACTIVE',
    OrganisationEntityType: rest.OrganisationType,
    Class: 'STANDARD',
    Edition: 'BUSINESS',
    ...(PeriodLockDate !== undefined ? { PeriodLockDate: msDate(PeriodLockDate) } : {}),
    ...(EndOfYearLockDate !== undefined ? { EndOfYearLockDate: msDate(EndOfYearLockDate) } : {}),
    CreatedDateUTC: msDate(CreatedDateUTC),
    Addresses: [],
    Phones: [],
    ExternalLinks: [],
    PaymentTerms: {},
  };
}

const accountJson = (a: Account): JsonObject => ({
  AccountID: a.AccountID,
  ...(a.Code !== undefined ? { Code: a.Code } : {}),
  Name: a.Name,
  Status: a.Status,
  Type: a.Type,
  TaxType: a.TaxType,
  Class: a.Class,
  EnablePaymentsToAccount: a.EnablePaymentsToAccount,
  ShowInExpenseClaims: false,
  ...(a.BankAccountNumber ? { BankAccountNumber: a.BankAccountNumber } : {}),
  ...(a.BankAccountType ? { BankAccountType: a.BankAccountType } : {}),
  ...(a.Type === 'BANK' ? { CurrencyCode: 'AUD' } : {}),
  ...(a.SystemAccount ? { SystemAccount: a.SystemAccount } : {}),
  ReportingCode: '',
  HasAttachments: false,
  UpdatedDateUTC: msDate(a.UpdatedDateUTC),
  AddToWatchlist: false,
});

const taxRateJson = (t: TaxRate): JsonObject => ({
  Name: t.Name,
  TaxType: t.TaxType,
  ReportTaxType: t.ReportTaxType,
  Status: t.Status,
  CanApplyToAssets: t.CanApplyToAssets,
  CanApplyToEquity: t.CanApplyToEquity,
  CanApplyToExpenses: t.CanApplyToExpenses,
  CanApplyToLiabilities: t.CanApplyToLiabilities,
  CanApplyToRevenue: t.CanApplyToRevenue,
  DisplayTaxRate: t.Rate,
  EffectiveRate: t.Rate,
  TaxComponents: [{ Name: t.Rate > 0 ? 'GST' : 'None', Rate: t.Rate, IsCompound: false, IsNonRecoverable: false }],
});

const trackingJson = (t: TrackingCategory): JsonObject => ({
  Name: t.Name,
  Status: t.Status,
  TrackingCategoryID: t.TrackingCategoryID,
  Options: t.Options.map((o) => ({
    TrackingOptionID: o.TrackingOptionID,
    Name: o.Name,
    Status: o.Status,
    HasValidationErrors: false,
    IsDeleted: false,
    IsArchived: o.Status === 'ARCHIVED',
    IsActive: o.Status === 'ACTIVE',
  })),
});

export function settingsRoutes(ctx: EmulatorContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const env = { newId: () => newId(ctx), now: () => ctx.clock.now() };
  const byName = (a: JsonObject, b: JsonObject) => String(a.Name).localeCompare(String(b.Name));
  // Code order, uncoded accounts last (localeCompare would sort punctuation before digits).
  const codeOrder = (a: JsonObject, b: JsonObject) => {
    const [x, y] = [a.Code === undefined ? '\uffff' : String(a.Code), b.Code === undefined ? '\uffff' : String(b.Code)];
    return x < y ? -1 : x > y ? 1 : 0;
  };

  app.get('/Organisation', (c) => c.json(envelope(env, 'Organisations', [organisationJson(c.get('tenant'))])));
  app.get('/Organisation/Actions', (c) =>
    c.json(
      envelope(env, 'Actions', [
        { Name: 'UseMulticurrency', Status: c.get('tenant').currencies.length > 1 ? 'ALLOWED' : 'NOT-ALLOWED' },
        { Name: 'CreateApprovedInvoice', Status: 'ALLOWED' },
        { Name: 'CreateDraftInvoice', Status: 'ALLOWED' },
        { Name: 'CreatePayments', Status: 'ALLOWED' },
      ]),
    ),
  );

  app.get('/Accounts', (c) => {
    const listed = list(c, {
      records: c.get('tenant').accounts,
      toJson: accountJson,
      updatedAt: (a) => a.UpdatedDateUTC,
      idField: 'AccountID',
      fullWhenUnpaged: true,
      defaultOrder: codeOrder,
    });
    return typeof listed === 'string' ? badRequest(c, listed) : c.json(envelope(env, 'Accounts', listed.items));
  });
  app.get('/Accounts/:id', (c) => {
    const account = c.get('tenant').accounts.find((a) => a.AccountID === c.req.param('id').toLowerCase());
    return account ? c.json(envelope(env, 'Accounts', [accountJson(account)])) : notFound(c);
  });

  app.get('/Currencies', (c) =>
    c.json(
      envelope(
        env,
        'Currencies',
        c.get('tenant').currencies.map((x) => ({ ...x })),
      ),
    ),
  );
  // Enabling a currency is what the bookkeeper does in Settings → Currencies; the API's createCurrency does the same.
  app.put('/Currencies', async (c) => {
    const body = (await c.req.json().catch(() => null)) as JsonObject | null;
    const code = typeof body?.Code === 'string' ? body.Code.toUpperCase() : '';
    if (!/^[A-Z]{3}$/.test(code)) return badRequest(c, 'A valid currency code is required');
    const tenant = c.get('tenant');
    if (!tenant.currencies.some((x) => x.Code === code)) {
      tenant.currencies.push({ Code: code, Description: typeof body?.Description === 'string' ? body.Description : code });
    }
    return c.json(envelope(env, 'Currencies', [{ ...tenant.currencies.find((x) => x.Code === code)! }]));
  });

  app.get('/TaxRates', (c) => {
    const listed = list(c, {
      records: c.get('tenant').taxRates,
      toJson: taxRateJson,
      updatedAt: () => 0,
      idField: 'TaxType',
      fullWhenUnpaged: true,
      defaultOrder: byName,
    });
    return typeof listed === 'string' ? badRequest(c, listed) : c.json(envelope(env, 'TaxRates', listed.items));
  });

  app.get('/TrackingCategories', (c) => {
    const listed = list(c, {
      records: c.get('tenant').trackingCategories,
      toJson: trackingJson,
      updatedAt: () => 0,
      idField: 'TrackingCategoryID',
      fullWhenUnpaged: true,
      archived: (t) => t.Status !== 'ACTIVE',
      defaultOrder: byName,
    });
    return typeof listed === 'string' ? badRequest(c, listed) : c.json(envelope(env, 'TrackingCategories', listed.items));
  });
  return app;
}
