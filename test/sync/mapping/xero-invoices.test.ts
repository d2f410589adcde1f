import { describe, expect, it } from 'vitest';
import type { ClioLineItem } from '../../../server/sync/mapping/clio-records';
import { billEditsFrom, conflictWords, invoiceConflicts, type InvoiceView } from '../../../server/sync/mapping/xero-invoices';

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

describe('invoiceConflicts (base = what we pushed, Clio now, Xero now)', () => {
  it('a field changed on one side only, or to the same value on both, is no conflict', () => {
    expect(invoiceConflicts(base, edited({ 'li-7': { unitAmount: 310 } }), edited({ 'li-7': { quantity: 0.5 } })).conflicts).toEqual([]);
    expect(invoiceConflicts(base, edited({ 'li-7': { unitAmount: 320 } }), edited({ 'li-7': { unitAmount: 320 } })).conflicts).toEqual([]);
    expect(invoiceConflicts(base, { ...base, dueDate: '2027-01-07' }, { ...base, reference: 'PO 77' }).conflicts).toEqual([]);
  });

  it('the same field changed differently on both sides: both values, in words without the minutes', () => {
    const { conflicts } = invoiceConflicts(
      base,
      { ...edited({ 'li-7': { unitAmount: 310 } }), dueDate: '2027-01-07' },
      { ...edited({ 'li-7': { unitAmount: 320 } }), dueDate: '2027-01-31' },
    );
    expect(conflicts).toEqual([
      { field: 'dueDate', label: 'the due date', clio: '2027-01-07', xero: '2027-01-31' },
      { field: 'line:li-7:unitAmount', label: 'the price of “Drafting letter”', clio: '310.00', xero: '320.00' },
    ]);
    expect(conflictWords('15', 'Lucas Wilson', conflicts.slice(1))).toBe(
      'Bill 15 for Lucas Wilson: the price of “Drafting letter” was changed to 320.00 in Xero and to 310.00 in Clio. Choose which to keep.',
    );
  });

  it('the admin’s choice moves the base to the losing side, so the kept value is the only change', () => {
    const clio = edited({ 'li-7': { unitAmount: 310 } });
    const xero = edited({ 'li-7': { unitAmount: 320 } });
    const keptXero = invoiceConflicts(base, clio, xero, 'xero');
    expect(keptXero.conflicts).toEqual([]);
    // Xero's 320 now reads as an edit to write to Clio.
    expect(billEditsFrom(xero, keptXero.base, byXeroId, null).lines.get(7)).toEqual({ price: 320 });
    const keptClio = invoiceConflicts(base, clio, xero, 'clio');
    // Xero's value is the base: nothing goes to Clio, and Clio's push takes 310 to Xero.
    expect(billEditsFrom(xero, keptClio.base, byXeroId, null).lines.size).toBe(0);
    expect(base.lines['li-7']!.unitAmount).toBe(412.3456);
  });
});
