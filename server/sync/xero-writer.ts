import { createHash } from 'node:crypto';
import type { BankTransaction, Contact, CreditNote, Invoice, LineItem, Payment } from 'xero-node';
import type { XeroOrgClient } from '../xero/client';
import { XeroApiError } from '../xero/errors';
import { classifyXeroMessages, type RecordFailure } from './errors';
import { fromCents } from './mapping/money';
import type { ContactDraft, CreditNoteDraft, DraftLine, InvoiceDraft, PaymentDraft, SpendDraft } from './mapping/xero-drafts';

/**
 * Writes to Xero in batches of up to 50 with summarizeErrors=false, reading each element's result
 * on its own: Xero saves the good elements of a batch even when others fail, and a failed element
 * can come back with HTTP 200 and an all-zero id. Lines always go with unitdp=4.
 */

export const BATCH_SIZE = 50;
export const UNITDP = 4;
const ZERO_ID = '00000000-0000-0000-0000-000000000000';

export type ElementResult<T> = { ok: true; record: T } | { ok: false; failure: RecordFailure };

export const chunk = <T>(list: T[], size = BATCH_SIZE): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));

/** Same content, same key: a retry within Xero's 6-minute memory is answered from it, never applied twice. */
export function idempotencyKey(firmId: string, op: string, body: unknown): string {
  return `${op}:${createHash('sha256').update(firmId).update(JSON.stringify(body)).digest('base64url')}`.slice(0, 128);
}

const realId = (id: string | undefined): id is string => Boolean(id) && id !== ZERO_ID;

function elementResults<T extends { validationErrors?: { message?: string }[]; hasErrors?: boolean; hasValidationErrors?: boolean }>(
  sent: number,
  returned: T[] | undefined,
  idOf: (t: T) => string | undefined,
): ElementResult<T>[] {
  return Array.from({ length: sent }, (_, i) => {
    const el = returned?.[i];
    const messages = (el?.validationErrors ?? []).map((v) => v.message ?? '').filter(Boolean);
    if (!el || el.hasErrors || el.hasValidationErrors || messages.length || !realId(idOf(el))) {
      return { ok: false as const, failure: classifyXeroMessages(messages.length ? messages : ['Xero did not save this record.']) };
    }
    return { ok: true as const, record: el };
  });
}

/** A 400 for the whole call (a malformed request, say) fails every element with Xero's words. */
async function perElement<T>(sent: number, call: () => Promise<ElementResult<T>[]>): Promise<ElementResult<T>[]> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof XeroApiError && err.kind === 'validation') {
      const failure = classifyXeroMessages(err.validationMessages.length ? err.validationMessages : [err.message]);
      return Array.from({ length: sent }, () => ({ ok: false as const, failure }));
    }
    throw err;
  }
}

// xero-node's enums are string enums: the draft's literal strings are their values.
const asEnum = <T>(v: string | undefined): T => v as unknown as T;

export interface ExistingLine {
  lineItemId: string;
  /** The account we last sent: when unchanged it is left out, so an account the bookkeeper set in Xero stays. */
  accountCode: string | null;
}

/**
 * No TaxAmount and no LineAmount: Xero computes both from the quantity, unit amount and tax type
 * (certification rows 21–22; Xero refuses a LineAmount off its own arithmetic), and the mapping
 * has figured them as Xero will, the rounding line taking the cents.
 */
export function lineItem(line: DraftLine, existing?: ExistingLine): LineItem {
  const out: LineItem = {
    description: line.description,
    quantity: line.quantity,
    unitAmount: line.unitAmount,
  };
  if (line.taxType) out.taxType = line.taxType;
  if (line.discountCents) out.discountAmount = fromCents(line.discountCents);
  if (existing) {
    out.lineItemID = existing.lineItemId;
    if (existing.accountCode !== line.accountCode) out.accountCode = line.accountCode;
  } else {
    out.accountCode = line.accountCode;
  }
  return out;
}

export interface InvoiceWrite {
  draft: InvoiceDraft;
  contactId: string;
  /** Set for an update. */
  invoiceId?: string;
  existingLines?: Record<string, ExistingLine>;
  /** The status to send (omitted: Xero keeps the current one). */
  status?: string;
}

