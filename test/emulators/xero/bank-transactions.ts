// "Spend money" (and receive money) bank transactions. Reconciled ones are immutable: updates come
// back 200 with an ERROR element and nothing changes, as the real service does.
import { Hono, type Context } from 'hono';
import type { ApiEnv } from './api-env';
import { failed, readElements, respondBatch, type BatchShape } from './batch';
import { contactSummary } from './contacts';
import { newId, type EmulatorContext } from './context';
import { dateString, msDate, parseDateInput, startOfUtcDay, utcString } from './dates';
import { ACCOUNT_REQUIRED, bankTaxAmountErrors, buildLines, lineJson, needsAccount, parseUnitdp, totals } from './line-items';
import { NEGATIVE_TOTAL } from './documents';
import { list } from './listing';
import { lockDateError } from './lock-dates';
import { badRequest, envelope, notFound } from './responses';
import { byId, findAccount, type BankTransaction, type JsonObject, type LineAmountTypes, type Tenant } from './store';

const SHAPE: BatchShape = { key: 'BankTransactions', idField: 'BankTransactionID', errorFlag: 'HasErrors' };
const obj = (v: unknown): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : {});

function bankTransactionJson(tenant: Tenant, t: BankTransaction, unitdp: 2 | 4): JsonObject {
  const account = tenant.accounts.find((a) => a.AccountID === t.BankAccountID);
  const contact = tenant.contacts.get(t.ContactID);
  return {
    BankTransactionID: t.BankTransactionID,
    Type: t.Type,
    ...(contact ? { Contact: contactSummary(contact) } : {}),
    BankAccount: { AccountID: t.BankAccountID, ...(account?.Code ? { Code: account.Code } : {}), Name: account?.Name ?? '' },
    IsReconciled: t.IsReconciled,
    DateString: dateString(t.Date),
    Date: msDate(t.Date),
    ...(t.Reference ? { Reference: t.Reference } : {}),
    ...(t.Url ? { Url: t.Url } : {}),
    CurrencyCode: t.CurrencyCode,
    CurrencyRate: 1,
    Status: t.Status,
    LineAmountTypes: t.LineAmountTypes,
    LineItems: t.LineItems.map((l) => lineJson(l, unitdp, tenant)),
    SubTotal: t.SubTotal,
    TotalTax: t.TotalTax,
    Total: t.Total,
    UpdatedDateUTC: msDate(t.updatedAt),
    UpdatedDateUTCString: utcString(t.updatedAt),
    HasAttachments: false,
    HasErrors: false,
  };
}

