import { recordActivity } from './activities-model';
import { billTotals, round2 } from './bill-totals';
import { createBill, setBillState } from './bills-model';
import { createContact } from './contacts-model';
import { recordClientPayment, recordPayment } from './money';
import type { Bill, Contact, User } from './records';
import { openMatter } from './seed';
import type { ClioState } from './state';

/**
 * What the sandbox's demo firm adds to the shared seed, so a newcomer sees in "Xero" the cases a
 * firm's books turn on: a bill with GST-free disbursements (untaxed expenses, coded on the untaxed
 * rate the settings page offers), a client payment larger than the bill it pays (an overpayment,
 * which the add-on names: it is not in Xero), and a matter billed in US dollars (the demo Xero
 * organisation has USD enabled), part paid. Fixed records, no PRNG: the same every start. Only the
 * sandbox adds them (the tests count the shared seed's records).
 */
export const SANDBOX_DEMO = {
  untaxed: 'Seaview Property Trust',
  overpaid: 'Northshore Medical Group',
  foreign: 'Golden Gate Ventures LLC',
  foreignCurrency: 'USD',
} as const;

export function seedSandboxDemo(state: ClioState): void {
  const today = state.clock.now();
  const daysAgo = (days: number) => new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const [admin, , billing] = state.users.all() as User[];
  const research = state.activityDescriptions.all().find((d) => d.name === 'Research')!;

  const client = (name: string, email: string): Contact =>
    createContact(state, {
      type: 'Company',
      name,
      email_addresses: [{ name: 'Work', address: email, default_email: true }],
      phone_numbers: [{ name: 'Work', number: '+61 2 9000 4000', default_number: true }],
      addresses: [],
    });
  const time = (matterId: number, hours: number, note: string, price?: number) =>
    recordActivity(
      state,
      {
        type: 'TimeEntry',
        date: daysAgo(14),
        quantity: hours * 3600,
        note,
        matter: { id: matterId },
        activity_description: { id: research.id },
        ...(price ? { price } : {}),
      },
      admin!.id,
    ).id;
  const expense = (matterId: number, price: number, note: string) =>
    recordActivity(state, { type: 'ExpenseEntry', date: daysAgo(13), quantity: 1, price, note, matter: { id: matterId }, tax_setting: 'no_tax' }, admin!.id).id;
  const approvedBill = (activityIds: number[], subject: string): Bill => {
    const bill = createBill(state, { activity_ids: activityIds, user_id: admin!.id, issued_at: daysAgo(10), due_at: daysAgo(-20), subject });
    return setBillState(state, bill, 'awaiting_payment');
  };

  // GST-free disbursements on a conveyancing bill: taxed time, untaxed expenses.
  const seaview = client(SANDBOX_DEMO.untaxed, 'accounts@seaviewtrust.example');
  const purchase = openMatter(state, seaview, 'Property purchase', admin!, daysAgo(60));
  approvedBill(
    [time(purchase.id, 2.5, 'Reviewed contract of sale'), expense(purchase.id, 185.4, 'Land titles search fee'), expense(purchase.id, 642, 'Transfer registration fee')],
    `Professional services: ${purchase.description}`,
  );

  // The client paid 150.00 more than the bill: the rest stays on the payment as unapplied credit.
  const northshore = client(SANDBOX_DEMO.overpaid, 'payables@northshoremedical.example');
  const lease = openMatter(state, northshore, 'Commercial lease', admin!, daysAgo(90));
  const leaseBill = approvedBill([time(lease.id, 2, 'Negotiated lease terms')], `Professional services: ${lease.description}`);
  const due = billTotals(state, leaseBill).balance;
  recordClientPayment(state, {
    contact_id: northshore.id,
    amount: round2(due + 150),
    date: daysAgo(5),
    method: 'manual',
    user_id: billing!.id,
    reference: 'EFT NORTHSHORE',
    allocations: [{ bill_id: leaseBill.id, amount: due }],
  });

  // A matter billed in US dollars, part paid.
  const usd = state.currencies.find((c) => c.code === SANDBOX_DEMO.foreignCurrency)!;
  const goldenGate = client(SANDBOX_DEMO.foreign, 'ap@goldengateventures.example');
  const review = state.matters.update(openMatter(state, goldenGate, 'Contract review', admin!, daysAgo(45)).id, { currency_id: usd.id });
  const usdBill = approvedBill([time(review.id, 3, 'Reviewed distribution agreement', 400)], `Professional services: ${review.description}`);
  recordPayment(state, usdBill, { amount: 500, date: daysAgo(3), method: 'manual', user_id: billing!.id, reference: 'WIRE GGV' });
}