function invoiceBody(w: InvoiceWrite): Invoice {
  const d = w.draft;
  const inv: Invoice = {
    type: asEnum('ACCREC'),
    contact: { contactID: w.contactId },
    invoiceNumber: d.invoiceNumber,
    reference: d.reference,
    date: d.date,
    dueDate: d.dueDate,
    lineAmountTypes: asEnum('Exclusive'),
    url: d.url,
    lineItems: d.lines.map((l) => lineItem(l, w.existingLines?.[l.key])),
  };
  if (d.currencyCode) inv.currencyCode = asEnum(d.currencyCode);
  if (w.invoiceId) inv.invoiceID = w.invoiceId;
  if (w.status) inv.status = asEnum(w.status);
  return inv;
}

export async function createInvoices(xero: XeroOrgClient, writes: InvoiceWrite[]): Promise<ElementResult<Invoice>[]> {
  const body = { invoices: writes.map(invoiceBody) };
  return perElement(writes.length, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, 'inv-create', body), (api, t, key) => api.createInvoices(t, body, false, UNITDP, key));
    return elementResults(writes.length, res.invoices, (i) => i.invoiceID);
  });
}

export async function updateInvoices(xero: XeroOrgClient, writes: InvoiceWrite[]): Promise<ElementResult<Invoice>[]> {
  const body = { invoices: writes.map(invoiceBody) };
  return perElement(writes.length, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, 'inv-update', body), (api, t, key) => api.updateOrCreateInvoices(t, body, false, UNITDP, key));
    return elementResults(writes.length, res.invoices, (i) => i.invoiceID);
  });
}

/** Voids (or, for a draft, deletes) invoices: only the id and the status go out. */
export async function setInvoiceStatuses(xero: XeroOrgClient, changes: { invoiceId: string; status: 'VOIDED' | 'DELETED' }[]): Promise<ElementResult<Invoice>[]> {
  const body = { invoices: changes.map((c) => ({ invoiceID: c.invoiceId, status: asEnum<Invoice['status']>(c.status) })) };
  return perElement(changes.length, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, 'inv-status', body), (api, t, key) => api.updateOrCreateInvoices(t, body, false, UNITDP, key));
    return elementResults(changes.length, res.invoices, (i) => i.invoiceID);
  });
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Invoices by number, with their lines (a paged read is what includes LineItemIDs). */
export async function findInvoicesByNumber(xero: XeroOrgClient, numbers: string[]): Promise<Invoice[]> {
  const out: Invoice[] = [];
  for (const part of chunk([...new Set(numbers)], 50)) {
    const body = await xero.read((api, t) =>
      api.getInvoices(t, undefined, undefined, undefined, undefined, part, undefined, undefined, 1, false, undefined, UNITDP, undefined, 100),
    );
    out.push(...(body.invoices ?? []).filter((i) => i.type === asEnum('ACCREC') && i.status !== asEnum('DELETED')));
  }
  return out;
}

export async function getInvoicesById(xero: XeroOrgClient, ids: string[]): Promise<Invoice[]> {
  const out: Invoice[] = [];
  for (const part of chunk([...new Set(ids)], 50)) {
    const body = await xero.read((api, t) =>
      api.getInvoices(t, undefined, undefined, undefined, part, undefined, undefined, undefined, 1, true, undefined, UNITDP, undefined, 100),
    );
    out.push(...(body.invoices ?? []));
  }
  return out;
}

function contactBody(d: ContactDraft, extra: { contactId?: string; contactNumber?: string }): Contact {
  // The email is shared (a removal in Clio clears it in Xero); first and last names exist in Clio only
  // for people, so for a company they are Xero's own (its contact person) and are never sent.
  const c: Contact = {
    name: d.name,
    ...(d.firstName ? { firstName: d.firstName } : {}),
    ...(d.lastName ? { lastName: d.lastName } : {}),
    emailAddress: d.emailAddress ?? '',
    phones: d.phones.map((p) => ({ phoneType: asEnum(p.phoneType), phoneNumber: p.phoneNumber })),
    addresses: d.addresses.map((a) => ({ ...a, addressType: asEnum(a.addressType) })),
  };
  if (extra.contactId) c.contactID = extra.contactId;
  if (extra.contactNumber) c.contactNumber = extra.contactNumber;
  return c;
}

