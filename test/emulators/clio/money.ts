import { billTotals, round2 } from './bill-totals';
import { invalid } from './errors';
import type { Allocation, BankAccount, BankTransaction, Bill, ClioPaymentsPayment, CreditMemo, InterestCharge, Payment } from './records';
import { isoSeconds } from './store';
import type { ClioState } from './state';

/** Money moving in and out of bills and bank accounts: what a fee earner or bookkeeper records in Clio. */

export type PaymentMethod = 'manual' | 'clio_payments' | 'trust';

export interface PaymentInput {
  amount: number;
  date: string;
  method: PaymentMethod;
  user_id: number;
  reference?: string;
}

export function bankAccount(state: ClioState, type: BankAccount['type']): BankAccount {
  const account = state.bankAccounts.all().find((a) => a.type === type && a.default_account);
  if (!account) throw invalid(`The firm has no default ${type} account`);
  return account;
}

function requirePayable(state: ClioState, bill: Bill, amount: number): void {
  if (bill.state !== 'awaiting_payment') throw invalid(`A ${bill.state} bill cannot take payments`);
  if (!(amount > 0)) throw invalid('Amount must be greater than 0');
  if (round2(amount) > billTotals(state, bill).balance) throw invalid('Amount exceeds the balance due');
}

/** A settled bill becomes paid, and every payment touches the bill so that `updated_since` sees it. */
function settle(state: ClioState, bill: Bill, date: string): Bill {
  const current = state.bills.require(bill.id);
  const paid = billTotals(state, current).balance <= 0;
  return state.bills.update(bill.id, paid ? { state: 'paid', paid_at: `${date}T12:00:00Z` } : {});
}

export function recordPayment(state: ClioState, bill: Bill, input: PaymentInput): { bill: Bill; clioPayment: ClioPaymentsPayment | null } {
  const { clioPayment } = recordClientPayment(state, { ...input, contact_id: bill.client_id, allocations: [{ bill_id: bill.id, amount: input.amount }] });
  return { bill: state.bills.require(bill.id), clioPayment };
}

export interface ClientPaymentInput extends PaymentInput {
  contact_id: number;
  /** Where the money goes; what is left over stays on the payment as the client's unapplied credit. */
  allocations: { bill_id: number; amount: number }[];
}

/**
 * One payment from a client, spread over any of their bills; the remainder is unapplied client
 * credit (Clio's "client funds"), reallocated later with `reallocate`. A bill with interest
 * outstanding takes the payment on its interest first: two allocations, `interest: true` and
 * false (UNCONFIRMED: the order Clio applies a payment in; the split into two allocations follows
 * the Allocation schema's `interest` flag).
 */
