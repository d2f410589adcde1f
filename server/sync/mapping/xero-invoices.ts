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
