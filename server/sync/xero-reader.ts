import type { Contact, Invoice, Payment } from 'xero-node';
import type { XeroOrgClient } from '../xero/client';
import { chunk, UNITDP } from './xero-writer';

/**
 * Reading what changed in Xero (the Xero → Clio direction). Xero lists changes with
 * If-Modified-Since (records updated at or after that second) in pages of up to 1000; a change
 * webhook names ids only, so they are read in one call per 50.
 */

const PAGE_SIZE = 1000;

export async function readXeroContacts(xero: XeroOrgClient, ids: string[]): Promise<Contact[]> {
  const out: Contact[] = [];
  for (const part of chunk([...new Set(ids)], 50)) out.push(...(await xero.getContacts({ ids: part, includeArchived: true, page: 1, pageSize: PAGE_SIZE })));
  return out;
}

/** Page by page, so each page is stored before the next is asked for. */
export async function* xeroContactPagesSince(xero: XeroOrgClient, since: Date): AsyncGenerator<Contact[]> {
  for (let page = 1; ; page++) {
    const contacts = await xero.getContacts({ modifiedSince: since, includeArchived: true, page, pageSize: PAGE_SIZE });
    if (contacts.length) yield contacts;
    if (contacts.length < PAGE_SIZE) return;
  }
}

export async function* xeroPaymentPagesSince(xero: XeroOrgClient, since: Date): AsyncGenerator<Payment[]> {
  for (let page = 1; ; page++) {
    const body = await xero.read((api, t) => api.getPayments(t, since, undefined, undefined, page, PAGE_SIZE));
    const payments = body.payments ?? [];
    if (payments.length) yield payments;
    if (payments.length < PAGE_SIZE) return;
  }
}

/** Sales invoices changed since a time, archived (voided, deleted) ones too, with their lines and payments. */
export async function* xeroInvoicePagesSince(xero: XeroOrgClient, since: Date): AsyncGenerator<Invoice[]> {
  for (let page = 1; ; page++) {
    const body = await xero.read((api, t) =>
      api.getInvoices(t, since, 'Type=="ACCREC"', undefined, undefined, undefined, undefined, undefined, page, true, undefined, UNITDP, undefined, PAGE_SIZE),
    );
    const invoices = body.invoices ?? [];
    if (invoices.length) yield invoices;
    if (invoices.length < PAGE_SIZE) return;
  }
}

/**
 * Where a first sweep starts listing: the newest change Xero holds now (one record asked for), so
 * the history before the connection is not read; the webhooks and the push cover it.
 */
export async function newestXeroStamp(xero: XeroOrgClient, what: 'contacts' | 'payments' | 'invoices'): Promise<Date | undefined> {
  const order = 'UpdatedDateUTC DESC';
  if (what === 'contacts') {
    const body = await xero.read((api, t) => api.getContacts(t, undefined, undefined, order, undefined, 1, true, true, undefined, 1));
    return body.contacts?.[0]?.updatedDateUTC;
  }
  if (what === 'invoices') {
    const body = await xero.read((api, t) =>
      api.getInvoices(t, undefined, 'Type=="ACCREC"', order, undefined, undefined, undefined, undefined, 1, true, undefined, undefined, true, 1),
    );
    return body.invoices?.[0]?.updatedDateUTC;
  }
  const body = await xero.read((api, t) => api.getPayments(t, undefined, undefined, order, 1, 1));
  return body.payments?.[0]?.updatedDateUTC;
}

/** The invoices the given payments are on (one call per payment: Xero lists payments by id one at a time). */
export async function paymentInvoiceIds(xero: XeroOrgClient, paymentIds: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const id of new Set(paymentIds)) {
    const body = await xero.read((api, t) => api.getPayment(t, id));
    const invoiceId = body.payments?.[0]?.invoice?.invoiceID;
    if (invoiceId) out.add(invoiceId);
  }
  return [...out];
}