export function recordClientPayment(
  state: ClioState,
  input: ClientPaymentInput,
): { payment: Payment; allocations: Allocation[]; clioPayment: ClioPaymentsPayment | null } {
  const amount = round2(input.amount);
  if (!(amount > 0)) throw invalid('Amount must be greater than 0');
  const spread = round2(input.allocations.reduce((sum, a) => sum + a.amount, 0));
  if (spread > amount) throw invalid('Allocations exceed the payment amount');
  const bills = input.allocations.map((a) => {
    const bill = state.bills.get(a.bill_id);
    if (!bill || bill.client_id !== input.contact_id) throw invalid('Bill must belong to the paying contact');
    requirePayable(state, bill, a.amount);
    return bill;
  });
  const operating = bankAccount(state, 'Operating');
  const trust = input.method === 'trust' ? bankAccount(state, 'Trust') : null;
  if (trust && trustBalance(state, input.contact_id) < amount) throw invalid('Insufficient trust funds for this client');
  const payment = state.payments.insert({
    contact_id: input.contact_id,
    date: input.date,
    amount,
    reference: input.reference ?? null,
    description: null,
    source_bank_account_id: trust?.id ?? null,
    destination_bank_account_id: operating.id,
    voided_at: null,
  });
  const online = input.method === 'clio_payments';
  const allocations = bills.flatMap((bill, i) => allocate(state, payment, bill, round2(input.allocations[i]!.amount), online));
  const movement = {
    date: input.date,
    client_id: input.contact_id,
    matter_id: bills[0]?.matter_ids[0] ?? null,
    bill_id: bills[0]?.id ?? null,
    allocation_id: allocations[0]?.id ?? null,
    clio_payments_transaction: online,
    confirmation: input.reference ?? null,
  };
  const numbers = bills.map((b) => `#${b.number}`).join(', ');
  if (trust) transaction(state, trust, { ...movement, funds_out: amount, description: `Payment from trust for bill ${numbers}` });
  const deposit = transaction(state, operating, {
    ...movement,
    funds_in: amount,
    description: bills.length ? `Payment for bill ${numbers}` : 'Payment (unapplied)',
    source: online ? 'Clio Payments' : 'Payment',
  });
  let clioPayment: ClioPaymentsPayment | null = null;
  if (online) {
    const client = state.contacts.get(input.contact_id);
    clioPayment = state.clioPayments.insert({
      amount,
      currency: state.currency.code,
      state: 'completed',
      confirmation_number: `CP-${String(payment.id).padStart(8, '0')}`,
      description: `Payment for bill ${numbers}`,
      email_address: client?.email_addresses.find((e) => e.primary)?.address ?? null,
      deposit_as_revenue: false,
      contact_id: input.contact_id,
      user_id: input.user_id,
      bill_ids: bills.map((b) => b.id),
      matter_ids: [...new Set(bills.flatMap((b) => b.matter_ids))],
      allocation_ids: allocations.map((a) => a.id),
      destination_account_id: operating.id,
      bank_transaction_id: deposit.id,
    });
  }
  for (const bill of bills) settle(state, bill, input.date);
  return { payment, allocations, clioPayment };
}

/** Interest still owed on a bill: its charges less what payments already put on interest. */
function interestDue(state: ClioState, bill: Bill): number {
  const charged = state.interestCharges.where('bill_id', bill.id).reduce((sum, c) => sum + c.total, 0);
  const paid = state.allocations
    .where('bill_id', bill.id)
    .filter((a) => a.interest && !a.voided_at)
    .reduce((sum, a) => sum + a.amount, 0);
  return round2(Math.max(0, charged - paid));
}

function allocate(state: ClioState, parent: Payment | CreditMemo, bill: Bill, amount: number, online: boolean): Allocation[] {
  const isPayment = 'destination_bank_account_id' in parent;
  const onInterest = isPayment ? Math.min(amount, interestDue(state, bill)) : 0;
  const parts = [
    { amount: onInterest, interest: true },
    { amount: round2(amount - onInterest), interest: false },
  ].filter((p) => p.amount > 0);
  return parts.map((p) =>
    state.allocations.insert({
      bill_id: bill.id,
      contact_id: bill.client_id,
      matter_id: bill.matter_ids[0] ?? null,
      parent_id: parent.id,
      parent_type: isPayment ? 'Payment' : 'CreditMemo',
      date: parent.date,
      amount: p.amount,
      description: isPayment ? null : (parent as CreditMemo).description,
      interest: p.interest,
      voided_at: null,
      has_online_payment: online,
      payment_type: online ? 'card' : null,
      source_bank_account_id: isPayment ? (parent as Payment).source_bank_account_id : null,
      destination_bank_account_id: isPayment ? (parent as Payment).destination_bank_account_id : null,
    }),
  );
}

/** A voided allocation gives its bill the amount back: a paid bill is awaiting payment again. */
function reopen(state: ClioState, billId: number): void {
  const bill = state.bills.require(billId);
  const balance = billTotals(state, { ...bill, state: 'awaiting_payment' }).balance;
  state.bills.update(bill.id, bill.state === 'paid' && balance > 0 ? { state: 'awaiting_payment', paid_at: null } : {});
}

const nowStamp = (state: ClioState) => isoSeconds(state.clock.now());

