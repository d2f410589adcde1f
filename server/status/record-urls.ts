/**
 * Where a synced record can be opened: in the firm's Clio (its region's host) and in Xero. Pure.
 * Against an emulator (sandbox, tests) Xero's deep links would lead nowhere, so they point at the
 * emulator's read-only view of the organisation instead.
 */

const PRODUCTION_XERO_API = 'https://api.xero.com';

const CLIO_PATHS: Record<string, string> = {
  contact: 'contacts',
  matter: 'matters',
  bill: 'bills',
  activity: 'activities',
  hard_cost: 'activities',
  // A credit memo has no page of its own in Clio; it shows on its client's bills.
};

export function clioRecordUrl(clioBaseUrl: string | undefined, kind: string, clioId: string): string | null {
  const path = CLIO_PATHS[kind];
  return clioBaseUrl && path ? `${clioBaseUrl}/nc/#/${path}/${encodeURIComponent(clioId)}` : null;
}

const XERO_LINKS: Record<string, (id: string) => string> = {
  bill: (id) => `https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID=${id}`,
  contact: (id) => `https://go.xero.com/Contacts/View/${id}`,
  credit_memo: (id) => `https://go.xero.com/AccountsReceivable/ViewCreditNote.aspx?creditNoteID=${id}`,
  hard_cost: (id) => `https://go.xero.com/Bank/ViewTransaction.aspx?bankTransactionID=${id}`,
  // A payment has no page of its own in Xero; it shows on its invoice.
};

export function xeroRecordUrl(xeroApiUrl: string, tenantId: string | null, kind: string, xeroId: string | null): string | null {
  if (!xeroId || !XERO_LINKS[kind]) return null;
  if (xeroApiUrl === PRODUCTION_XERO_API) return XERO_LINKS[kind](encodeURIComponent(xeroId));
  return tenantId ? `${xeroApiUrl}/_emulator/tenants/${encodeURIComponent(tenantId)}/view` : null;
}
