import { describe, expect, it } from 'vitest';
import { startEmulators } from '../start';
import { SEED_TENANTS } from '../xero/index';
import { billTotals, round2 } from './bill-totals';
import { SANDBOX_DEMO } from './sandbox-demo';
import { setup } from './harness';
import type { ClioState } from './state';

const clientNamed = (s: ClioState, name: string) => s.contacts.all().find((c) => c.name === name)!;
const billsOf = (s: ClioState, name: string) => s.bills.all().filter((b) => b.client_id === clientNamed(s, name).id);

describe('the sandbox demo firm', () => {
  it('started as the sandbox starts it: untaxed expenses, an overpayment and a USD matter, beside a USD-enabled Xero organisation', async () => {
    const running = await startEmulators({ clioPort: 0, xeroPort: 0, sandboxDemo: true });
    try {
      const s = running.clio.emulator.state;

      const [untaxed] = billsOf(s, SANDBOX_DEMO.untaxed);
      expect(untaxed!.state).toBe('awaiting_payment');
      const lines = s.lineItems.where('bill_id', untaxed!.id).map((l) => [l.kind, l.quantity, l.price, l.taxable]);
      expect(lines).toEqual([
        ['Service', 2.5, 450, true],
        ['Expense', 1, 185.4, false],
        ['Expense', 1, 642, false],
      ]);

      const [overpaid] = billsOf(s, SANDBOX_DEMO.overpaid);
      const payment = s.payments.all().find((p) => p.contact_id === clientNamed(s, SANDBOX_DEMO.overpaid).id)!;
      const allocated = s.allocations.where('parent_id', payment.id).filter((a) => a.parent_type === 'Payment');
      expect(allocated.map((a) => [a.bill_id, a.amount])).toEqual([[overpaid!.id, billTotals(s, { ...overpaid!, state: 'awaiting_payment' }).total]]);
      expect(round2(payment.amount - allocated[0]!.amount)).toBe(150);
      expect(s.bills.require(overpaid!.id).state).toBe('paid');

      const [foreign] = billsOf(s, SANDBOX_DEMO.foreign);
      const usd = s.currencies.find((c) => c.code === 'USD')!;
      expect(s.matters.require(foreign!.matter_ids[0]!).currency_id).toBe(usd.id);
      expect(foreign!.currency_id).toBe(usd.id);
      expect(billTotals(s, foreign!)).toMatchObject({ total: 1320, paid: 500, balance: 820 });

      const demoOrg = running.xero.emulator.state.tenants.get(SEED_TENANTS.primary.tenantId)!;
      expect(demoOrg.currencies.map((c) => c.Code)).toEqual(['AUD', 'USD']);
    } finally {
      await running.stop();
    }
  });

  it('is the sandbox’s only: the shared seed the tests count has none of it, and it is the same every start', () => {
    const plain = setup().emu.state;
    for (const name of Object.values(SANDBOX_DEMO)) expect(plain.contacts.all().some((c) => c.name === name)).toBe(false);
    const shape = (s: ClioState) => s.bills.all().map((b) => [b.id, b.state, billTotals(s, b).total, b.currency_id ?? null]);
    expect(shape(setup({ sandboxDemo: true }).emu.state)).toEqual(shape(setup({ sandboxDemo: true }).emu.state));
    expect(setup({ sandboxDemo: true }).emu.state.bills.size).toBe(plain.bills.size + 3);
  });
});