/** Moving a record's money changes the record: its `updated_at` moves (UNCONFIRMED for Clio; it is what `updated_since` on credit memos needs to see a reallocation). */
function touchParent(state: ClioState, allocation: Allocation): void {
  if (allocation.parent_type === 'CreditMemo') {
    if (state.creditMemos.get(allocation.parent_id)) state.creditMemos.update(allocation.parent_id, {});
  } else if (state.payments.get(allocation.parent_id)) state.payments.update(allocation.parent_id, {});
}

/** Voids one allocation; its money stays on the payment (or credit memo) as unapplied credit. */
export function voidAllocation(state: ClioState, allocation: Allocation): Allocation {
  if (allocation.voided_at) throw invalid('Allocation has already been voided');
  const next = state.allocations.update(allocation.id, { voided_at: nowStamp(state) });
  reopen(state, allocation.bill_id);
  touchParent(state, allocation);
  return next;
}

/**
 * Voids a payment: every allocation of it is voided and the money goes back where it came from
 * (out of operating; into trust for a payment from trust). A Clio Payments charge becomes `voided`.
 */
export function voidPayment(state: ClioState, payment: Payment): Payment {
  if (payment.voided_at) throw invalid('Payment has already been voided');
  const live = state.allocations.where('parent_id', payment.id).filter((a) => a.parent_type === 'Payment' && !a.voided_at);
  const next = state.payments.update(payment.id, { voided_at: nowStamp(state) });
  for (const a of live) voidAllocation(state, a);
  const date = state.clock.now().toISOString().slice(0, 10);
  const movement = { date, client_id: payment.contact_id, matter_id: null, description: `Void of payment ${payment.id}` };
  transaction(state, state.bankAccounts.require(payment.destination_bank_account_id), { ...movement, funds_out: payment.amount });
  if (payment.source_bank_account_id !== null) transaction(state, state.bankAccounts.require(payment.source_bank_account_id), { ...movement, funds_in: payment.amount });
  for (const cp of state.clioPayments.all().filter((p) => live.some((a) => p.allocation_ids.includes(a.id)))) state.clioPayments.update(cp.id, { state: 'voided' });
  return next;
}

/** Voids a credit memo and its allocations; the bills it credited owe the amount again. */
export function voidCreditMemo(state: ClioState, memo: CreditMemo): CreditMemo {
  if (memo.voided_at) throw invalid('Credit memo has already been voided');
  const next = state.creditMemos.update(memo.id, { voided_at: nowStamp(state) });
  for (const a of state.allocations.where('parent_id', memo.id).filter((x) => x.parent_type === 'CreditMemo' && !x.voided_at)) voidAllocation(state, a);
  return next;
}

/**
 * Moves a payment's (or credit memo's) money between the client's bills: allocations not wanted
 * any more (another bill, another amount) are voided, and the wanted ones not already there are
 * created; what is not allocated stays as unapplied credit.
 */
export function reallocate(state: ClioState, parent: Payment | CreditMemo, wanted: { bill_id: number; amount: number }[]): Allocation[] {
  if (parent.voided_at) throw invalid('A voided record cannot be reallocated');
  const type = 'destination_bank_account_id' in parent ? 'Payment' : 'CreditMemo';
  const total = round2(wanted.reduce((sum, w) => sum + w.amount, 0));
  if (total > parent.amount) throw invalid('Allocations exceed the amount available');
  const live = state.allocations.where('parent_id', parent.id).filter((a) => a.parent_type === type && !a.voided_at);
  const perBill = (billId: number) => round2(live.filter((a) => a.bill_id === billId).reduce((sum, a) => sum + a.amount, 0));
  const keep = new Set(wanted.filter((w) => perBill(w.bill_id) === round2(w.amount)).map((w) => w.bill_id));
  for (const a of live.filter((x) => !keep.has(x.bill_id))) voidAllocation(state, a);
  const created: Allocation[] = [];
  for (const w of wanted.filter((x) => !keep.has(x.bill_id))) {
    const bill = state.bills.get(w.bill_id);
    if (!bill || bill.client_id !== parent.contact_id) throw invalid('Bill must belong to the same contact');
    requirePayable(state, bill, w.amount);
    created.push(...allocate(state, parent, bill, round2(w.amount), false));
    settle(state, bill, parent.date);
  }
  if (created[0]) touchParent(state, created[0]);
  return created;
}

