// Sales invoices (ACCREC) and sales credit notes (ACCRECCREDIT): one set of rules for both —
// legal status transitions, unique numbers, lock dates, line replace/keep, and what a document
// with money applied to it may still change.
import { contactSummary, findActiveByName, writeContact } from './contacts';
import { newId, notifyChange, type EmulatorContext } from './context';
import { dateString, msDate, parseDateInput, startOfUtcDay, utcString } from './dates';
import { ACCOUNT_REQUIRED, buildLines, lineJson, needsAccount, repriceLines, totals } from './line-items';
import { lockDateError } from './lock-dates';
import { round, round2, sum } from './money';
import { rateFor } from './currency-rates';
import { byId, type Contact, type Document, type DocStatus, type JsonObject, type LineAmountTypes, type LineItem, type Tenant, hasCurrency } from './store';

export interface DocKind {
  type: 'ACCREC' | 'ACCRECCREDIT';
  label: 'Invoice' | 'Credit Note';
  key: 'Invoices' | 'CreditNotes';
  idField: 'InvoiceID' | 'CreditNoteID';
  numberField: 'InvoiceNumber' | 'CreditNoteNumber';
  prefix: string;
  category: 'INVOICE' | 'CREDITNOTE';
  store(tenant: Tenant): Map<string, Document>;
  counter: 'invoice' | 'creditNote';
}

export const INVOICE: DocKind = {
  type: 'ACCREC',
  label: 'Invoice',
  key: 'Invoices',
  idField: 'InvoiceID',
  numberField: 'InvoiceNumber',
  prefix: 'INV-',
  category: 'INVOICE',
  store: (t) => t.invoices,
  counter: 'invoice',
};
export const CREDIT_NOTE: DocKind = {
  type: 'ACCRECCREDIT',
  label: 'Credit Note',
  key: 'CreditNotes',
  idField: 'CreditNoteID',
  numberField: 'CreditNoteNumber',
  prefix: 'CN-',
  category: 'CREDITNOTE',
  store: (t) => t.creditNotes,
  counter: 'creditNote',
};

const LINE_AMOUNT_TYPES: LineAmountTypes[] = ['Exclusive', 'Inclusive', 'NoTax'];
const CREATABLE: DocStatus[] = ['DRAFT', 'SUBMITTED', 'AUTHORISED'];
const MONEY_LOCKED = 'This document cannot be edited as it has a payment or credit note allocated to it.';
/**
 * Source: Neto's "Xero Common Errors" table (neto.com.au, accounting-integrations/xero-integration)
 * and Workshop Software's Xero sync article, both quoting the service. Negative lines (discounts)
 * stay allowed; only the document total must not go below zero.
 */
export const NEGATIVE_TOTAL = 'The Total for this document must be greater than or equal to zero.';
/** Statuses whose lines must all name an account (ACCOUNT_REQUIRED); DRAFT may lack them. */
const NEEDS_ACCOUNTS: DocStatus[] = ['SUBMITTED', 'AUTHORISED', 'PAID'];

export function amountPaid(tenant: Tenant, doc: Document): number {
  return sum(
    doc.paymentIds
      .map((id) => tenant.payments.get(id))
      .filter((p) => p?.Status === 'AUTHORISED')
      .map((p) => p?.Amount ?? 0),
  );
}

export function amountAllocated(tenant: Tenant, doc: Document): number {
  return sum(
    doc.allocationIds
      .map((id) => tenant.allocations.get(id))
      .filter((a) => a && !a.IsDeleted)
      .map((a) => a?.Amount ?? 0),
  );
}

/** Invoice: AmountDue. Credit note: RemainingCredit. */
export const outstanding = (tenant: Tenant, doc: Document): number => round2(doc.Total - amountPaid(tenant, doc) - amountAllocated(tenant, doc));

export const hasMoneyApplied = (tenant: Tenant, doc: Document): boolean => amountPaid(tenant, doc) > 0 || amountAllocated(tenant, doc) > 0;