function write(ctx: EmulatorContext, tenant: Tenant, input: JsonObject, unitdp: 2 | 4): { tx: BankTransaction } | { errors: string[]; id?: string } {
  const existing = byId(tenant.bankTransactions, typeof input.BankTransactionID === 'string' ? input.BankTransactionID : undefined);
  if (typeof input.BankTransactionID === 'string' && !existing) return { errors: ['Bank transaction could not be found'] };
  if (existing?.IsReconciled)
    return { errors: ['This Bank Transaction cannot be edited as it has been reconciled with a Bank Statement.'], id: existing.BankTransactionID };
  if (existing?.Status === 'DELETED') return { errors: ['This Bank Transaction has been deleted and cannot be edited.'], id: existing.BankTransactionID };
  const errors: string[] = [];
  const type = input.Type ?? existing?.Type;
  if (type !== 'SPEND' && type !== 'RECEIVE') errors.push(`Type ${String(type)} is not supported (SPEND and RECEIVE are modelled)`);
  const bank =
    input.BankAccount === undefined && existing ? tenant.accounts.find((a) => a.AccountID === existing.BankAccountID) : findAccount(tenant, obj(input.BankAccount));
  if (!bank) errors.push('A valid BankAccount must be specified');
  else if (bank.Type !== 'BANK') errors.push('The BankAccount must be an account of type BANK');
  const contactRef = obj(input.Contact);
  const contact =
    input.Contact === undefined && existing
      ? tenant.contacts.get(existing.ContactID)
      : byId(tenant.contacts, typeof contactRef.ContactID === 'string' ? contactRef.ContactID : undefined);
  if (!contact) errors.push('A Contact must be specified for this type of transaction');
  const date = input.Date === undefined ? (existing?.Date ?? startOfUtcDay(ctx.clock.now())) : parseDateInput(input.Date);
  if (date === undefined) errors.push('Date is not a valid date');
  else {
    const lock = lockDateError(tenant, date);
    if (lock) errors.push(lock);
  }
  const status = input.Status ?? existing?.Status ?? 'AUTHORISED';
  if (status !== 'AUTHORISED' && !(existing && status === 'DELETED')) errors.push(`Status ${String(status)} is not valid here`);
  const lineAmountTypes = (input.LineAmountTypes ?? existing?.LineAmountTypes ?? 'Exclusive') as LineAmountTypes;
  const lineOptions = {
    unitdp,
    lineAmountTypes,
    existing: existing?.LineItems ?? [],
    newId: () => newId(ctx),
    defaultTaxType: type === 'SPEND' ? 'INPUT' : 'OUTPUT',
    discounts: 'Bank Transaction' as const,
  };
  const lines = input.LineItems === undefined ? (existing?.LineItems ?? []) : buildLines(tenant, input.LineItems, lineOptions, errors);
  if (lines.length === 0 && !(Array.isArray(input.LineItems) && input.LineItems.length > 0)) errors.push('At least one line item is required');
  // Source: Xero developer community discussion 141447324; bank transactions have no DRAFT state,
  // so every SPEND/RECEIVE line needs an account.
  if (lines.some(needsAccount)) errors.push(ACCOUNT_REQUIRED);
  errors.push(...bankTaxAmountErrors(tenant, lines, lineAmountTypes));
  // Source: Neto's "Xero Common Errors" table (see NEGATIVE_TOTAL in documents.ts).
  if (status !== 'DELETED' && totals(lines, lineAmountTypes).Total < 0) errors.push(NEGATIVE_TOTAL);
  if (errors.length > 0 || !bank || !contact || date === undefined) return { errors, ...(existing ? { id: existing.BankTransactionID } : {}) };
  const tx: BankTransaction = existing ?? {
    BankTransactionID: newId(ctx),
    Type: type as BankTransaction['Type'],
    ContactID: contact.ContactID,
    BankAccountID: bank.AccountID,
    Date: date,
    Status: 'AUTHORISED',
    LineAmountTypes: lineAmountTypes,
    CurrencyCode: tenant.organisation.BaseCurrency,
    IsReconciled: false,
    LineItems: [],
    SubTotal: 0,
    TotalTax: 0,
    Total: 0,
    updatedAt: 0,
  };
  Object.assign(tx, {
    Type: type,
    ContactID: contact.ContactID,
    BankAccountID: bank.AccountID,
    Date: date,
    Status: status,
    LineAmountTypes: lineAmountTypes,
    LineItems: lines,
    ...totals(lines, lineAmountTypes),
    updatedAt: ctx.clock.now(),
    ...(typeof input.Reference === 'string' ? { Reference: input.Reference } : {}),
    ...(typeof input.Url === 'string' ? { Url: input.Url } : {}),
    ...(typeof input.IsReconciled === 'boolean' ? { IsReconciled: input.IsReconciled } : {}),
  });
  tenant.bankTransactions.set(tx.BankTransactionID, tx);
  if (type === 'SPEND') contact.isSupplier = true;
  return { tx };
}

export function bankTransactionRoutes(ctx: EmulatorContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const env = { newId: () => newId(ctx), now: () => ctx.clock.now() };

  app.get('/BankTransactions', (c) => {
    const tenant = c.get('tenant');
    const unitdp = parseUnitdp(c.req.query('unitdp'));
    const listed = list(c, {
      records: [...tenant.bankTransactions.values()],
      toJson: (t) => bankTransactionJson(tenant, t, unitdp),
      updatedAt: (t) => t.updatedAt,
      idField: 'BankTransactionID',
      fullWhenUnpaged: true,
      defaultOrder: (a, b) => String(a.UpdatedDateUTC).localeCompare(String(b.UpdatedDateUTC)),
    });
    if (typeof listed === 'string') return badRequest(c, listed);
    return c.json(envelope(env, 'BankTransactions', listed.items, listed.pagination ? { pagination: listed.pagination } : {}));
  });

  app.get('/BankTransactions/:id', (c) => {
    const tenant = c.get('tenant');
    const tx = byId(tenant.bankTransactions, c.req.param('id'));
    return tx ? c.json(envelope(env, 'BankTransactions', [bankTransactionJson(tenant, tx, parseUnitdp(c.req.query('unitdp')))])) : notFound(c);
  });

  const save = async (c: Context<ApiEnv>) => {
    const tenant = c.get('tenant');
    const unitdp = parseUnitdp(c.req.query('unitdp'));
    const elements = await readElements(c, 'BankTransactions');
    if (typeof elements === 'string') return badRequest(c, elements);
    const pathId = c.req.param('id');
    if (pathId !== undefined && !byId(tenant.bankTransactions, pathId)) return notFound(c);
    const results = elements.map((input) => {
      const element = pathId ? { ...input, BankTransactionID: pathId } : input;
      const outcome = write(ctx, tenant, element, unitdp);
      return 'errors' in outcome ? failed(element, SHAPE, outcome.errors, outcome.id) : { ok: true as const, body: bankTransactionJson(tenant, outcome.tx, unitdp) };
    });
    return respondBatch(c, ctx, SHAPE, results);
  };
  app.put('/BankTransactions', save);
  app.post('/BankTransactions', save);
  app.post('/BankTransactions/:id', save);
  return app;
}