export async function createContacts(xero: XeroOrgClient, items: { draft: ContactDraft; contactNumber: string }[]): Promise<ElementResult<Contact>[]> {
  const body = { contacts: items.map((i) => contactBody(i.draft, { contactNumber: i.contactNumber })) };
  return perElement(items.length, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, 'contact-create', body), (api, t, key) => api.createContacts(t, body, false, key));
    return elementResults(items.length, res.contacts, (c) => c.contactID);
  });
}

/**
 * Only the named shared fields of linked contacts: a field the bookkeeper is editing at the same
 * moment is not overwritten by an unchanged copy of it (Xero has no If-Match).
 */
export async function updateContactFields(
  xero: XeroOrgClient,
  items: { draft: ContactDraft; contactId: string; fields: (keyof ContactDraft)[] }[],
): Promise<ElementResult<Contact>[]> {
  const body = {
    contacts: items.map((i) => {
      const full = contactBody(i.draft, { contactId: i.contactId }) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(full).filter(([k]) => k === 'contactID' || (i.fields as string[]).includes(k))) as Contact;
    }),
  };
  return perElement(items.length, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, 'contact-update', body), (api, t, key) => api.updateOrCreateContacts(t, body, false, key));
    return elementResults(items.length, res.contacts, (c) => c.contactID);
  });
}

/** Contacts whose ContactNumber or (active) Name is one of these; archived ones are included so collisions are seen. */
export async function findContacts(xero: XeroOrgClient, q: { numbers?: string[]; names?: string[] }): Promise<Contact[]> {
  const clauses = [...(q.numbers ?? []).map((n) => `ContactNumber==${quote(n)}`), ...(q.names ?? []).map((n) => `Name==${quote(n)}`)];
  const out: Contact[] = [];
  // A where clause travels in the URL; 25 conditions keep it well inside URL limits.
  for (const part of chunk(clauses, 25)) {
    out.push(...(await xero.getContacts({ where: part.join(' OR '), includeArchived: true, page: 1, pageSize: 1000 })));
  }
  return out;
}

function creditNoteBody(d: CreditNoteDraft, contactId: string): CreditNote {
  const cn: CreditNote = {
    type: asEnum('ACCRECCREDIT'),
    contact: { contactID: contactId },
    creditNoteNumber: d.creditNoteNumber,
    reference: d.reference,
    date: d.date,
    status: asEnum(d.status),
    lineAmountTypes: asEnum(d.lineAmountTypes),
    // No TaxAmount: Xero takes each line's tax out of its inclusive amount by its tax type.
    lineItems: d.lines.map((l) => ({
      description: l.description,
      quantity: 1,
      unitAmount: fromCents(l.lineAmountCents),
      accountCode: l.accountCode,
      ...(l.taxType ? { taxType: l.taxType } : {}),
    })),
  };
  if (d.currencyCode) cn.currencyCode = asEnum(d.currencyCode);
  if (d.currencyRate !== undefined) cn.currencyRate = d.currencyRate;
  return cn;
}

export async function createCreditNotes(xero: XeroOrgClient, items: { draft: CreditNoteDraft; contactId: string }[]): Promise<ElementResult<CreditNote>[]> {
  const body = { creditNotes: items.map((i) => creditNoteBody(i.draft, i.contactId)) };
  return perElement(items.length, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, 'cn-create', body), (api, t, key) => api.createCreditNotes(t, body, false, UNITDP, key));
    return elementResults(items.length, res.creditNotes, (c) => c.creditNoteID);
  });
}

export async function voidCreditNotes(xero: XeroOrgClient, ids: string[]): Promise<ElementResult<CreditNote>[]> {
  const body = { creditNotes: ids.map((id) => ({ creditNoteID: id, status: asEnum<CreditNote['status']>('VOIDED') })) };
  return perElement(ids.length, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, 'cn-void', body), (api, t, key) => api.updateOrCreateCreditNotes(t, body, false, UNITDP, key));
    return elementResults(ids.length, res.creditNotes, (c) => c.creditNoteID);
  });
}

