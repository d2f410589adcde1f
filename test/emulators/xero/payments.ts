// Customer payments against AUTHORISED invoices into a BANK account (or one that allows payments).
// Payments are immutable: the only change is POST /Payments/{id} {"Status":"DELETED"}.
import { Hono, type Context } from 'hono';
import type { ApiEnv } from './api-env';
import { failed, readElements, respondBatch, type BatchShape } from './batch';
import { contactSummary } from './contacts';
import { newId, type EmulatorContext } from './context';
import { dateString, msDate, parseDateInput, startOfUtcDay, utcString } from './dates';
import { INVOICE, outstanding, settle } from './documents';
import { findDocument } from './document-routes';
import { list } from './listing';
import { lockDateError } from './lock-dates';
import { rateFor } from './currency-rates';
import { round2 } from './money';
import { badRequest, envelope, notFound } from './responses';
import { byId, findAccount, type JsonObject, type Payment, type Tenant } from './store';

export const PAYMENT_SHAPE: BatchShape = { key: 'Payments', idField: 'PaymentID', errorFlag: 'HasValidationErrors' };

export function paymentJson(tenant: Tenant, p: Payment): JsonObject {
  const invoice = tenant.invoices.get(p.InvoiceID);
  const account = tenant.accounts.find((a) => a.AccountID === p.AccountID);
  const contact = invoice ? tenant.contacts.get(invoice.ContactID) : undefined;
  return {
    PaymentID: p.PaymentID,
    Date: msDate(p.Date),
    DateString: dateString(p.Date),
    // What reached the (base-currency) bank account.
    BankAmount: round2(p.Amount / p.CurrencyRate),
    Amount: p.Amount,
    ...(p.Reference ? { Reference: p.Reference } : {}),
    CurrencyRate: p.CurrencyRate,
    PaymentType: 'ACCRECPAYMENT',
    Status: p.Status,
    UpdatedDateUTC: msDate(p.updatedAt),
    UpdatedDateUTCString: utcString(p.updatedAt),
    HasAccount: true,
    IsReconciled: p.IsReconciled,
    Account: { AccountID: p.AccountID, ...(account?.Code ? { Code: account.Code } : {}), Name: account?.Name ?? '' },
    Invoice: {
      Type: 'ACCREC',
      InvoiceID: p.InvoiceID,
      ...(invoice ? { InvoiceNumber: invoice.Number } : {}),
      ...(contact ? { Contact: contactSummary(contact) } : {}),
    },
    HasValidationErrors: false,
  };
}

export type PaymentOutcome = { payment: Payment } | { errors: string[] };

export function createPayment(ctx: EmulatorContext, tenant: Tenant, input: JsonObject): PaymentOutcome {
  const ref = (typeof input.Invoice === 'object' && input.Invoice !== null && !Array.isArray(input.Invoice) ? input.Invoice : {}) as JsonObject;
  const key =
    typeof ref.InvoiceID === 'string'
      ? ref.InvoiceID
      : typeof ref.InvoiceNumber === 'string'
        ? ref.InvoiceNumber
        : typeof input.InvoiceNumber === 'string'
          ? input.InvoiceNumber
          : undefined;
  if (input.CreditNote !== undefined) return { errors: ['Credit note refunds are not modelled by this emulator'] };
  const invoice = key === undefined ? undefined : findDocument(tenant, INVOICE, key);
  const errors: string[] = [];
  if (!invoice) errors.push(key === undefined ? 'You must specify an Invoice, CreditNote, Prepayment or Overpayment' : 'Invoice could not be found');
  const accountRef = (typeof input.Account === 'object' && input.Account !== null && !Array.isArray(input.Account) ? input.Account : {}) as JsonObject;
  const account = findAccount(tenant, accountRef);
  if (!account) errors.push('Account could not be found');
  else if (account.Status !== 'ACTIVE') errors.push('The account has been archived, or has been deleted');
  else if (account.Type !== 'BANK' && !account.EnablePaymentsToAccount)
    errors.push('Payments can only be made to accounts of type BANK or accounts with EnablePaymentsToAccount set');
  const amount = typeof input.Amount === 'number' ? round2(input.Amount) : undefined;
  if (amount === undefined || amount <= 0) errors.push('Payment amount must be greater than zero');
  const date = input.Date === undefined ? startOfUtcDay(ctx.clock.now()) : parseDateInput(input.Date);
  if (date === undefined) errors.push('Date is not a valid date');
  if (invoice) {
    if (invoice.Status !== 'AUTHORISED') errors.push('Payments can only be made against Authorised documents');
    else if (amount !== undefined && amount > outstanding(tenant, invoice)) errors.push('Payment amount exceeds the amount outstanding on this document');
  }
  if (date !== undefined) {
    const lock = lockDateError(tenant, date);
    if (lock) errors.push(lock);
  }
  if (errors.length > 0 || !invoice || !account || amount === undefined || date === undefined) return { errors };
  const payment: Payment = {
    PaymentID: newId(ctx),
    InvoiceID: invoice.id,
    AccountID: account.AccountID,
    Date: date,
    Amount: amount,
    CurrencyRate: rateFor(tenant, invoice.CurrencyCode, input.CurrencyRate, date),
    ...(typeof input.Reference === 'string' ? { Reference: input.Reference } : {}),
    IsReconciled: input.IsReconciled === true,
    Status: 'AUTHORISED',
    updatedAt: ctx.clock.now(),
  };
  tenant.payments.set(payment.PaymentID, payment);
  invoice.paymentIds.push(payment.PaymentID);
  settle(ctx, tenant, invoice, INVOICE, date);
  return { payment };
}

