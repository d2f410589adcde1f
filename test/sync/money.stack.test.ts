import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signClioWebhook } from '../../server/clio/webhook-signature';
import { getRun } from '../../server/sync/runs';
import { billTotals } from '../emulators/clio/bill-totals';
import type { LoggedRequest } from '../emulators/clio/request-log';
import type { Delivery } from '../emulators/clio/webhooks';
import { outstanding } from '../emulators/xero/documents';
import { startSyncStack, type SyncStack } from './stack';

/**
 * Money to Xero, end to end: payments (manual, from trust, Clio Payments; full, part, over several
 * bills, voided, reallocated, split between interest and principal) become Xero payments on the
 * bills' invoices, and hard costs become "spend money" bank transactions. The fee earner acts
 * through the Clio emulator's control API, Clio's webhooks wake the engine, and each test asserts
 * what the Xero organisation then holds. Bills and hard costs are synced from today, so the seeded
 * history (with its own payments and expenses) stays out of Xero.
 */
let s: SyncStack;
let today: string;

const client = (name: string) => s.newClient(name, `${name.replace(/\W/g, '')}@example.com`);

/** An approved bill of one time entry, synced to Xero. */
async function approvedBill(matterId: number, price: number): Promise<{ id: number; number: string; total: number }> {
  const b = await s.newApprovedBill(matterId, price);
  await s.settled();
  return { ...b, total: billTotals(s.clio(), s.clio().bills.require(b.id)).total };
}

const invoiceOf = (billNumber: string) => {
  const found = s.invoiceByNumber(billNumber);
  expect(found, `invoices numbered ${billNumber}`).toHaveLength(1);
  return found[0]!;
};
const dueOn = (billNumber: string) => outstanding(s.tenant(), invoiceOf(billNumber));
/** The live (not deleted) Xero payments on a bill's invoice. */
const paymentsOn = (billNumber: string) => [...s.tenant().payments.values()].filter((p) => p.InvoiceID === invoiceOf(billNumber).id && p.Status !== 'DELETED');
const accountCode = (accountId: string) => s.tenant().accounts.find((a) => a.AccountID === accountId)?.Code;
const allocationsOf = (billId: number) =>
  s
    .clio()
    .allocations.where('bill_id', billId)
    .filter((a) => a.parent_type === 'Payment');
const pay = (billId: number, amount: number, method: 'manual' | 'trust' | 'clio_payments' = 'manual') =>
  s.clioControl('POST', `/bills/${billId}/payments`, { amount, method }).then(() => s.settled());

