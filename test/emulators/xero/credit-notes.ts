// Credit note allocations: apply an AUTHORISED credit note to an AUTHORISED invoice of the same
// contact, up to both the remaining credit and the amount due; undo by deleting the allocation.
import { Hono } from 'hono';
import type { ApiEnv } from './api-env';
import { failed, readElements, respondBatch, type BatchShape } from './batch';
import { newId, type EmulatorContext } from './context';
import { dateString, msDate, parseDateInput } from './dates';
import { CREDIT_NOTE, INVOICE, outstanding, settle } from './documents';
import { findDocument } from './document-routes';
import { lockDateError } from './lock-dates';
import { round2 } from './money';
import { badRequest, notFound } from './responses';
import type { Allocation, Document, JsonObject, Tenant } from './store';

/** UNCONFIRMED wording (README). */
export const CURRENCY_DIFFERS = 'The credit note and the invoice must be in the same currency';

const ALLOCATION_SHAPE: BatchShape = { key: 'Allocations', idField: 'AllocationID', errorFlag: 'HasErrors' };

function allocationJson(tenant: Tenant, a: Allocation): JsonObject {
  const invoice = tenant.invoices.get(a.InvoiceID);
  const note = tenant.creditNotes.get(a.CreditNoteID);
  return {
    AllocationID: a.AllocationID,
    Amount: a.Amount,
    Date: msDate(a.Date),
    DateString: dateString(a.Date),
    IsDeleted: a.IsDeleted,
    Invoice: { InvoiceID: a.InvoiceID, ...(invoice ? { InvoiceNumber: invoice.Number } : {}) },
    CreditNote: { CreditNoteID: a.CreditNoteID, ...(note ? { CreditNoteNumber: note.Number } : {}) },
  };
}

export function allocate(ctx: EmulatorContext, tenant: Tenant, note: Document, input: JsonObject): { allocation: Allocation } | { errors: string[] } {
  const ref = (typeof input.Invoice === 'object' && input.Invoice !== null && !Array.isArray(input.Invoice) ? input.Invoice : {}) as JsonObject;
  const invoice = typeof ref.InvoiceID === 'string' ? findDocument(tenant, INVOICE, ref.InvoiceID) : undefined;
  const amount = typeof input.Amount === 'number' ? round2(input.Amount) : undefined;
  const date = parseDateInput(input.Date);
  const errors: string[] = [];
  if (!invoice) errors.push('Invoice could not be found');
  if (amount === undefined || amount <= 0) errors.push('Amount must be greater than zero');
  if (date === undefined) errors.push('Date must be specified');
  if (note.Status !== 'AUTHORISED') errors.push('Credit Note must be AUTHORISED to be allocated');
  if (invoice && invoice.Status === 'PAID') errors.push('The invoice you are trying to allocate to has already been paid off');
  else if (invoice && invoice.Status !== 'AUTHORISED') errors.push('Credit notes can only be allocated to Authorised invoices');
  if (invoice && invoice.ContactID !== note.ContactID) errors.push('The credit note and the invoice must be for the same contact');
  // Xero allocates credit only between documents of one currency (its allocation form lists only
  // the contact's invoices in the note's currency); its API words for the refusal are UNCONFIRMED.
  if (invoice && invoice.CurrencyCode !== note.CurrencyCode) errors.push(CURRENCY_DIFFERS);
  if (invoice?.Status === 'AUTHORISED' && amount !== undefined && (amount > outstanding(tenant, invoice) || amount > outstanding(tenant, note))) {
    errors.push('Credit Note cannot be allocated as amount is greater than amount outstanding');
  }
  if (date !== undefined) {
    const lock = lockDateError(tenant, date);
    if (lock) errors.push(lock);
  }
  if (errors.length > 0 || !invoice || amount === undefined || date === undefined) return { errors };
  const allocation: Allocation = { AllocationID: newId(ctx), CreditNoteID: note.id, InvoiceID: invoice.id, Amount: amount, Date: date, IsDeleted: false };
  tenant.allocations.set(allocation.AllocationID, allocation);
  note.allocationIds.push(allocation.AllocationID);
  invoice.allocationIds.push(allocation.AllocationID);
  settle(ctx, tenant, invoice, INVOICE, date);
  settle(ctx, tenant, note, CREDIT_NOTE, date);
  return { allocation };
}

export function allocationRoutes(ctx: EmulatorContext): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.put('/CreditNotes/:id/Allocations', async (c) => {
    const tenant = c.get('tenant');
    const note = findDocument(tenant, CREDIT_NOTE, c.req.param('id'));
    if (!note) return notFound(c);
    const elements = await readElements(c, 'Allocations');
    if (typeof elements === 'string') return badRequest(c, elements);
    const results = elements.map((input) => {
      const outcome = allocate(ctx, tenant, note, input);
      return 'errors' in outcome ? failed(input, ALLOCATION_SHAPE, outcome.errors) : { ok: true as const, body: allocationJson(tenant, outcome.allocation) };
    });
    return respondBatch(c, ctx, ALLOCATION_SHAPE, results);
  });

  app.delete('/CreditNotes/:id/Allocations/:allocationId', (c) => {
    const tenant = c.get('tenant');
    const note = findDocument(tenant, CREDIT_NOTE, c.req.param('id'));
    const allocation = tenant.allocations.get(c.req.param('allocationId').toLowerCase());
    if (!note || !allocation || allocation.CreditNoteID !== note.id || allocation.IsDeleted) return notFound(c);
    allocation.IsDeleted = true;
    const invoice = tenant.invoices.get(allocation.InvoiceID);
    if (invoice) settle(ctx, tenant, invoice, INVOICE, allocation.Date);
    settle(ctx, tenant, note, CREDIT_NOTE, allocation.Date);
    return c.json(allocationJson(tenant, allocation));
  });
  return app;
}