/** A credit memo not applied to any bill yet: the client's credit, applied later with `reallocate`. */
export function addClientCreditMemo(state: ClioState, input: { contact_id: number; amount: number; date: string; description: string; user_id: number }): CreditMemo {
  if (!(input.amount > 0)) throw invalid('Amount must be greater than 0');
  if (!state.contacts.get(input.contact_id)) throw invalid('Contact must exist');
  return state.creditMemos.insert({ ...input, amount: round2(input.amount), discount: false, voided_at: null });
}

export function addCreditMemo(state: ClioState, bill: Bill, input: { amount: number; date: string; description: string; user_id: number }): CreditMemo {
  requirePayable(state, bill, input.amount);
  const memo = state.creditMemos.insert({
    contact_id: bill.client_id,
    user_id: input.user_id,
    date: input.date,
    amount: round2(input.amount),
    description: input.description,
    discount: false,
    voided_at: null,
  });
  state.allocations.insert({
    bill_id: bill.id,
    contact_id: bill.client_id,
    matter_id: bill.matter_ids[0] ?? null,
    parent_id: memo.id,
    parent_type: 'CreditMemo',
    date: input.date,
    amount: memo.amount,
    description: input.description,
    interest: false,
    voided_at: null,
    has_online_payment: false,
    payment_type: null,
    source_bank_account_id: null,
    destination_bank_account_id: null,
  });
  settle(state, bill, input.date);
  return memo;
}

export function addInterest(state: ClioState, bill: Bill, input: { amount: number; date: string }): InterestCharge {
  if (bill.state !== 'awaiting_payment') throw invalid('Interest applies only to unpaid bills');
  if (!(input.amount > 0)) throw invalid('Amount must be greater than 0');
  const charge = state.interestCharges.insert({
    bill_id: bill.id,
    date: input.date,
    description: `Interest on overdue bill #${bill.number}`,
    total: round2(input.amount),
  });
  state.bills.update(bill.id, {});
  return charge;
}

export function deposit(
  state: ClioState,
  input: { type: BankAccount['type']; contact_id: number | null; matter_id: number | null; amount: number; date: string; description: string },
): BankTransaction {
  if (!(input.amount > 0)) throw invalid('Amount must be greater than 0');
  return transaction(state, bankAccount(state, input.type), {
    date: input.date,
    client_id: input.contact_id,
    matter_id: input.matter_id,
    funds_in: round2(input.amount),
    description: input.description,
  });
}

export function trustBalance(state: ClioState, clientId: number): number {
  const trust = bankAccount(state, 'Trust');
  return round2(
    state.bankTransactions
      .where('client_id', clientId)
      .filter((t) => t.bank_account_id === trust.id)
      .reduce((sum, t) => sum + t.funds_in - t.funds_out, 0),
  );
}

function transaction(
  state: ClioState,
  account: BankAccount,
  input: Partial<Omit<BankTransaction, 'id' | 'etag' | 'created_at' | 'updated_at'>> & { date: string; description: string },
): BankTransaction {
  const fundsIn = input.funds_in ?? 0;
  return state.bankTransactions.insert({
    type: account.type === 'Trust' ? 'liability' : 'asset',
    bank_account_id: account.id,
    funds_in: fundsIn,
    funds_out: input.funds_out ?? 0,
    source: input.source ?? (fundsIn > 0 ? 'Deposit' : 'Withdrawal'),
    confirmation: input.confirmation ?? null,
    transaction_type: fundsIn > 0 ? 'Deposit' : 'Withdrawal',
    client_id: input.client_id ?? null,
    matter_id: input.matter_id ?? null,
    bill_id: input.bill_id ?? null,
    allocation_id: input.allocation_id ?? null,
    clio_payments_transaction: input.clio_payments_transaction ?? false,
    date: input.date,
    description: input.description,
  });
}