export function deletePayment(ctx: EmulatorContext, tenant: Tenant, payment: Payment): string[] {
  if (payment.Status === 'DELETED') return ['Payment has already been deleted'];
  const lock = lockDateError(tenant, payment.Date);
  if (lock) return [lock];
  payment.Status = 'DELETED';
  payment.updatedAt = ctx.clock.now();
  const invoice = tenant.invoices.get(payment.InvoiceID);
  if (invoice) settle(ctx, tenant, invoice, INVOICE, payment.Date);
  return [];
}

/** Spec disagrees: its deletePayment example wraps the body as {"Payments":[{"Status":"DELETED"}]}; the schema (and xero-node) send {"Status":"DELETED"}. Both are accepted. */
function deleteStatus(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as JsonObject;
  const wrapped = Array.isArray(b.Payments) ? (b.Payments[0] as JsonObject | undefined) : undefined;
  return wrapped?.Status ?? b.Status;
}

export function paymentRoutes(ctx: EmulatorContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const env = { newId: () => newId(ctx), now: () => ctx.clock.now() };

  app.get('/Payments', (c) => {
    const tenant = c.get('tenant');
    const listed = list(c, {
      records: [...tenant.payments.values()],
      toJson: (p) => paymentJson(tenant, p),
      updatedAt: (p) => p.updatedAt,
      idField: 'PaymentID',
      fullWhenUnpaged: true,
      defaultOrder: (a, b) => String(a.UpdatedDateUTC).localeCompare(String(b.UpdatedDateUTC)),
    });
    if (typeof listed === 'string') return badRequest(c, listed);
    return c.json(envelope(env, 'Payments', listed.items, listed.pagination ? { pagination: listed.pagination } : {}));
  });

  app.get('/Payments/:id', (c) => {
    const tenant = c.get('tenant');
    const payment = byId(tenant.payments, c.req.param('id'));
    return payment ? c.json(envelope(env, 'Payments', [paymentJson(tenant, payment)])) : notFound(c);
  });

  const create = async (c: Context<ApiEnv>) => {
    const tenant = c.get('tenant');
    const elements = await readElements(c, 'Payments');
    if (typeof elements === 'string') return badRequest(c, elements);
    const results = elements.map((input) => {
      const outcome = createPayment(ctx, tenant, input);
      return 'errors' in outcome ? failed(input, PAYMENT_SHAPE, outcome.errors) : { ok: true as const, body: paymentJson(tenant, outcome.payment) };
    });
    return respondBatch(c, ctx, PAYMENT_SHAPE, results);
  };
  app.put('/Payments', create);
  app.post('/Payments', create);

  app.post('/Payments/:id', async (c) => {
    const tenant = c.get('tenant');
    const payment = byId(tenant.payments, c.req.param('id'));
    if (!payment) return notFound(c);
    const status = deleteStatus(await c.req.json().catch(() => undefined));
    const errors = status === 'DELETED' ? deletePayment(ctx, tenant, payment) : ['Payments can only be deleted: send {"Status":"DELETED"}'];
    const result =
      errors.length > 0 ? failed(paymentJson(tenant, payment), PAYMENT_SHAPE, errors, payment.PaymentID) : { ok: true as const, body: paymentJson(tenant, payment) };
    return respondBatch(c, ctx, PAYMENT_SHAPE, [result]);
  });
  return app;
}