const openItemWords = async () => ((await s.call('GET', '/api/sync/status')).body.openItems as { words: string }[]).map((i) => i.words);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** 2026-12-03 → "3 Dec 2026", written out here rather than taken from the product. */
const spoken = (day: string) => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;
const money = (amount: number) => `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Calls the add-on made to Clio, in order. */
const requests = async () => (await s.clioControl('GET', '/requests')) as LoggedRequest[];
/** The activity ids those calls read one by one (`ids[]`), as the activity webhook's job does; sweeps read by date instead. */
const activityIdsRead = (calls: LoggedRequest[]) =>
  calls.filter((r) => r.method === 'GET' && r.path === '/api/v4/activities.json').flatMap((r) => new URLSearchParams(r.query).getAll('ids[]'));
/** The bill ids those calls read one by one (`ids[]`), as the bill webhook's job does. */
const billIdsRead = (calls: LoggedRequest[]) =>
  calls.filter((r) => r.method === 'GET' && r.path === '/api/v4/bills.json').flatMap((r) => new URLSearchParams(r.query).getAll('ids[]'));
/** The calls that read one bill's payments (a bill's own sync does, per bill). */
const paymentReadsOf = (calls: LoggedRequest[], billId: number) =>
  calls.filter((r) => r.method === 'GET' && r.path === '/api/v4/allocations.json' && new URLSearchParams(r.query).get('bill_id') === String(billId));
/** What one of Clio's webhooks sent, and how the add-on answered. */
const deliveriesOf = async (model: 'activity' | 'bill') => {
  const hook = s.stack.clio.emulator.state.webhooks.all().find((w) => w.model === model)!;
  const sent = (await s.clioControl('GET', '/webhooks/deliveries')) as Delivery[];
  return sent
    .filter((d) => d.webhook_id === hook.id)
    .map((d) => ({ data: (JSON.parse(d.body) as { data: { id: number; type?: string; state?: string } }).data, event: d.event, status: d.status }));
};
/** Delivers an event for a record as Clio's webhook of that model would, signed with its secret. */
async function deliver(model: 'activity' | 'bill', event: string, data: Record<string, unknown>): Promise<void> {
  const hook = s.stack.clio.emulator.state.webhooks.all().find((w) => w.model === model)!;
  const body = JSON.stringify({ data, meta: { event, webhook_id: hook.id } });
  const res = await fetch(hook.url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'X-Hook-Signature': signClioWebhook(hook.shared_secret, body) },
  });
  expect(res.status).toBe(200);
}

/** One unit of a hard cost from a vendor (created here when named), without tax unless told. */
async function hardCost(matterId: number, vendor: string | { id: number }, price: number, taxSetting = 'no_tax') {
  const from = typeof vendor === 'string' ? await s.clioControl('POST', '/contacts', { type: 'Company', name: vendor }) : vendor;
  return s.clioControl('POST', '/activities', { type: 'HardCostEntry', quantity: 1, price, matter: { id: matterId }, vendor: { id: from.id }, tax_setting: taxSetting });
}

beforeAll(async () => {
  s = await startSyncStack({ settings: (day) => ({ invoiceStatus: 'AUTHORISED', billDateFrom: day, syncHardCosts: true, hardCostStartDate: day }) });
  today = s.today;
  await s.settled('the first sync');
}, 120_000);
afterAll(() => s?.stack.stop());

// Xero paces 60 calls a minute per organisation in real time: later tests may wait for the budget.
describe('payments to Xero', { timeout: 120_000 }, () => {
  it('the first sync sends none of the seeded history’s payments', async () => {
    expect([...s.tenant().payments.values()].filter((p) => p.Reference?.startsWith('Clio payment'))).toEqual([]);
    expect(await s.links('payment_allocation')).toEqual([]);
  });

  it('the first sync counts through what it lists for the Status tab, the hard costs last', async () => {
    // Bills, then payments, then hard costs: the last progress the run wrote is of every hard cost it listed.
    const hardCosts = s
      .clio()
      .activities.all()
      .filter((a) => a.type === 'HardCostEntry');
    expect(hardCosts.length).toBeGreaterThan(0);
    expect(await getRun(s.stack.db, s.firmId)).toMatchObject({ progress_kind: 'hard_cost', progress_done: hardCosts.length, progress_total: hardCosts.length });
  });

  it('a full payment pays the invoice into the chosen bank account, with date, amount and reference', async () => {
    const { matterId } = await client('Full Pay Pty Ltd');
    const b = await approvedBill(matterId, 440);
    await pay(b.id, b.total);
    const [payment, ...more] = paymentsOn(b.number);
    expect(more).toEqual([]);
    const allocation = allocationsOf(b.id)[0]!;
    expect(payment).toMatchObject({ Amount: b.total, Reference: `Clio payment ${allocation.id}` });
    expect(accountCode(payment!.AccountID)).toBe('090');
    expect(new Date(payment!.Date).toISOString().slice(0, 10)).toBe(today);
    expect(invoiceOf(b.number).Status).toBe('PAID');
    expect(dueOn(b.number)).toBe(0);
  });

  it('part payments leave the right amount due, and the invoice is PAID when nothing is', async () => {
    const { matterId } = await client('Part Pay Legal');
    const b = await approvedBill(matterId, 1000);
    await pay(b.id, 300);
    expect(invoiceOf(b.number).Status).toBe('AUTHORISED');
    expect(dueOn(b.number)).toBe(Math.round((b.total - 300) * 100) / 100);
    await pay(b.id, Math.round((b.total - 300) * 100) / 100);
    expect(
      paymentsOn(b.number)
        .map((p) => p.Amount)
        .sort((x, y) => x - y),
    ).toEqual([300, Math.round((b.total - 300) * 100) / 100].sort((x, y) => x - y));
    expect(invoiceOf(b.number).Status).toBe('PAID');
  });

  it('one payment over several bills is one Xero payment per invoice; its unapplied credit is a named error saying what to enter in Xero, until applied', async () => {
    const { contactId, matterId } = await client('Many Bills Co');
    const b1 = await approvedBill(matterId, 200);
    const b2 = await approvedBill(matterId, 300);
    const b3 = await approvedBill(matterId, 100);
    const created = await s.stack.control('clio', 'POST', '/payments', {
      contact_id: contactId,
      amount: b1.total + b2.total + 50,
      allocations: [
        { bill_id: b1.id, amount: b1.total },
        { bill_id: b2.id, amount: b2.total },
      ],
    });
    await s.settled();
    expect(paymentsOn(b1.number).map((p) => p.Amount)).toEqual([b1.total]);
    expect(paymentsOn(b2.number).map((p) => p.Amount)).toEqual([b2.total]);
    expect(paymentsOn(b3.number)).toEqual([]);
    expect([invoiceOf(b1.number).Status, invoiceOf(b2.number).Status, invoiceOf(b3.number).Status]).toEqual(['PAID', 'PAID', 'AUTHORISED']);
    // The 50 Clio holds as credit is in Clio's bank and not in Xero's: a named error says what to enter by hand.
    const received = money(b1.total + b2.total + 50);
    const words = `Payment of ${received} from Many Bills Co on ${spoken(today)}: $50.00 is not applied to any bill in Clio and is not in Xero. In Xero, record a $50.00 overpayment from Many Bills Co to bank account 090, dated ${spoken(today)} (Bank account → New → Receive money → Overpayment).`;
    expect(await s.errors()).toContainEqual(
      expect.objectContaining({ code: 'CLIO_OVERPAYMENT_NOT_IN_XERO', kind: 'payment_credit', clioIds: [String(created.data.id)] }),
    );
    expect(await openItemWords()).toContain(words);

    // The client's 50 of credit is applied to the third bill later: one more payment, on that invoice only.
    await s.clioControl('POST', `/payments/${created.data.id}/reallocate`, {
      allocations: [
        { bill_id: b1.id, amount: b1.total },
        { bill_id: b2.id, amount: b2.total },
        { bill_id: b3.id, amount: 50 },
      ],
    });
    await s.settled();
    expect(paymentsOn(b3.number).map((p) => p.Amount)).toEqual([50]);
    expect(paymentsOn(b1.number)).toHaveLength(1);
    expect(dueOn(b3.number)).toBe(Math.round((b3.total - 50) * 100) / 100);
    // Applied, the credit is in Xero as that payment: the error and the open item are gone.
    expect((await s.errors()).filter((e) => e.code === 'CLIO_OVERPAYMENT_NOT_IN_XERO' && e.clioIds.includes(String(created.data.id)))).toEqual([]);
    expect(await openItemWords()).not.toContain(words);
  });

  it('a reallocation moves the money: the old invoice’s payment is deleted, the new one gets it', async () => {
    const { contactId, matterId } = await client('Realloc Partners');
    const b1 = await approvedBill(matterId, 500);
    const b2 = await approvedBill(matterId, 500);
    const created = await s.stack.control('clio', 'POST', '/payments', { contact_id: contactId, amount: 200, allocations: [{ bill_id: b1.id, amount: 200 }] });
    await s.settled();
    const [first] = paymentsOn(b1.number);
    expect(first?.Amount).toBe(200);
    await s.clioControl('POST', `/payments/${created.data.id}/reallocate`, { allocations: [{ bill_id: b2.id, amount: 200 }] });
    await s.settled();
    expect(paymentsOn(b1.number)).toEqual([]);
    expect(s.tenant().payments.get(first!.PaymentID)!.Status).toBe('DELETED');
    expect(paymentsOn(b2.number).map((p) => p.Amount)).toEqual([200]);
    expect(dueOn(b1.number)).toBe(b1.total);
  });

  it('a voided payment deletes its Xero payment and the invoice is due again', async () => {
    const { matterId } = await client('Void Pay Ltd');
    const b = await approvedBill(matterId, 250);
    await pay(b.id, b.total);
    const [paid] = paymentsOn(b.number);
    expect(invoiceOf(b.number).Status).toBe('PAID');
    const paymentId = allocationsOf(b.id)[0]!.parent_id;
    await s.clioControl('POST', `/payments/${paymentId}/void`);
    await s.settled();
    expect(s.tenant().payments.get(paid!.PaymentID)!.Status).toBe('DELETED');
    expect(paymentsOn(b.number)).toEqual([]);
    expect(invoiceOf(b.number).Status).toBe('AUTHORISED');
    expect(dueOn(b.number)).toBe(b.total);
    const [link] = (await s.links('payment_allocation')).filter((l) => l.xero_id === paid!.PaymentID);
    expect(link).toMatchObject({ state: 'synced' });
  });

  it('a bill webhook that names a draft costs no Clio read; approved, it reaches Xero, and its payments are read once there are some', async () => {
    const { matterId } = await client('Draft First LLP');
    const entry = await s.clioControl('POST', '/activities', {
      type: 'TimeEntry',
      quantity: 3600,
      price: 275,
      matter: { id: matterId },
      note: 'Advice',
      tax_setting: 'tax_1_only',
    });
    await s.settled();
    let before = (await requests()).length;
    const b = await s.clioControl('POST', '/bills', { activity_ids: [entry.id], issued_at: today });
    await s.clioControl('PATCH', `/bills/${b.id}`, { subject: 'Advice, second draft' });
    await s.settled();
    // Both events reached the add-on naming the draft state, and neither read the bill.
    const heard = (await deliveriesOf('bill')).filter((d) => d.data.id === b.id);
    expect(heard.map((d) => `${d.event} ${d.data.state} ${d.status}`)).toEqual(['created draft 200', 'updated draft 200']);
    expect(billIdsRead((await requests()).slice(before))).not.toContain(String(b.id));
    expect(s.invoiceByNumber(b.number)).toEqual([]);

    // Approved with nothing paid: read and sent to Xero, its payments not read.
    before = (await requests()).length;
    await s.clioControl('POST', `/bills/${b.id}/approve`);
    await s.settled();
    let calls = (await requests()).slice(before);
    expect(billIdsRead(calls)).toContain(String(b.id));
    expect(paymentReadsOf(calls, b.id)).toEqual([]);
    const total = () => billTotals(s.clio(), s.clio().bills.require(b.id)).total;
    expect(invoiceOf(b.number)).toMatchObject({ Status: 'AUTHORISED', Total: total() });

    // Interest makes the total grow with the balance: still nothing paid, nothing read.
    before = (await requests()).length;
    await s.clioControl('POST', `/bills/${b.id}/interest`, { amount: 7 });
    await s.settled();
    calls = (await requests()).slice(before);
    expect(billIdsRead(calls)).toContain(String(b.id));
    expect(paymentReadsOf(calls, b.id)).toEqual([]);
    expect(invoiceOf(b.number).Total).toBe(total());

    // A payment touches the bill: now its payments are read, and the payment reaches Xero (its
    // interest and principal allocations, one Xero payment each).
    before = (await requests()).length;
    await pay(b.id, 100);
    expect(paymentReadsOf((await requests()).slice(before), b.id)).toHaveLength(1);
    expect(
      paymentsOn(b.number)
        .map((p) => p.Amount)
        .sort((x, y) => x - y),
    ).toEqual([7, 93]);
    expect(dueOn(b.number)).toBe(Math.round((total() - 100) * 100) / 100);
  });

  it('a bill already in Xero is read whatever state its webhook names', async () => {
    const { matterId } = await client('Restated Bills Ltd');
    const b = await approvedBill(matterId, 150);
    expect(invoiceOf(b.number).Status).toBe('AUTHORISED');
    const before = (await requests()).length;
    // Clio's own event for it, as though it were a draft again.
    await deliver('bill', 'updated', { id: b.id, etag: 'restated', updated_at: new Date().toISOString(), state: 'draft' });
    await s.settled();
    expect(billIdsRead((await requests()).slice(before))).toContain(String(b.id));
  });

  it('a Clio Payments transaction arrives by its own webhook and by the bill’s, and is paid once', async () => {
    const { matterId } = await client('Card Payer Inc');
    const b = await approvedBill(matterId, 180);
    await pay(b.id, b.total, 'clio_payments');
    const charge = s
      .clio()
      .clioPayments.all()
      .find((p) => p.bill_ids.includes(b.id))!;
    expect(charge).toBeDefined();
    const hooks = (await s.stack.control('clio', 'GET', '/webhooks/deliveries')).data as { body: string }[];
    expect(hooks.some((d) => JSON.parse(d.body).data.id === charge.id)).toBe(true);
    expect(paymentsOn(b.number).map((p) => p.Amount)).toEqual([b.total]);
    expect(invoiceOf(b.number).Status).toBe('PAID');
  });

  it('many payments with credit in one sweep are checked from two firm-wide listings, not two reads each', async () => {
    const paid: { id: number; credit: number }[] = [];
    const bills: { contactId: number; bill: { id: number; total: number } }[] = [];
    for (let i = 0; i < 10; i++) {
      const { contactId, matterId } = await client(`Credit Client ${i}`);
      bills.push({ contactId, bill: await approvedBill(matterId, 100 + i) });
    }
    await s.clioControl('DELETE', '/requests');
    // Recorded with Clio's webhooks paused (only enabled ones deliver): the sweep's allocation listing finds all ten in one go.
    const hooks = s.clio().webhooks.all();
    for (const hook of hooks) s.clio().webhooks.update(hook.id, { status: 'pending' });
    for (const [i, { contactId, bill }] of bills.entries()) {
      const created = await s.stack.control('clio', 'POST', '/payments', {
        contact_id: contactId,
        amount: bill.total + i + 1,
        allocations: [{ bill_id: bill.id, amount: bill.total }],
      });
      paid.push({ id: created.data.id, credit: i + 1 });
    }
    for (const hook of hooks) s.clio().webhooks.update(hook.id, { status: hook.status });
    await s.sweep();
    const errors = (await s.errors()).filter((e) => e.code === 'CLIO_OVERPAYMENT_NOT_IN_XERO');
    expect(errors.flatMap((e) => e.clioIds)).toEqual(expect.arrayContaining(paid.map((p) => String(p.id))));
    const words = await openItemWords();
    for (const [i, p] of paid.entries()) expect(words.some((w) => w.includes(`: $${p.credit}.00 is not applied`) && w.includes(`Credit Client ${i} on`))).toBe(true);
    const calls = await requests();
    const firmWide = calls.filter((r) => r.method === 'GET' && r.path === '/api/v4/bank_transactions.json' && !new URLSearchParams(r.query).has('client_id'));
    expect(firmWide).not.toHaveLength(0);
    expect(calls.filter((r) => r.method === 'GET' && r.path === '/api/v4/bank_transactions.json' && new URLSearchParams(r.query).has('client_id'))).toEqual([]);
    expect(calls.filter((r) => r.method === 'GET' && r.path === '/api/v4/allocations.json' && new URLSearchParams(r.query).has('parent_id'))).toEqual([]);
  });

  it('a payment from trust is a bill payment; the trust deposit itself never reaches Xero', async () => {
    const { contactId, matterId } = await client('Trust Funded Pty Ltd');
    const bankTransactionsBefore = s.tenant().bankTransactions.size;
    await s.clioControl('POST', '/trust_deposits', { contact_id: contactId, matter_id: matterId, amount: 5000 });
    await s.settled();
    const b = await approvedBill(matterId, 700);
    await pay(b.id, b.total, 'trust');
    expect(allocationsOf(b.id)[0]!.source_bank_account_id).not.toBeNull();
    const [payment] = paymentsOn(b.number);
    expect(payment?.Amount).toBe(b.total);
    expect(accountCode(payment!.AccountID)).toBe('090');
    expect(invoiceOf(b.number).Status).toBe('PAID');
    expect(s.tenant().bankTransactions.size).toBe(bankTransactionsBefore);
  });

  it('a payment split between interest and principal pays the one invoice in full', async () => {
    const { matterId } = await client('Late Payer Co');
    const b = await approvedBill(matterId, 400);
    await s.clioControl('POST', `/bills/${b.id}/interest`, { amount: 12.5 });
    await s.settled();
    const total = billTotals(s.clio(), s.clio().bills.require(b.id)).total;
    expect(invoiceOf(b.number).Total).toBe(total);
    await pay(b.id, total);
    expect(
      allocationsOf(b.id)
        .map((a) => [a.interest, a.amount])
        .sort(),
    ).toEqual(
      [
        [false, Math.round((total - 12.5) * 100) / 100],
        [true, 12.5],
      ].sort(),
    );
    expect(
      paymentsOn(b.number)
        .map((p) => p.Amount)
        .sort((x, y) => x - y),
    ).toEqual([12.5, Math.round((total - 12.5) * 100) / 100].sort((x, y) => x - y));
    expect(invoiceOf(b.number).Status).toBe('PAID');
  });

  it('a payment on a bill not yet in Xero waits, then follows the bill', async () => {
    const { matterId } = await client('Waiting Game Ltd');
    // The time account is archived in Xero: the bill cannot reach Xero yet.
    const account = s.tenant().accounts.find((a) => a.Code === '200')!;
    account.Status = 'ARCHIVED';
    const b = await approvedBill(matterId, 320);
    expect(s.invoiceByNumber(b.number)).toEqual([]);
    await pay(b.id, 100);
    const allocation = allocationsOf(b.id)[0]!;
    const [waitingLink] = (await s.links('payment_allocation')).filter((l) => l.clio_id === String(allocation.id));
    expect(waitingLink).toMatchObject({ state: 'pending', xero_id: null, parent_clio_id: String(b.id) });
    expect([...s.tenant().payments.values()].filter((p) => p.Reference === `Clio payment ${allocation.id}`)).toEqual([]);

    // The account is restored, and the bill changes in Clio (interest added): it reaches Xero, its payment follows.
    account.Status = 'ACTIVE';
    await s.clioControl('POST', `/bills/${b.id}/interest`, { amount: 5 });
    await s.settled();
    expect(invoiceOf(b.number).Total).toBe(b.total + 5);
    expect(paymentsOn(b.number).map((p) => [p.Reference, p.Amount])).toEqual([[`Clio payment ${allocation.id}`, 100]]);
    expect(dueOn(b.number)).toBe(Math.round((b.total + 5 - 100) * 100) / 100);
  });

  it('a credit memo reallocated in Clio moves its Xero allocation; voided, its note is voided and the invoice owes again', async () => {
    const { matterId } = await client('Credit Mover Pty Ltd');
    const b1 = await approvedBill(matterId, 300);
    const b2 = await approvedBill(matterId, 310);
    const memo = await s.clioControl('POST', `/bills/${b1.id}/credit_memos`, { amount: 50, description: 'Goodwill' });
    await s.settled();
    const note = () => [...s.tenant().creditNotes.values()].find((n) => n.ContactID === invoiceOf(b1.number).ContactID)!;
    const liveAllocations = () => [...s.tenant().allocations.values()].filter((a) => a.CreditNoteID === note().id && !a.IsDeleted);
    expect(liveAllocations().map((a) => [a.InvoiceID, a.Amount])).toEqual([[invoiceOf(b1.number).id, 50]]);
    expect(dueOn(b1.number)).toBe(Math.round((b1.total - 50) * 100) / 100);

    await s.clioControl('POST', `/credit_memos/${memo.id}/reallocate`, { allocations: [{ bill_id: b2.id, amount: 50 }] });
    await s.settled();
    expect(liveAllocations().map((a) => [a.InvoiceID, a.Amount])).toEqual([[invoiceOf(b2.number).id, 50]]);
    expect(dueOn(b1.number)).toBe(b1.total);
    expect(dueOn(b2.number)).toBe(Math.round((b2.total - 50) * 100) / 100);

    // The void leaves no bill with credit to wake the bill flow: the sweep's allocations listing finds it.
    await s.clioControl('POST', `/credit_memos/${memo.id}/void`);
    await s.settled();
    await s.sweep();
    expect(liveAllocations()).toEqual([]);
    expect(note().Status).toBe('VOIDED');
    expect(dueOn(b2.number)).toBe(b2.total);
  });
});

describe('a Xero write that times out after Xero saved it', { timeout: 120_000 }, () => {
  const timeoutAfterCommit = (method: string, pathPrefix: string) =>
    s.stack.control('xero', 'POST', '/faults', { kind: 'timeout', method, pathPrefix, afterCommit: true, hangMs: 2_500 });
  const adoptions = (kind: string) =>
    s.stack.db.selectFrom('sync_log').select(['clio_id', 'reason']).where('firm_id', '=', s.firmId).where('kind', '=', kind).where('action', '=', 'link').execute();

  it('a payment is found again by invoice, amount, date and reference — never paid twice', async () => {
    const { matterId } = await client('Timeout Payer Ltd');
    const b = await approvedBill(matterId, 210);
    await timeoutAfterCommit('PUT', '/api.xro/2.0/Payments');
    await s.clioControl('POST', `/bills/${b.id}/payments`, { amount: 60 });
    await s.settled('the payment, retried', { allowRetries: true });
    const allocation = allocationsOf(b.id)[0]!;
    expect(paymentsOn(b.number).map((p) => [p.Amount, p.Reference])).toEqual([[60, `Clio payment ${allocation.id}`]]);
    expect((await adoptions('payment_allocation')).map((l) => l.clio_id)).toContain(String(allocation.id));
  });

  it('a hard cost is found again by its reference — never spent twice', async () => {
    const { matterId } = await client('Timeout Spender Ltd');
    const vendor = await s.clioControl('POST', '/contacts', { type: 'Company', name: 'Slow Registry' });
    await timeoutAfterCommit('POST', '/api.xro/2.0/BankTransactions');
    const cost = await s.clioControl('POST', '/activities', { type: 'HardCostEntry', quantity: 1, price: 77, matter: { id: matterId }, vendor: { id: vendor.id } });
    await s.settled('the hard cost, retried', { allowRetries: true });
    const found = [...s.tenant().bankTransactions.values()].filter((t) => t.Reference === `Clio hard cost ${cost.id}` && t.Status !== 'DELETED');
    expect(found.map((t) => t.Total)).toEqual([77]);
    const [link] = (await s.links('hard_cost')).filter((l) => l.clio_id === String(cost.id));
    expect(link).toMatchObject({ state: 'synced', xero_id: found[0]!.BankTransactionID });
  });
});

describe('hard costs to Xero', { timeout: 120_000 }, () => {
  const spends = () => [...s.tenant().bankTransactions.values()].filter((t) => t.Reference?.startsWith('Clio hard cost'));
  const spendOf = (activityId: number) => spends().find((t) => t.Reference === `Clio hard cost ${activityId}`);

  it('a hard cost with a vendor becomes a SPEND from the hard-cost bank account; an edit updates it; a deletion deletes it', async () => {
    const { matterId } = await client('Expense Matter Co');
    const vendor = await s.clioControl('POST', '/contacts', { type: 'Company', name: 'Federal Court Registry' });
    const cost = await s.clioControl('POST', '/activities', {
      type: 'HardCostEntry',
      quantity: 1,
      price: 275.5,
      matter: { id: matterId },
      vendor: { id: vendor.id },
      note: 'Filing fee',
      tax_setting: 'no_tax',
    });
    await s.settled();
    const tx = spendOf(cost.id)!;
    expect(tx).toMatchObject({ Type: 'SPEND', Status: 'AUTHORISED', Total: 275.5, LineAmountTypes: 'NoTax' });
    expect(accountCode(tx.BankAccountID)).toBe('091');
    expect(tx.LineItems.map((l) => l.AccountCode)).toEqual(['310']);
    expect(s.tenant().contacts.get(tx.ContactID)!.Name).toBe('Federal Court Registry');

    await s.clioControl('PATCH', `/activities/${cost.id}`, { price: 300 });
    await s.settled();
    expect(spends().filter((t) => t.Reference === `Clio hard cost ${cost.id}`)).toHaveLength(1);
    expect(spendOf(cost.id)).toMatchObject({ BankTransactionID: tx.BankTransactionID, Total: 300 });

    await s.clioControl('DELETE', `/activities/${cost.id}`);
    await s.settled();
    expect(s.tenant().bankTransactions.get(tx.BankTransactionID)!.Status).toBe('DELETED');
  });

  it('a taxed hard cost goes out with no TaxAmount: Xero computes the tax from the tax type (it refuses any other figure)', async () => {
    const { matterId } = await client('Taxed Expense Co');
    const before = s.stack.xero.emulator.requestLog.entries.length;
    const cost = await hardCost(matterId, 'Process Servers Pty', 261.4, 'tax_1_only');
    await s.settled();
    const tx = spendOf(cost.id)!;
    // Account 310's own tax type (BASEXCLUDED, 0%) decides the tax, Inclusive of Clio's amount.
    expect(tx).toMatchObject({ Status: 'AUTHORISED', LineAmountTypes: 'Inclusive', Total: 261.4, TotalTax: 0 });
    expect(tx.LineItems.map((l) => [l.AccountCode, l.TaxType, l.TaxAmount, l.LineAmount])).toEqual([['310', 'BASEXCLUDED', 0, 261.4]]);
    const sent = s.stack.xero.emulator.requestLog.entries
      .slice(before)
      .filter((e) => e.method !== 'GET' && /\/BankTransactions/.test(e.path))
      .flatMap((e) => ((e.body as { BankTransactions?: { LineItems?: Record<string, unknown>[] }[] })?.BankTransactions ?? []).flatMap((t) => t.LineItems ?? []));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((l) => 'TaxAmount' in l)).toEqual([]);
    // Its history says whose tax it is: Xero's, from the account's default rate.
    const [line] = await s.stack.db.selectFrom('sync_log').select(['action', 'detail']).where('kind', '=', 'hard_cost').where('clio_id', '=', String(cost.id)).execute();
    expect(line).toMatchObject({ action: 'create', detail: { total: 261.4, tax: 0, taxBy: 'computed by Xero from the account’s default tax rate, tax inclusive' } });
  });

  it('a hard cost with no vendor is an error with advice, and syncs once the vendor is added', async () => {
    const { matterId } = await client('No Vendor Matter');
    const cost = await s.clioControl('POST', '/activities', {
      type: 'HardCostEntry',
      quantity: 2,
      price: 40,
      matter: { id: matterId },
      note: 'Couriers',
      tax_setting: 'tax_1_only',
    });
    await s.settled();
    expect(spendOf(cost.id)).toBeUndefined();
    const group = (await s.errors()).find((e) => e.kind === 'hard_cost' && e.clioIds.includes(String(cost.id)));
    expect(group?.code).toBe('CLIO_RECORD_INCOMPLETE');
    const [link] = (await s.links('hard_cost')).filter((l) => l.clio_id === String(cost.id));
    expect(link?.error_message).toContain('add the vendor in Clio');

    const vendor = await s.clioControl('POST', '/contacts', { type: 'Company', name: 'Speedy Couriers' });
    await s.clioControl('PATCH', `/activities/${cost.id}`, { vendor: { id: vendor.id } });
    await s.settled();
    expect(spendOf(cost.id)).toMatchObject({ Total: 80, LineAmountTypes: 'Inclusive' });
    expect((await s.errors()).find((e) => e.kind === 'hard_cost' && e.clioIds.includes(String(cost.id)))).toBeUndefined();
  });

  it('a reconciled transaction cannot change in Xero: the edit is stored as XERO_RECONCILED with its fix', async () => {
    const { matterId } = await client('Reconciled Matter');
    const cost = await hardCost(matterId, 'Title Search Office', 60);
    await s.settled();
    // The bookkeeper reconciles it against the bank statement.
    spendOf(cost.id)!.IsReconciled = true;
    await s.clioControl('PATCH', `/activities/${cost.id}`, { price: 65 });
    await s.settled();
    expect(spendOf(cost.id)!.Total).toBe(60);
    const group = (await s.errors()).find((e) => e.kind === 'hard_cost' && e.clioIds.includes(String(cost.id)));
    expect(group?.code).toBe('XERO_RECONCILED');
    // Nor can it be deleted: the deletion waits on the same fix.
    await s.clioControl('DELETE', `/activities/${cost.id}`);
    await s.settled();
    expect(spendOf(cost.id)).toMatchObject({ Status: 'AUTHORISED', Total: 60 });
    const [link] = (await s.links('hard_cost')).filter((l) => l.clio_id === String(cost.id));
    expect(link).toMatchObject({ state: 'failed', error_code: 'XERO_RECONCILED' });
  });

  it('soft costs and time entries never become bank transactions', async () => {
    const { matterId } = await client('Soft Cost Matter');
    const before = s.tenant().bankTransactions.size;
    await s.clioControl('POST', '/activities', { type: 'SoftCostEntry', quantity: 100, price: 0.2, matter: { id: matterId }, note: 'Photocopies' });
    await s.clioControl('POST', '/activities', { type: 'TimeEntry', quantity: 600, price: 300, matter: { id: matterId } });
    await s.settled();
    await s.sweep();
    expect(s.tenant().bankTransactions.size).toBe(before);
  });

  it('an activity webhook that names a time entry or soft cost costs no Clio read; a hard cost is read and reaches Xero', async () => {
    const { matterId } = await client('Webhook Type Matter');
    const vendor = await s.clioControl('POST', '/contacts', { type: 'Company', name: 'Land Titles Office' });
    await s.settled();
    const before = (await requests()).length;
    const time = await s.clioControl('POST', '/activities', { type: 'TimeEntry', quantity: 1800, price: 250, matter: { id: matterId } });
    const soft = await s.clioControl('POST', '/activities', { type: 'SoftCostEntry', quantity: 10, price: 0.5, matter: { id: matterId }, note: 'Copies' });
    const hard = await hardCost(matterId, vendor, 33);
    await s.clioControl('PATCH', `/activities/${time.id}`, { note: 'Research' });
    await s.clioControl('DELETE', `/activities/${soft.id}`);
    await s.settled();
    // Every event reached the add-on, each naming its activity's type, deletions too.
    const heard = (await deliveriesOf('activity')).filter((d) => [time.id, soft.id, hard.id].includes(d.data.id));
    expect(heard.map((d) => `${d.event} ${d.data.type} ${d.status}`).sort()).toEqual(
      ['created HardCostEntry 200', 'created SoftCostEntry 200', 'created TimeEntry 200', 'deleted SoftCostEntry 200', 'updated TimeEntry 200'].sort(),
    );
    const read = activityIdsRead((await requests()).slice(before));
    expect(read.filter((id) => id !== String(hard.id))).toEqual([]);
    expect(read).toContain(String(hard.id));
    expect(spendOf(hard.id)).toMatchObject({ Type: 'SPEND', Total: 33 });
  });

  it('an activity already in Xero as a hard cost is read whatever type its webhook names', async () => {
    const { matterId } = await client('Retyped Matter');
    const hard = await hardCost(matterId, 'Valuers Guild', 48);
    await s.settled();
    expect(spendOf(hard.id)?.Status).toBe('AUTHORISED');
    const before = (await requests()).length;
    // Clio's own event for it, as though its type had changed since it reached Xero.
    await deliver('activity', 'updated', { id: hard.id, etag: 'retyped', updated_at: new Date().toISOString(), type: 'ExpenseEntry' });
    await s.settled();
    expect(activityIdsRead((await requests()).slice(before))).toContain(String(hard.id));
  });

  it('turning hard-cost syncing off stops new ones and leaves the old ones', async () => {
    const { matterId } = await client('Switch Off Matter');
    const vendor = await s.clioControl('POST', '/contacts', { type: 'Company', name: 'Process Servers Inc' });
    const kept = await s.clioControl('POST', '/activities', { type: 'HardCostEntry', quantity: 1, price: 90, matter: { id: matterId }, vendor: { id: vendor.id } });
    await s.settled();
    expect(spendOf(kept.id)?.Status).toBe('AUTHORISED');
    const current = (await s.call('GET', '/api/settings')).body;
    const saved = await s.call('PUT', '/api/settings', { ...(current.settings ?? current), syncHardCosts: false });
    expect(saved.status).toBe(200);
    await s.settled();
    const added = await s.clioControl('POST', '/activities', { type: 'HardCostEntry', quantity: 1, price: 45, matter: { id: matterId }, vendor: { id: vendor.id } });
    await s.clioControl('PATCH', `/activities/${kept.id}`, { price: 95 });
    await s.settled();
    await s.sweep();
    expect(spendOf(added.id)).toBeUndefined();
    expect(spendOf(kept.id)).toMatchObject({ Status: 'AUTHORISED', Total: 90 });
  });
});

// Last: it unsubscribes from Clio's bill and Clio Payments webhooks, which the tests above rely on.
describe('payments without webhooks', { timeout: 120_000 }, () => {
  it('a Clio Payments charge is found by its own webhook alone, and a payment with no webhook by the sweep’s allocation cursor', async () => {
    const { matterId } = await client('Quiet Sweep LLP');
    const b1 = await approvedBill(matterId, 150);
    const b2 = await approvedBill(matterId, 160);
    const unsubscribe = (model: string) => {
      for (const hook of s
        .clio()
        .webhooks.all()
        .filter((w) => w.model === model))
        s.clio().webhooks.remove(hook.id);
    };
    // Clio stops telling us about bills: the Clio Payments webhook alone brings the charge.
    unsubscribe('bill');
    await pay(b1.id, b1.total, 'clio_payments');
    expect(paymentsOn(b1.number).map((p) => p.Amount)).toEqual([b1.total]);
    expect(invoiceOf(b1.number).Status).toBe('PAID');

    // And with no webhook at all, only the sweep can see the next one.
    unsubscribe('clio_payments_payment');
    await pay(b2.id, 50, 'clio_payments');
    expect(paymentsOn(b2.number)).toEqual([]);
    await s.sweep();
    expect(paymentsOn(b2.number).map((p) => [p.Amount, p.Reference])).toEqual([[50, `Clio payment ${allocationsOf(b2.id)[0]!.id}`]]);
    await s.sweep();
    expect(paymentsOn(b2.number)).toHaveLength(1);
    expect(paymentsOn(b1.number)).toHaveLength(1);
    expect(dueOn(b2.number)).toBe(Math.round((b2.total - 50) * 100) / 100);
  });
});
