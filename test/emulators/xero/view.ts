// A small read-only HTML view of each organisation for people poking at the sandbox: contacts,
// invoices, credit notes, payments and bank transactions as the emulator holds them. Plain escaped HTML, no scripts.
import type { EmulatorContext } from './context';
import { dateString } from './dates';
import { CREDIT_NOTE, INVOICE, outstanding } from './documents';
import type { Tenant } from './store';

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;margin:1rem 2rem}table{border-collapse:collapse;margin-bottom:1.5rem}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}td.n{text-align:right}</style>
</head><body>${body}</body></html>`;

const table = (headers: string[], rows: string[][], numeric: number[] = []): string =>
  rows.length === 0
    ? '<p>None.</p>'
    : `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr>${r.map((cell, i) => `<td${numeric.includes(i) ? ' class="n"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;

const money = (n: number): string => n.toFixed(2);

export function indexView(ctx: EmulatorContext): string {
  const items = [...ctx.state.tenants.values()].map(
    (t) =>
      `<li><a href="/_emulator/tenants/${encodeURIComponent(t.organisation.OrganisationID)}/view">${escapeHtml(t.organisation.Name)}</a> <small>(${escapeHtml(t.organisation.OrganisationID)})</small></li>`,
  );
  return page('Xero (emulator)', `<h1>Xero <small>(emulator)</small></h1><h2>Organisations</h2><ul>${items.join('') || '<li>None</li>'}</ul>`);
}

export function tenantView(tenant: Tenant): string {
  const name = (contactId: string) => tenant.contacts.get(contactId)?.Name ?? '';
  const contacts = [...tenant.contacts.values()]
    .sort((a, b) => a.Name.localeCompare(b.Name))
    .map((c) => [
      c.Name,
      typeof c.fields.ContactNumber === 'string' ? c.fields.ContactNumber : '',
      typeof c.fields.EmailAddress === 'string' ? c.fields.EmailAddress : '',
      c.ContactStatus,
    ]);
  const docs = (kind: typeof INVOICE) =>
    [...kind.store(tenant).values()]
      .sort((a, b) => a.Number.localeCompare(b.Number))
      .map((d) => [d.Number, name(d.ContactID), dateString(d.Date).slice(0, 10), d.Status, money(d.Total), money(outstanding(tenant, d)), String(d.LineItems.length)]);
  const invoiceNumber = (invoiceId: string) => tenant.invoices.get(invoiceId)?.Number ?? '';
  const accountName = (accountId: string) => tenant.accounts.find((a) => a.AccountID === accountId)?.Name ?? '';
  const payments = [...tenant.payments.values()]
    .sort((a, b) => a.Date - b.Date || a.PaymentID.localeCompare(b.PaymentID))
    .map((p) => [dateString(p.Date).slice(0, 10), invoiceNumber(p.InvoiceID), accountName(p.AccountID), p.Reference ?? '', p.Status, money(p.Amount)]);
  const bankTransactions = [...tenant.bankTransactions.values()]
    .sort((a, b) => a.Date - b.Date || a.BankTransactionID.localeCompare(b.BankTransactionID))
    .map((t) => [
      dateString(t.Date).slice(0, 10),
      t.Type,
      name(t.ContactID),
      accountName(t.BankAccountID),
      t.Reference ?? '',
      t.Status,
      money(t.TotalTax),
      money(t.Total),
    ]);
  const org = tenant.organisation;
  return page(
    `${org.Name} — Xero (emulator)`,
    `<p><a href="/_emulator/view">All organisations</a></p>
<h1>${escapeHtml(org.Name)}</h1>
<h2>Contacts</h2>${table(['Name', 'Contact number', 'Email', 'Status'], contacts)}
<h2>Invoices</h2>${table(['Number', 'Contact', 'Date', 'Status', 'Total', 'Amount due', 'Lines'], docs(INVOICE), [4, 5, 6])}
<h2>Credit notes</h2>${table(['Number', 'Contact', 'Date', 'Status', 'Total', 'Remaining credit', 'Lines'], docs(CREDIT_NOTE), [4, 5, 6])}
<h2>Payments</h2>${table(['Date', 'Invoice', 'Account', 'Reference', 'Status', 'Amount'], payments, [5])}
<h2>Bank transactions</h2>${table(['Date', 'Type', 'Contact', 'Bank account', 'Reference', 'Status', 'Tax', 'Total'], bankTransactions, [6, 7])}`,
  );
}
