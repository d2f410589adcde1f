import { describe, expect, it } from 'vitest';
import { billTotals, lineTotals, round2 } from './bill-totals';
import { setup } from './harness';
import type { ClioState } from './state';

function invariants(state: ClioState) {
  for (const bill of state.bills.all()) {
    const lines = state.lineItems.where('bill_id', bill.id);
    const t = billTotals(state, bill);
    expect(t.sub_total).toBeCloseTo(
      lines.reduce((s, l) => s + lineTotals(l, bill).sub_total, 0),
      2,
    );
    if (bill.state === 'paid') expect(t.balance).toBe(0);
    if (bill.state === 'awaiting_payment') expect(t.balance).toBeGreaterThan(0);
    if (bill.state === 'void') expect(t.balance).toBe(0);
    else expect(t.balance).toBe(round2(t.total - t.paid - t.credits_issued));
  }
  for (const account of state.bankAccounts.all()) {
    const balance = state.bankTransactions.where('bank_account_id', account.id).reduce((s, x) => s + x.funds_in - x.funds_out, 0);
    expect(balance).toBeGreaterThanOrEqual(0);
  }
}

describe('seed', () => {
  it('holds the demo firm: users, special contacts, matters, bills in every state, money of every kind', async () => {
    const t = setup();
    const s = t.emu.state;
    const users = s.users.all();
    expect(users.map((u) => [u.name, u.roles])).toEqual([
      ['Harriet Vance', ['admin']],
      ['Marcus Reed', []],
      ['Priya Nair', ['billing']],
    ]);
    const names = s.contacts.all().map((c) => c.name);
    expect(names).toHaveLength(25);
    for (const name of ['Acme Holdings Pty Ltd', 'Jane Citizen', 'Müller & Söhne GmbH', 'Łukasz Żółć', '太郎 山田']) expect(names).toContain(name);
    expect(names.filter((n) => n === 'John Smith')).toHaveLength(2);
    expect(s.contacts.all().some((c) => c.type === 'Person' && c.email_addresses.length === 0)).toBe(true);
    for (const client of s.contacts.all().filter((c) => c.is_client)) expect(s.matters.where('client_id', client.id)).toHaveLength(3);
    const states = s.bills.all().map((b) => b.state);
    expect(states).toHaveLength(60);
    expect(Object.fromEntries(['draft', 'awaiting_approval', 'awaiting_payment', 'paid', 'void'].map((st) => [st, states.filter((x) => x === st).length]))).toEqual({
      draft: 10,
      awaiting_approval: 8,
      awaiting_payment: 18,
      paid: 18,
      void: 6,
    });
    expect(s.creditMemos.size).toBe(2);
    expect(s.interestCharges.size).toBe(3);
    for (const charge of s.interestCharges.all()) expect(s.bills.require(charge.bill_id).due_at < '2026-11-25').toBe(true);
    expect(s.clioPayments.size).toBe(8);
    const partial = s.bills.all().filter((b) => b.state === 'awaiting_payment' && billTotals(s, b).paid > 0);
    expect(partial).toHaveLength(1);
    const activities = s.activities.all();
    expect(activities.some((a) => a.type === 'TimeEntry' && (a.quantity / 3600) % 1 !== 0)).toBe(true);
    expect(activities.some((a) => a.type === 'HardCostEntry' && a.vendor_id !== null)).toBe(true);
    expect(activities.some((a) => a.type === 'SoftCostEntry')).toBe(true);
    expect(s.expenseCategories.all().some((c) => c.xero_expense_code !== null)).toBe(true);
    expect(s.bankTransactions.all().some((x) => x.type === 'liability' && x.funds_out > 0)).toBe(true);
    invariants(s);
  });

  it('is deterministic and resettable', async () => {
    const a = setup();
    const b = setup();
    const shape = (s: ClioState) => s.bills.all().map((x) => [x.id, x.state, billTotals(s, x).total]);
    expect(shape(a.emu.state)).toEqual(shape(b.emu.state));
    await a.control('POST', '/contacts', { type: 'Company', name: 'Extra' });
    expect((await a.control('POST', '/reset', {})).body.contacts).toBe(25);
    expect((await a.control('POST', '/reset', { seed: false })).body).toMatchObject({ contacts: 0, users: 3, bank_accounts: 2 });
    expect(shape(b.emu.state)).toEqual(shape(setup().emu.state));
  });

  it('scales by a factor into tens of thousands of records, keeping the invariants', () => {
    const t = setup({ seed: 20 });
    const s = t.emu.state;
    expect(s.bills.size).toBe(1200);
    expect(s.contacts.size).toBe(8 + 2 + 20 * 15);
    expect(s.activities.size + s.lineItems.size + s.matters.size).toBeGreaterThan(10_000);
    invariants(s);
  });
});