/** PAID is never set by clients: it follows AmountDue reaching zero, and reverts when it does not. */
export function settle(ctx: EmulatorContext, tenant: Tenant, doc: Document, kind: DocKind, paidOn: number): void {
  const due = outstanding(tenant, doc);
  if (doc.Status === 'AUTHORISED' && due <= 0) {
    doc.Status = 'PAID';
    doc.FullyPaidOnDate = paidOn;
  } else if (doc.Status === 'PAID' && due > 0) {
    doc.Status = 'AUTHORISED';
    delete doc.FullyPaidOnDate;
  }
  doc.updatedAt = ctx.clock.now();
  notifyChange(ctx, tenant, kind.category, doc.id, 'UPDATE', kind.category === 'CREDITNOTE' ? { Type: doc.Type, Status: doc.Status } : undefined);
}

function transitionError(kind: DocKind, from: DocStatus, to: DocStatus, moneyApplied: boolean): string | undefined {
  if (from === to) return undefined;
  if (from === 'VOIDED' || from === 'DELETED') return `${kind.label} not of valid status for modification`;
  if (to === 'PAID') return `${kind.label} not of valid status for modification`;
  if (from === 'DRAFT' && ['SUBMITTED', 'AUTHORISED', 'DELETED'].includes(to)) return undefined;
  if (from === 'SUBMITTED' && ['DRAFT', 'AUTHORISED', 'DELETED'].includes(to)) return undefined;
  if ((from === 'AUTHORISED' || from === 'PAID') && moneyApplied) {
    return to === 'VOIDED'
      ? MONEY_LOCKED
      : `The status ${to} cannot be applied to the ${kind.label.toLowerCase()} because it has payments or credit notes allocated to it.`;
  }
  if (from === 'AUTHORISED' && to === 'VOIDED') return undefined;
  return `${kind.label} not of valid status for modification`;
}

function resolveContact(ctx: EmulatorContext, tenant: Tenant, given: unknown, errors: string[]): Contact | undefined {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return undefined;
  const ref = given as JsonObject;
  let contact = typeof ref.ContactID === 'string' ? byId(tenant.contacts, ref.ContactID) : undefined;
  if (typeof ref.ContactID === 'string' && !contact) {
    errors.push('The contact with the specified contact details could not be found.');
    return undefined;
  }
  if (!contact && typeof ref.ContactNumber === 'string') contact = [...tenant.contacts.values()].find((c) => c.fields.ContactNumber === ref.ContactNumber);
  // Sending only a Name matches an active contact of that name, or creates one.
  if (!contact && typeof ref.Name === 'string') contact = findActiveByName(tenant, ref.Name);
  if (!contact && typeof ref.Name === 'string') {
    const created = writeContact(ctx, tenant, ref, 'create');
    if ('errors' in created) errors.push(...created.errors);
    else contact = created.contact;
  }
  if (!contact) {
    errors.push('A Contact must be specified for this type of transaction');
    return undefined;
  }
  if (contact.ContactStatus !== 'ACTIVE') {
    errors.push('The contact with the specified contact details has been archived. The contact must be un-archived before creating new invoices or credit notes.');
  }
  return contact;
}

export type DocOutcome = { doc: Document; created: boolean } | { errors: string[]; id?: string };

/**
 * Applies one element. `upsert` (POST without an id) updates the document with the same number if
 * there is one, as Xero does; `create` (PUT) never updates.
 */