export async function findCreditNotesByNumber(xero: XeroOrgClient, numbers: string[]): Promise<CreditNote[]> {
  const out: CreditNote[] = [];
  for (const part of chunk([...new Set(numbers)], 25)) {
    const where = part.map((n) => `CreditNoteNumber==${quote(n)}`).join(' OR ');
    const body = await xero.read((api, t) => api.getCreditNotes(t, undefined, where, undefined, 1, UNITDP, 100));
    out.push(...(body.creditNotes ?? []).filter((c) => c.status !== asEnum('DELETED')));
  }
  return out;
}

export async function getCreditNote(xero: XeroOrgClient, id: string): Promise<CreditNote | undefined> {
  const body = await xero.read((api, t) => api.getCreditNote(t, id, UNITDP));
  return body.creditNotes?.[0];
}

/** Xero allocates one credit note per call (PUT /CreditNotes/{id}/Allocations). */
export async function allocateCreditNote(
  xero: XeroOrgClient,
  creditNoteId: string,
  allocation: { invoiceId: string; amountCents: number; date: string },
): Promise<ElementResult<{ allocationID?: string }>> {
  const body = { allocations: [{ invoice: { invoiceID: allocation.invoiceId }, amount: fromCents(allocation.amountCents), date: allocation.date }] };
  const [result] = await perElement(1, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, `cn-alloc-${creditNoteId}`, body), (api, t, key) =>
      api.createCreditNoteAllocation(t, creditNoteId, body, false, key),
    );
    return elementResults(1, res.allocations as { allocationID?: string; validationErrors?: { message?: string }[] }[] | undefined, (a) => a.allocationID);
  });
  return result!;
}

function paymentBody(d: PaymentDraft): Payment {
  return {
    invoice: { invoiceID: d.invoiceId },
    account: { code: d.bankAccountCode },
    date: d.date,
    amount: fromCents(d.amountCents),
    reference: d.reference,
    ...(d.currencyRate !== undefined ? { currencyRate: d.currencyRate } : {}),
  };
}

/**
 * PUT /Payments, one payment per element (not a BatchPayment: see mapping/payments.ts). `replaces`
 * (the deleted payment a changed allocation's new one stands for) goes into the Idempotency-Key:
 * an allocation changed back within Xero's 6-minute memory must create again, not replay the first.
 */
export async function createPayments(xero: XeroOrgClient, drafts: PaymentDraft[], replaces: (string | null)[] = []): Promise<ElementResult<Payment>[]> {
  const body = { payments: drafts.map(paymentBody) };
  return perElement(drafts.length, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, 'pay-create', { body, replaces }), (api, t, key) => api.createPayments(t, body, false, key));
    return elementResults(drafts.length, res.payments, (p) => p.paymentID);
  });
}

/** Xero payments are immutable: the one change there is, POST /Payments/{id} {"Status":"DELETED"}. */
export async function deletePayment(xero: XeroOrgClient, paymentId: string): Promise<ElementResult<Payment>> {
  const body = { status: 'DELETED' };
  const [result] = await perElement(1, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, `pay-delete-${paymentId}`, body), (api, t, key) => api.deletePayment(t, paymentId, body, key));
    return elementResults(1, res.payments, (p) => p.paymentID);
  });
  return result!;
}

/**
 * Payments carry no number to look them up by, so a payment whose create may have landed is
 * found by what identifies it: its invoice, amount and date, and the Reference we always send
 * (`Clio payment <allocation id>`); deleted ones are left out.
 */
export async function findPayments(xero: XeroOrgClient, drafts: PaymentDraft[]): Promise<Payment[]> {
  const out: Payment[] = [];
  for (const part of chunk(drafts, 25)) {
    const where = part.map((d) => `Reference==${quote(d.reference)}`).join(' OR ');
    const body = await xero.read((api, t) => api.getPayments(t, undefined, where, undefined, 1, 100));
    out.push(...(body.payments ?? []).filter((p) => p.status !== asEnum('DELETED')));
  }
  return out.filter((p) =>
    drafts.some(
      (d) => p.reference === d.reference && p.invoice?.invoiceID === d.invoiceId && Math.round((p.amount ?? 0) * 100) === d.amountCents && sameDay(p.date, d.date),
    ),
  );
}

