// Payments and credits after they are recorded: one payment over several bills with unapplied
// credit, the split between interest and principal, voids (payment, allocation, credit memo) and
// reallocation — checked through Clio's own API (allocations with voided_at and ?status=, bill
// balances), every reply validated against Clio's OpenAPI. Figures are worked by hand.
import { describe, expect, it } from 'vitest';
import { setup } from './harness';

type T = ReturnType<typeof setup>;

const ALLOCATION_FIELDS = 'id,amount,interest,voided_at,updated_at,bill{id},parent{id,type},source_bank_account{id}';

/** A client with approved, untaxed bills of the given amounts (one hour at that rate each). */
async function clientWithBills(t: T, amounts: number[]): Promise<{ contactId: number; bills: number[] }> {
  const contact = (await t.control('POST', '/contacts', { type: 'Company', name: `Client ${amounts.join('-')}` })).body.data;
  const matter = (await t.control('POST', '/matters', { client_id: contact.id })).body.data;
  const bills: number[] = [];
  for (const amount of amounts) {
    const entry = (await t.control('POST', '/activities', { type: 'TimeEntry', quantity: 3600, price: amount, matter: { id: matter.id }, tax_setting: 'no_tax' })).body
      .data;
    const bill = (await t.control('POST', '/bills', { activity_ids: [entry.id] })).body.data;
    expect((await t.control('POST', `/bills/${bill.id}/approve`)).status).toBe(200);
    bills.push(bill.id);
  }
  return { contactId: contact.id, bills };
}

const bill = async (t: T, id: number) => (await t.call('GET', `/api/v4/bills/${id}.json?fields=id,state,total,paid,credits_issued,balance`)).body.data;
const allocations = async (t: T, query: string) => (await t.all(`/api/v4/allocations.json?order=id(asc)&fields=${ALLOCATION_FIELDS}&${query}`)) as any[];