export function writeDocument(ctx: EmulatorContext, tenant: Tenant, kind: DocKind, input: JsonObject, mode: 'create' | 'upsert', unitdp: 2 | 4): DocOutcome {
  const docs = kind.store(tenant);
  const givenId = typeof input[kind.idField] === 'string' ? (input[kind.idField] as string) : undefined;
  const givenNumber = typeof input[kind.numberField] === 'string' ? (input[kind.numberField] as string).trim() : undefined;
  let existing = byId(docs, givenId);
  if (givenId && !existing) return { errors: [`${kind.label} with ID ${givenId} could not be found`] };
  if (!existing && mode === 'upsert' && givenNumber) {
    existing = [...docs.values()].find((d) => d.Number === givenNumber && d.Status !== 'DELETED');
  }
  const errors: string[] = [];
  if (input.Type !== undefined && input.Type !== kind.type)
    errors.push(`This emulator stores only ${kind.type} ${kind.key}; Type ${String(input.Type)} is not supported`);

  const moneyApplied = existing ? hasMoneyApplied(tenant, existing) : false;
  const status = (typeof input.Status === 'string' ? input.Status : (existing?.Status ?? 'DRAFT')) as DocStatus;
  if (!existing && !CREATABLE.includes(status)) errors.push(`${kind.label} not of valid status for creation`);
  if (existing) {
    const e = transitionError(kind, existing.Status, status, moneyApplied);
    if (e) return { errors: [e], id: existing.id };
  }

  const contact = input.Contact === undefined && existing ? tenant.contacts.get(existing.ContactID) : resolveContact(ctx, tenant, input.Contact, errors);
  const date = input.Date === undefined ? (existing?.Date ?? startOfUtcDay(ctx.clock.now())) : parseDateInput(input.Date);
  if (date === undefined) errors.push('Date is not a valid date');
  const dueDate = input.DueDate === undefined ? existing?.DueDate : parseDateInput(input.DueDate);
  if (input.DueDate !== undefined && dueDate === undefined) errors.push('DueDate is not a valid date');
  if (kind.type === 'ACCREC' && (status === 'SUBMITTED' || status === 'AUTHORISED') && dueDate === undefined) {
    errors.push('The document DueDate field must be specified');
  }
  const lineAmountTypes = (input.LineAmountTypes ?? existing?.LineAmountTypes ?? 'Exclusive') as LineAmountTypes;
  if (!LINE_AMOUNT_TYPES.includes(lineAmountTypes)) errors.push(`LineAmountTypes ${String(lineAmountTypes)} is not valid`);
  const currency = typeof input.CurrencyCode === 'string' ? input.CurrencyCode : (existing?.CurrencyCode ?? tenant.organisation.BaseCurrency);
  // Xero's words for a currency the organisation has not enabled (quoted in n8n-io/n8n PR #19499).
  if (!hasCurrency(tenant, currency)) errors.push(`Organisation is not subscribed to currency ${currency}`);

  if (existing) {
    const lock = lockDateError(tenant, existing.Date);
    if (lock) errors.push(lock);
  }
  if (date !== undefined && date !== existing?.Date) {
    const lock = lockDateError(tenant, date);
    if (lock && !errors.includes(lock)) errors.push(lock);
  }
  if (existing && moneyApplied) {
    // xero-api.md §2 status table: on a PAID or part-paid document only Reference, DueDate and line
    // Description/AccountCode/Tracking may change; header money fields are refused.
    const changed =
      (input.Contact !== undefined && contact?.ContactID !== existing.ContactID) ||
      (date !== undefined && date !== existing.Date) ||
      lineAmountTypes !== existing.LineAmountTypes ||
      currency !== existing.CurrencyCode;
    if (changed) errors.push(MONEY_LOCKED);
  }

  const number = givenNumber ?? existing?.Number;
  if (number !== undefined && [...docs.values()].some((d) => d !== existing && d.Number === number && d.Status !== 'DELETED')) {
    errors.push(`${kind.label} # must be unique.`);
  }

  const lineOptions = {
    unitdp,
    lineAmountTypes,
    existing: existing?.LineItems ?? [],
    newId: () => newId(ctx),
    defaultTaxType: 'OUTPUT',
    discounts: kind.type === 'ACCREC' ? ('allowed' as const) : ('Credit Note' as const),
  };
  let lines: LineItem[];
  if (existing && moneyApplied) {
    lines = paidDocumentLines(tenant, existing, input.LineItems, lineOptions, errors);
  } else if (input.LineItems !== undefined) {
    // Lines sent without a LineItemID are new; stored lines that were not sent are removed.
    lines = buildLines(tenant, input.LineItems, lineOptions, errors);
  } else {
    lines = repriceLines(tenant, existing?.LineItems ?? [], lineOptions);
  }
  // Source: Xero developer community discussion 141447324 (see ACCOUNT_REQUIRED in line-items.ts).
  if (NEEDS_ACCOUNTS.includes(status) && lines.some(needsAccount) && !errors.includes(ACCOUNT_REQUIRED)) errors.push(ACCOUNT_REQUIRED);
  const sums = existing && moneyApplied ? { SubTotal: existing.SubTotal, TotalTax: existing.TotalTax, Total: existing.Total } : totals(lines, lineAmountTypes);
  if (sums.Total < 0) errors.push(NEGATIVE_TOTAL);
  if (kind.type === 'ACCRECCREDIT' && existing && sums.Total < amountAllocated(tenant, existing)) {
    errors.push('The credit note total cannot be less than the amount already allocated');
  }
  if (errors.length > 0 || !contact || date === undefined) return { errors, ...(existing ? { id: existing.id } : {}) };

  const now = ctx.clock.now();
  const doc: Document = existing ?? {
    id: newId(ctx),
    Type: kind.type,
    ContactID: contact.ContactID,
    Number: '',
    Date: date,
    Status: status,
    LineAmountTypes: lineAmountTypes,
    CurrencyCode: currency,
    CurrencyRate: 1,
    SentToContact: false,
    LineItems: [],
    SubTotal: 0,
    TotalTax: 0,
    Total: 0,
    paymentIds: [],
    allocationIds: [],
    updatedAt: now,
  };
  if (!number) tenant.counters[kind.counter] += 1;
  Object.assign(doc, {
    ContactID: contact.ContactID,
    Number: number ?? `${kind.prefix}${String(tenant.counters[kind.counter]).padStart(4, '0')}`,
    Date: date,
    Status: status,
    LineAmountTypes: lineAmountTypes,
    CurrencyCode: currency,
    CurrencyRate: input.CurrencyRate === undefined && existing?.CurrencyCode === currency ? existing.CurrencyRate : rateFor(tenant, currency, input.CurrencyRate, date),
    LineItems: lines,
    ...sums,
    updatedAt: now,
  });
  if (dueDate !== undefined) doc.DueDate = dueDate;
  for (const field of ['Reference', 'Url', 'BrandingThemeID'] as const) if (typeof input[field] === 'string') doc[field] = input[field] as string;
  if (typeof input.SentToContact === 'boolean') doc.SentToContact = input.SentToContact;
  docs.set(doc.id, doc);
  contact.isCustomer = true;
  // A zero-value document is paid the moment it is approved.
  if (doc.Status === 'AUTHORISED' && outstanding(tenant, doc) <= 0) {
    doc.Status = 'PAID';
    doc.FullyPaidOnDate = doc.Date;
  }
  notifyChange(ctx, tenant, kind.category, doc.id, existing ? 'UPDATE' : 'CREATE', kind.category === 'CREDITNOTE' ? { Type: doc.Type, Status: doc.Status } : undefined);
  return { doc, created: !existing };
}