/** xero-node types Payment.Date as a string but hands back a Date (or "/Date(ms+0000)/" unparsed). */
function sameDay(value: unknown, day: string): boolean {
  if (value instanceof Date) return value.toISOString().slice(0, 10) === day;
  if (typeof value !== 'string') return false;
  const ms = /\/Date\((-?\d+)/.exec(value)?.[1];
  return (ms ? new Date(Number(ms)).toISOString() : value).slice(0, 10) === day;
}

function spendBody(d: SpendDraft, contactId: string, bankTransactionId?: string): BankTransaction {
  const tx: BankTransaction = {
    type: asEnum('SPEND'),
    contact: { contactID: contactId },
    bankAccount: { code: d.bankAccountCode },
    date: d.date,
    reference: d.reference,
    url: d.url,
    lineAmountTypes: asEnum(d.lineAmountTypes),
    lineItems: [{ description: d.description, quantity: 1, unitAmount: fromCents(d.amountCents), accountCode: d.accountCode }],
  };
  if (bankTransactionId) tx.bankTransactionID = bankTransactionId;
  return tx;
}

/**
 * Creates (no id) and updates (with id) "spend money" transactions; POST /BankTransactions does
 * both. The hash each update starts from goes into the Idempotency-Key, so an edit undone within
 * Xero's 6-minute memory is sent again rather than answered with the first response.
 */
export async function saveSpendTransactions(
  xero: XeroOrgClient,
  items: { draft: SpendDraft; contactId: string; bankTransactionId?: string; fromHash?: string | null }[],
): Promise<ElementResult<BankTransaction>[]> {
  const body = { bankTransactions: items.map((i) => spendBody(i.draft, i.contactId, i.bankTransactionId)) };
  const from = items.map((i) => i.fromHash ?? null);
  return perElement(items.length, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, 'spend-save', { body, from }), (api, t, key) =>
      api.updateOrCreateBankTransactions(t, body, false, UNITDP, key),
    );
    return elementResults(items.length, res.bankTransactions, (b) => b.bankTransactionID);
  });
}

export async function deleteBankTransactions(xero: XeroOrgClient, ids: string[]): Promise<ElementResult<BankTransaction>[]> {
  const body = { bankTransactions: ids.map((id) => ({ bankTransactionID: id, status: asEnum<BankTransaction['status']>('DELETED') })) } as {
    bankTransactions: BankTransaction[];
  };
  return perElement(ids.length, async () => {
    const res = await xero.write(idempotencyKey(xero.firmId, 'spend-delete', body), (api, t, key) => api.updateOrCreateBankTransactions(t, body, false, UNITDP, key));
    return elementResults(ids.length, res.bankTransactions, (b) => b.bankTransactionID);
  });
}

/** Spend transactions by the Reference we send (`Clio hard cost <id>`), for a create that may have landed. */
export async function findSpendTransactions(xero: XeroOrgClient, references: string[]): Promise<BankTransaction[]> {
  const out: BankTransaction[] = [];
  for (const part of chunk([...new Set(references)], 25)) {
    const where = part.map((r) => `Reference==${quote(r)}`).join(' OR ');
    const body = await xero.read((api, t) => api.getBankTransactions(t, undefined, where, undefined, 1, UNITDP, 100));
    out.push(...(body.bankTransactions ?? []).filter((b) => b.status !== asEnum('DELETED')));
  }
  return out;
}

/**
 * Removes one credit-note allocation (DELETE /CreditNotes/{id}/Allocations/{allocationId}): the
 * credit is free again and the invoice owes the amount. Already gone in Xero (404) counts as done.
 */
export async function deleteCreditNoteAllocation(xero: XeroOrgClient, creditNoteId: string, allocationId: string): Promise<ElementResult<{ allocationID?: string }>> {
  try {
    await xero.write(idempotencyKey(xero.firmId, 'cn-unalloc', { creditNoteId, allocationId }), (api, t) =>
      api.deleteCreditNoteAllocations(t, creditNoteId, allocationId),
    );
    return { ok: true, record: { allocationID: allocationId } };
  } catch (err) {
    if (err instanceof XeroApiError && err.kind === 'not_found') return { ok: true, record: { allocationID: allocationId } };
    if (err instanceof XeroApiError && err.kind === 'validation')
      return { ok: false, failure: classifyXeroMessages(err.validationMessages.length ? err.validationMessages : [err.message]) };
    throw err;
  }
}