describe('payments in the Clio emulator', () => {
  it('one payment over two bills leaves the rest as unapplied credit, reallocated later to a third bill', async () => {
    const t = setup();
    const { contactId, bills } = await clientWithBills(t, [100, 200, 300]);
    const [b1, b2, b3] = bills as [number, number, number];
    const paid = await t.control('POST', '/payments', {
      contact_id: contactId,
      amount: 350,
      allocations: [
        { bill_id: b1, amount: 100 },
        { bill_id: b2, amount: 200 },
      ],
    });
    expect(paid.status).toBe(201);
    const paymentId = paid.body.data.id as number;
    expect(await bill(t, b1)).toMatchObject({ state: 'paid', paid: 100, balance: 0 });
    expect(await bill(t, b2)).toMatchObject({ state: 'paid', paid: 200, balance: 0 });
    expect((await allocations(t, `parent_type=Payment&parent_id=${paymentId}`)).map((a) => [a.bill.id, a.amount])).toEqual([
      [b1, 100],
      [b2, 200],
    ]);

    // The 50 left over goes on the third bill: b1 and b2 keep theirs.
    const moved = await t.control('POST', `/payments/${paymentId}/reallocate`, {
      allocations: [
        { bill_id: b1, amount: 100 },
        { bill_id: b2, amount: 200 },
        { bill_id: b3, amount: 50 },
      ],
    });
    expect(moved.status).toBe(200);
    expect(moved.body.data.map((a: any) => [a.amount, a.voided_at])).toEqual([[50, null]]);
    expect(await bill(t, b3)).toMatchObject({ state: 'awaiting_payment', paid: 50, balance: 250 });
    expect(await allocations(t, `parent_id=${paymentId}&status=voided`)).toEqual([]);

    // More than the payment holds is refused.
    const over = await t.control('POST', `/payments/${paymentId}/reallocate`, { allocations: [{ bill_id: b3, amount: 351 }] });
    expect(over.status).toBe(422);
  });

  it('a reallocation voids the moved allocation (voided_at, ?status=voided, updated_since) and reopens its bill', async () => {
    const t = setup();
    const { contactId, bills } = await clientWithBills(t, [100, 100]);
    const [b1, b2] = bills as [number, number];
    const paymentId = (await t.control('POST', '/payments', { contact_id: contactId, amount: 100, allocations: [{ bill_id: b1, amount: 100 }] })).body.data.id;
    const [first] = await allocations(t, `parent_id=${paymentId}`);
    await t.control('POST', '/clock', { advance_ms: 60_000 });
    const since = '2026-11-25T10:00:30Z';
    await t.control('POST', `/payments/${paymentId}/reallocate`, { allocations: [{ bill_id: b2, amount: 100 }] });
    expect(await bill(t, b1)).toMatchObject({ state: 'awaiting_payment', paid: 0, balance: 100 });
    expect(await bill(t, b2)).toMatchObject({ state: 'paid', paid: 100 });
    const voided = await allocations(t, `parent_id=${paymentId}&status=voided`);
    expect(voided.map((a) => a.id)).toEqual([first.id]);
    expect(voided[0].voided_at).toBe('2026-11-25T10:01:00Z');
    const changed = await allocations(t, `parent_type=Payment&updated_since=${since}`);
    expect(changed.map((a) => [a.bill.id, a.voided_at === null])).toEqual([
      [b1, false],
      [b2, true],
    ]);
    expect((await allocations(t, `parent_id=${paymentId}&status=valid`)).map((a) => a.bill.id)).toEqual([b2]);
  });

  it('voiding a payment voids all its allocations, reopens the bills and gives trust its money back', async () => {
    const t = setup();
    const { contactId, bills } = await clientWithBills(t, [120]);
    const [b1] = bills as [number];
    await t.control('POST', '/trust_deposits', { contact_id: contactId, amount: 500 });
    expect((await t.control('POST', `/bills/${b1}/payments`, { amount: 120, method: 'trust' })).status).toBe(201);
    const [allocation] = await allocations(t, `bill_id=${b1}&parent_type=Payment`);
    expect(allocation.source_bank_account).not.toBeNull();
    const trustBalance = async () =>
      (await t.call('GET', '/api/v4/bank_accounts.json?type=TrustAccount&fields=id,balance')).body.data.reduce((s: number, a: any) => s + a.balance, 0);
    const before = await trustBalance();
    const voided = await t.control('POST', `/payments/${allocation.parent.id}/void`);
    expect(voided.status).toBe(200);
    expect(voided.body.data.voided_at).not.toBeNull();
    expect(await bill(t, b1)).toMatchObject({ state: 'awaiting_payment', paid: 0, balance: 120 });
    expect((await allocations(t, `bill_id=${b1}&status=voided`)).map((a) => a.id)).toEqual([allocation.id]);
    expect(await trustBalance()).toBe(before + 120);
    expect((await t.control('POST', `/payments/${allocation.parent.id}/void`)).status).toBe(422);
  });

  it('a Clio Payments charge voided with its payment reads as voided', async () => {
    const t = setup();
    const { bills } = await clientWithBills(t, [80]);
    const paid = await t.control('POST', `/bills/${bills[0]}/payments`, { amount: 80, method: 'clio_payments' });
    const charge = paid.body.clio_payment;
    const [allocation] = await allocations(t, `bill_id=${bills[0]}&parent_type=Payment`);
    await t.control('POST', `/payments/${allocation.parent.id}/void`);
    const read = await t.call('GET', `/api/v4/clio_payments/payments/${charge.id}.json?fields=id,state,allocations{id}`);
    expect(read.body.data).toEqual({ id: charge.id, state: 'voided', allocations: [{ id: allocation.id }] });
  });

  it('a payment on a bill with interest owed is split: interest first, then principal', async () => {
    const t = setup();
    const { bills } = await clientWithBills(t, [200]);
    const [b1] = bills as [number];
    await t.control('POST', `/bills/${b1}/interest`, { amount: 15 });
    expect(await bill(t, b1)).toMatchObject({ total: 215, balance: 215 });
    await t.control('POST', `/bills/${b1}/payments`, { amount: 100 });
    const parts = await allocations(t, `bill_id=${b1}&parent_type=Payment`);
    expect(parts.map((a) => [a.interest, a.amount])).toEqual([
      [true, 15],
      [false, 85],
    ]);
    expect(new Set(parts.map((a) => a.parent.id)).size).toBe(1);
    await t.control('POST', `/bills/${b1}/payments`, { amount: 115 });
    expect((await allocations(t, `bill_id=${b1}&parent_type=Payment`)).slice(2).map((a) => [a.interest, a.amount])).toEqual([[false, 115]]);
    expect(await bill(t, b1)).toMatchObject({ state: 'paid', balance: 0 });
  });

  it('a voided allocation leaves its money on the payment; a credit memo is voided or applied from unapplied credit', async () => {
    const t = setup();
    const { contactId, bills } = await clientWithBills(t, [100, 100]);
    const [b1, b2] = bills as [number, number];
    await t.control('POST', `/bills/${b1}/payments`, { amount: 40 });
    const [allocation] = await allocations(t, `bill_id=${b1}&parent_type=Payment`);
    const voided = await t.control('POST', `/allocations/${allocation.id}/void`);
    expect(voided.status).toBe(200);
    expect(voided.body.data.voided_at).not.toBeNull();
    expect(await bill(t, b1)).toMatchObject({ paid: 0, balance: 100 });

    const memo = (await t.control('POST', `/bills/${b1}/credit_memos`, { amount: 30 })).body.data;
    expect(await bill(t, b1)).toMatchObject({ credits_issued: 30, balance: 70 });
    const memoVoid = await t.control('POST', `/credit_memos/${memo.id}/void`);
    expect(memoVoid.body.data.voided_at).not.toBeNull();
    expect(await bill(t, b1)).toMatchObject({ credits_issued: 0, balance: 100 });
    const read = await t.call('GET', `/api/v4/credit_memos/${memo.id}.json?fields=id,voided_at,allocations{id,voided_at}`);
    expect(read.body.data.allocations[0].voided_at).not.toBeNull();

    const credit = (await t.control('POST', '/credit_memos', { contact_id: contactId, amount: 25 })).body.data;
    expect((await allocations(t, `parent_id=${credit.id}&parent_type=CreditMemo`)).length).toBe(0);
    await t.control('POST', `/credit_memos/${credit.id}/reallocate`, { allocations: [{ bill_id: b2, amount: 25 }] });
    expect(await bill(t, b2)).toMatchObject({ credits_issued: 25, balance: 75 });
  });
});
