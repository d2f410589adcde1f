import { describe, expect, it } from 'vitest';
import type { ClioLineItem } from '../../../server/sync/mapping/clio-records';
import { billEditsFrom, type InvoiceView } from '../../../server/sync/mapping/xero-invoices';

/** The Xero → Clio edits around the lines Clio does not have: the rounding line, and the minutes suffix. */
const clioLine: ClioLineItem = {
  id: 7,
  type: 'ActivityLineItem',
  kind: 'Service',
  description: 'Drafting letter',
  note: null,
  price: 412.3456,
  quantity: 17 / 60,
  sub_total: 116.83,
  total: 116.83,
  tax: 11.68,
  secondary_tax: 0,
  taxable: true,
  secondary_taxable: false,
  bill: { id: 1 },
};

const base: InvoiceView = {
  date: '2026-12-01',
  dueDate: '2026-12-31',
  reference: 'Matter 1',
  lines: {
    'li-7': { description: 'Drafting letter (17 min)', quantity: 0.2833, unitAmount: 412.3456, amountCents: 11682 },
    'li-r': { description: 'Rounding', quantity: 1, unitAmount: 0.01, amountCents: 1 },
  },
  totalCents: 12851,
};
const byXeroId = new Map([['li-7', clioLine]]);
const edited = (lines: Partial<Record<'li-7' | 'li-r', Partial<InvoiceView['lines'][string]>>>): InvoiceView => ({
  ...base,
  lines: { 'li-7': { ...base.lines['li-7']!, ...lines['li-7'] }, 'li-r': { ...base.lines['li-r']!, ...lines['li-r'] } },
});

describe('billEditsFrom', () => {
  it('sees no edit in an invoice as we sent it, rounding line included', () => {
    expect(billEditsFrom(base, base, byXeroId, null)).toEqual({ bill: {}, lines: new Map(), refused: [] });
  });

  it('writes a description edited in Xero back without the minutes the sync added', () => {
    const edits = billEditsFrom(edited({ 'li-7': { description: 'Drafting the letter (17 min)' } }), base, byXeroId, null);
    expect(edits.lines.get(7)).toEqual({ description: 'Drafting the letter' });
    expect(edits.refused).toEqual([]);
  });

  it('reports an edited rounding line as one Clio computes, never as a Clio line edit', () => {
    const edits = billEditsFrom(edited({ 'li-r': { unitAmount: 0.5 } }), base, byXeroId, null);
    expect(edits.lines.size).toBe(0);
    expect(edits.refused).toEqual([`The line "Rounding" (a discount, interest or rounding line Clio's figures make) was edited in Xero; change it in Clio.`]);
  });
});