/**
 * With money applied only non-financial line fields may change: every line must carry its
 * LineItemID (none added or dropped), and Description, AccountCode and Tracking are the only line
 * fields that may differ from what is stored.
 *
 * Spec disagrees with itself: xero-api.md §2's status table says amount edits on PAID/part-paid
 * documents are rejected, while a practitioner note (S27) reports 200 with the change silently not
 * kept. We refuse (the table), with the service's paid-document message, so a sync that tries it
 * cannot pass unnoticed.
 */
function paidDocumentLines(tenant: Tenant, doc: Document, given: unknown, options: Parameters<typeof buildLines>[2], errors: string[]): LineItem[] {
  if (given === undefined) return doc.LineItems;
  const inputs = Array.isArray(given) ? (given as JsonObject[]) : [];
  const ids = inputs.map((l) => (typeof l.LineItemID === 'string' ? l.LineItemID.toLowerCase() : undefined));
  if (ids.some((id) => !id || !doc.LineItems.some((l) => l.LineItemID === id)) || inputs.length !== doc.LineItems.length) {
    errors.push('To update fields on a paid invoice line item, you must supply a LineItemID');
    return doc.LineItems;
  }
  const moneyChanged = inputs.some((input) => {
    const stored = doc.LineItems.find((l) => l.LineItemID === String(input.LineItemID).toLowerCase());
    return stored !== undefined && changesMoney(input, stored);
  });
  if (moneyChanged) {
    if (!errors.includes(MONEY_LOCKED)) errors.push(MONEY_LOCKED);
    return doc.LineItems;
  }
  const rebuilt = buildLines(tenant, inputs, options, errors);
  return doc.LineItems.map((stored) => {
    const next = rebuilt.find((l) => l.LineItemID === stored.LineItemID);
    return next ? { ...stored, Description: next.Description, Tracking: next.Tracking, ...(next.AccountCode ? { AccountCode: next.AccountCode } : {}) } : stored;
  });
}

const numeric = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;

