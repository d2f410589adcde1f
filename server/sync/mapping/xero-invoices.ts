import type { Invoice } from 'xero-node';
import type { ClioLineItem } from './clio-records';
import { contentHash } from './hash';
import { MINUTES_SUFFIX } from './invoices';
import { roundTo, toCents } from './money';
import type { InvoiceDraft } from './xero-drafts';

/**
 * The Xero → Clio direction for invoices. Clio owns lines and amounts; with "sync bill updates
 * from Xero" on, what a bookkeeper may edit on an invoice — its dates, its reference, and a line's
 * description, quantity and price — is compared with what the bill maps to now, and each
 * difference becomes a Clio write or, where Clio's API cannot take it, a reported problem.
 */

/** Xero sends dates as `/Date(ms+0000)/` or ISO; the day, in UTC. */
export function xeroDay(value: string | Date | undefined | null): string | null {
  if (!value) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const ms = /\/Date\((-?\d+)/.exec(value);
  if (ms) return new Date(Number(ms[1])).toISOString().slice(0, 10);
  return value.slice(0, 10);
}

/** What the bookkeeper can see and edit, in one shape for an invoice and for the draft a bill maps to. */
export interface InvoiceView {
  date: string | null;
  dueDate: string | null;
  reference: string;
  /** By Xero LineItemID. */
  lines: Record<string, { description: string; quantity: number; unitAmount: number; amountCents: number }>;
  totalCents: number;
}

export function viewOfInvoice(inv: Invoice): InvoiceView {
  const lines: InvoiceView['lines'] = {};
  for (const l of inv.lineItems ?? [])
    if (l.lineItemID)
      lines[l.lineItemID] = {
        description: (l.description ?? '').trim(),
        quantity: roundTo(l.quantity ?? 0, 4),
        unitAmount: roundTo(l.unitAmount ?? 0, 4),
        amountCents: toCents(l.lineAmount ?? 0),
      };
  return { date: xeroDay(inv.date), dueDate: xeroDay(inv.dueDate), reference: (inv.reference ?? '').trim(), lines, totalCents: toCents(inv.total ?? 0) };
}

/**
 * The fingerprint of a Xero invoice as the pull compares it: what the bookkeeper can edit and where
 * its payments stand. The push stores it for the invoice Xero answered with, so the INVOICE webhook
 * its own write triggers stops before Clio is read.
 */
export const invoiceHash = (inv: Invoice): string => contentHash({ view: viewOfInvoice(inv), status: String(inv.status), paid: inv.amountPaid ?? 0 });

/** `lineIds`: draft line key → the Xero LineItemID it was sent as (the link's snapshot). */
export function viewOfDraft(d: InvoiceDraft, lineIds: Record<string, { lineItemId: string }>): InvoiceView {
  const lines: InvoiceView['lines'] = {};
  for (const l of d.lines) {
    const id = lineIds[l.key]?.lineItemId;
    if (id) lines[id] = { description: l.description.trim(), quantity: roundTo(l.quantity, 4), unitAmount: roundTo(l.unitAmount, 4), amountCents: l.lineAmountCents };
  }
  return { date: d.date, dueDate: d.dueDate, reference: d.reference.trim(), lines, totalCents: d.totalCents };
}

export interface BillEdits {
  /** Header fields for the bill PATCH. */
  bill: { issued_at?: string; due_at?: string; memo?: string };
  /** Per Clio line item id, the fields for its PATCH. */
  lines: Map<number, { description?: string; note?: string | null; quantity?: number; price?: number }>;
  /** What Clio's API cannot take, in words for the record page. */
  refused: string[];
}

/**
 * The Xero edits (invoice view vs the view of the draft the bill maps to) as Clio writes. A line's
 * description went out as "description — note (minutes)"; an edit is written back to the
 * description, keeping the note when Xero's text still ends with it. Clio line items count hours
 * (the time entries behind them count seconds), so a quantity goes as is.
 */
export function billEditsFrom(xero: InvoiceView, base: InvoiceView, lineByXeroId: Map<string, ClioLineItem>, clioMemo: string | null | undefined): BillEdits {
  const edits: BillEdits = { bill: {}, lines: new Map(), refused: [] };
  if (xero.date && xero.date !== base.date) edits.bill.issued_at = xero.date;
  if (xero.dueDate && xero.dueDate !== base.dueDate) edits.bill.due_at = xero.dueDate;
  if (xero.reference !== base.reference && xero.reference !== (clioMemo ?? '').trim()) edits.bill.memo = xero.reference;
  for (const [id, x] of Object.entries(xero.lines)) {
    const b = base.lines[id];
    const clio = lineByXeroId.get(id);
    if (!b) {
      edits.refused.push(`A line was added in Xero ("${x.description}"): Clio's lines come from its time entries and expenses, so add it in Clio.`);
      continue;
    }
    if (!clio) {
      if (x.description !== b.description || x.quantity !== b.quantity || x.unitAmount !== b.unitAmount)
        edits.refused.push(`The line "${b.description}" (a discount, interest or rounding line Clio's figures make) was edited in Xero; change it in Clio.`);
      continue;
    }
    const patch: { description?: string; note?: string | null; quantity?: number; price?: number } = {};
    if (x.description !== b.description) {
      const note = clio.note?.trim();
      const withoutHours = x.description.replace(MINUTES_SUFFIX, '');
      if (note && withoutHours.endsWith(` — ${note}`)) patch.description = withoutHours.slice(0, -` — ${note}`.length);
      else {
        patch.description = withoutHours;
        if (note) patch.note = null;
      }
    }
    if (x.quantity !== b.quantity) patch.quantity = x.quantity;
    if (x.unitAmount !== b.unitAmount) patch.price = x.unitAmount;
    if (Object.keys(patch).length) edits.lines.set(clio.id, patch);
  }
  for (const [id, b] of Object.entries(base.lines))
    if (!xero.lines[id]) edits.refused.push(`The line "${b.description}" was removed in Xero; remove it from the bill in Clio.`);
  return edits;
}

/** One field of an invoice changed differently in Clio and in Xero since our last push. */
export interface BillFieldConflict {
  /** `date`, `dueDate`, `reference`, or `line:<Xero LineItemID>:description|quantity|unitAmount`. */
  field: string;
  /** The field in words, for the Status tab: `the price of “Drafting letter”`. */
  label: string;
  clio: string | number;
  xero: string | number;
}

const HEADER = [
  ['date', 'the date'],
  ['dueDate', 'the due date'],
  ['reference', 'the reference'],
] as const;
const LINE = [
  ['description', 'the description'],
  ['quantity', 'the quantity'],
  ['unitAmount', 'the price'],
] as const;

const said = (field: string, v: string | number | null): string | number => (v === null ? '' : field.endsWith('unitAmount') && typeof v === 'number' ? v.toFixed(2) : v);

/**
 * The three-way comparison of the fields a bookkeeper may edit: base (what we last pushed), Clio
 * now and Xero now. A field changed on one side only, or to the same value on both, is no conflict.
 * `keep` settles the conflicts of an admin's choice: the returned base takes the losing side's value
 * on those fields, so that the winner's reads as the only change (and is the one that travels).
 */
export function invoiceConflicts(base: InvoiceView, clio: InvoiceView, xero: InvoiceView, keep?: 'clio' | 'xero'): { conflicts: BillFieldConflict[]; base: InvoiceView } {
  const conflicts: BillFieldConflict[] = [];
  const settled: InvoiceView = { ...base, lines: { ...base.lines } };
  for (const [field, words] of HEADER) {
    const [b, c, x] = [base[field], clio[field], xero[field]];
    if (c === b || x === b || c === x) continue;
    if (keep) Object.assign(settled, { [field]: keep === 'clio' ? x : c });
    else conflicts.push({ field, label: words, clio: said(field, c), xero: said(field, x) });
  }
  for (const [id, b] of Object.entries(base.lines)) {
    const c = clio.lines[id];
    const x = xero.lines[id];
    if (!c || !x) continue;
    for (const [field, words] of LINE) {
      if (c[field] === b[field] || x[field] === b[field] || c[field] === x[field]) continue;
      if (keep) settled.lines[id] = { ...settled.lines[id]!, [field]: keep === 'clio' ? x[field] : c[field] };
      else
        conflicts.push({
          field: `line:${id}:${field}`,
          label: `${words} of “${b.description.replace(MINUTES_SUFFIX, '')}”`,
          clio: said(field, c[field]),
          xero: said(field, x[field]),
        });
    }
  }
  return { conflicts, base: settled };
}

/** `Bill 15 for Lucas Wilson: the price of “Drafting letter” was changed to 320.00 in Xero and to 310.00 in Clio. Choose which to keep.` */
export function conflictWords(billNumber: string, clientName: string | null | undefined, conflicts: BillFieldConflict[]): string {
  const changes = conflicts.map((c) => `${c.label} was changed to ${c.xero} in Xero and to ${c.clio} in Clio`).join('; ');
  return `Bill ${billNumber}${clientName ? ` for ${clientName}` : ''}: ${changes}. Choose which to keep.`;
}
