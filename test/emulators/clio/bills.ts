import { Hono } from 'hono';
import { billTotals } from './bill-totals';
import { deleteBill, deleteLineItem, editBill, editLineItem, type BillPatch, type LineItemPatch } from './bills-model';
import { byId, byValue, checkIfMatch, findRow, listHandler, paths, readData, respond, showHandler, type Collection } from './collection';
import type { ApiEnv, Emulator } from './context';
import { invalid } from './errors';
import type { Bill, LineItem } from './records';
import { billShape, lineItemShape } from './shapes';

export const bills: Collection<Bill> = {
  shape: billShape,
  table: (s) => s.bills,
  filters: {
    state: byValue((b) => b.state),
    client_id: byId((b) => b.client_id),
    matter_id: byId((b) => b.matter_ids),
    type: (b, v) => (v === 'trust' ? b.kind === 'trust_kind' : b.kind !== 'trust_kind'),
    issued_after: (b, v) => b.issued_at >= v,
    issued_before: (b, v) => b.issued_at <= v,
    due_after: (b, v) => b.due_at >= v,
    due_before: (b, v) => b.due_at <= v,
    status: (b, v, s) => v === 'all' || (b.state === 'awaiting_payment' && b.due_at < today(s) && billTotals(s, b).balance > 0),
  },
};

const today = (s: { clock: { now(): Date } }) => s.clock.now().toISOString().slice(0, 10);

export const lineItems: Collection<LineItem> = {
  shape: lineItemShape,
  table: (s) => s.lineItems,
  defaultOrder: null,
  filters: {
    bill_id: byId((l) => l.bill_id),
    matter_id: byId((l) => l.matter_id),
    activity_id: byId((l) => l.activity_id),
    kind: byValue((l) => l.kind),
  },
};

const BILL_FIELDS = [
  'issued_at',
  'due_at',
  'subject',
  'memo',
  'purchase_order',
  'number',
  'tax_rate',
  'secondary_tax_rate',
  'state',
  'interest',
  'discount',
  'discount_services_only',
];
const LINE_FIELDS = ['date', 'description', 'note', 'price', 'quantity', 'taxable', 'secondary_taxable', 'group_ordering', 'kind', 'discount'];

/** Clio rejects keys it does not write (read-only or unknown) instead of ignoring them. */
function only<T>(data: Record<string, unknown>, allowed: string[], what: string): T {
  const unknown = Object.keys(data).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw invalid(`${what} cannot be updated: ${unknown.join(', ')}`);
  return data as T;
}

export function billRoutes(emu: Emulator): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  api.on('GET', paths('/bills'), listHandler(emu, bills));
  api.get('/bills/:id', showHandler(emu, bills));
  api.patch('/bills/:id', async (c) => {
    const bill = findRow(emu, bills, c);
    checkIfMatch(c, bill);
    const patch = only<BillPatch>(await readData(c), BILL_FIELDS, 'Bill fields');
    return respond(emu, c, billShape, editBill(emu.state, bill, patch));
  });
  api.delete('/bills/:id', (c) => {
    const bill = findRow(emu, bills, c);
    checkIfMatch(c, bill);
    deleteBill(emu.state, bill);
    return c.body(null, 204);
  });

  api.on('GET', paths('/line_items'), listHandler(emu, lineItems));
  api.patch('/line_items/:id', async (c) => {
    const line = findRow(emu, lineItems, c);
    checkIfMatch(c, line);
    const patch = only<LineItemPatch>(await readData(c), [...LINE_FIELDS, 'update_original_record'], 'Line item fields');
    const { update_original_record: _u, ...fields } = patch as LineItemPatch & { update_original_record?: boolean };
    return respond(emu, c, lineItemShape, editLineItem(emu.state, line, fields));
  });
  api.delete('/line_items/:id', (c) => {
    deleteLineItem(emu.state, findRow(emu, lineItems, c));
    return c.body(null, 204);
  });
  return api;
}