/** Does this line input change Quantity, UnitAmount, LineAmount, discounts, TaxType or TaxAmount? */
function changesMoney(input: JsonObject, stored: LineItem): boolean {
  const differs = (field: string, current: number, dp: number) => {
    const v = numeric(input[field]);
    return v !== undefined && round(v, dp) !== round(current, dp);
  };
  return (
    differs('Quantity', stored.Quantity, 4) ||
    differs('UnitAmount', stored.UnitAmount, 4) ||
    differs('LineAmount', stored.LineAmount, 2) ||
    differs('DiscountRate', stored.DiscountRate ?? 0, 2) ||
    differs('DiscountAmount', stored.DiscountAmount ?? 0, 2) ||
    differs('TaxAmount', stored.TaxAmount, 2) ||
    (typeof input.TaxType === 'string' && input.TaxType !== stored.TaxType)
  );
}

export function documentJson(tenant: Tenant, kind: DocKind, doc: Document, options: { full: boolean; unitdp: 2 | 4 }): JsonObject {
  const contact = tenant.contacts.get(doc.ContactID);
  const paid = amountPaid(tenant, doc);
  const allocated = amountAllocated(tenant, doc);
  const allocations = doc.allocationIds.map((id) => tenant.allocations.get(id)).filter((a) => a !== undefined && !a.IsDeleted);
  const payments = doc.paymentIds.map((id) => tenant.payments.get(id)).filter((p) => p?.Status === 'AUTHORISED');
  const common: JsonObject = {
    Type: doc.Type,
    [kind.idField]: doc.id,
    [kind.numberField]: doc.Number,
    ...(doc.Reference !== undefined ? { Reference: doc.Reference } : {}),
    Payments: payments.map((p) => ({
      PaymentID: p?.PaymentID ?? '',
      Date: msDate(p?.Date ?? 0),
      Amount: p?.Amount ?? 0,
      ...(p?.Reference ? { Reference: p.Reference } : {}),
      CurrencyRate: p?.CurrencyRate ?? 1,
      HasAccount: true,
      HasValidationErrors: false,
    })),
    CurrencyRate: doc.CurrencyRate,
    IsDiscounted: doc.LineItems.some((l) => (l.DiscountRate ?? 0) > 0 || (l.DiscountAmount ?? 0) > 0),
    HasAttachments: false,
    HasErrors: false,
    ...(contact ? { Contact: contactSummary(contact) } : {}),
    DateString: dateString(doc.Date),
    Date: msDate(doc.Date),
    ...(doc.DueDate !== undefined ? { DueDateString: dateString(doc.DueDate), DueDate: msDate(doc.DueDate) } : {}),
    Status: doc.Status,
    LineAmountTypes: doc.LineAmountTypes,
    ...(options.full ? { LineItems: doc.LineItems.map((l) => lineJson(l, options.unitdp, tenant)) } : {}),
    SubTotal: doc.SubTotal,
    TotalTax: doc.TotalTax,
    Total: doc.Total,
    UpdatedDateUTC: msDate(doc.updatedAt),
    UpdatedDateUTCString: utcString(doc.updatedAt),
    CurrencyCode: doc.CurrencyCode,
    SentToContact: doc.SentToContact,
    ...(doc.Url !== undefined ? { Url: doc.Url } : {}),
    ...(doc.FullyPaidOnDate !== undefined ? { FullyPaidOnDate: msDate(doc.FullyPaidOnDate) } : {}),
  };
  if (kind.type === 'ACCRECCREDIT') {
    return {
      ...common,
      RemainingCredit: outstanding(tenant, doc),
      AppliedAmount: allocated,
      Allocations: allocations.map((a) => {
        const invoice = tenant.invoices.get(a?.InvoiceID ?? '');
        return {
          AllocationID: a?.AllocationID ?? '',
          Amount: a?.Amount ?? 0,
          Date: msDate(a?.Date ?? 0),
          Invoice: { InvoiceID: a?.InvoiceID ?? '', ...(invoice ? { InvoiceNumber: invoice.Number } : {}) },
        };
      }),
    };
  }
  return {
    ...common,
    AmountDue: outstanding(tenant, doc),
    AmountPaid: paid,
    AmountCredited: allocated,
    CreditNotes: allocations.map((a) => {
      const note = tenant.creditNotes.get(a?.CreditNoteID ?? '');
      return {
        CreditNoteID: a?.CreditNoteID ?? '',
        ...(note ? { CreditNoteNumber: note.Number, Total: note.Total } : {}),
        AppliedAmount: a?.Amount ?? 0,
        Date: msDate(a?.Date ?? 0),
        DateString: dateString(a?.Date ?? 0),
        HasErrors: false,
      };
    }),
    Prepayments: [],
    Overpayments: [],
  };
}
