import { billTotals, round2 } from './bill-totals';
import { invalid } from './errors';
import type { BankAccount, BankTransaction, Bill, ClioPaymentsPayment, CreditMemo, InterestCharge } from './records';
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
  requirePayable(state, bill, input.amount);
  const amount = round2(input.amount);
  const operating = bankAccount(state, 'Operating');
  const trust = input.method === 'trust' ? bankAccount(state, 'Trust') : null;
  if (trust && trustBalance(state, bill.client_id) < amount) throw invalid('Insufficient trust funds for this client');
  const matterId = bill.matter_ids[0] ?? null;
  const payment = state.payments.insert({
    contact_id: bill.client_id,
    date: input.date,
    amount,
    reference: input.reference ?? null,
    description: null,
    source_bank_account_id: trust?.id ?? null,
    destination_bank_account_id: operating.id,
    voided_at: null,
  });
  const online = input.method === 'clio_payments';
  const allocation = state.allocations.insert({
    bill_id: bill.id,
    contact_id: bill.client_id,
    matter_id: matterId,
    parent_id: payment.id,
    parent_type: 'Payment',
    date: input.date,
    amount,
    description: null,
    interest: false,
    voided_at: null,
    has_online_payment: online,
    payment_type: online ? 'card' : null,
    source_bank_account_id: trust?.id ?? null,
    destination_bank_account_id: operating.id,
  });
  const movement = {
    date: input.date,
    client_id: bill.client_id,
    matter_id: matterId,
    bill_id: bill.id,
    allocation_id: allocation.id,
    clio_payments_transaction: online,
    confirmation: input.reference ?? null,
  };
  if (trust) {
    transaction(state, trust, { ...movement, funds_out: amount, description: `Payment from trust for bill #${bill.number}` });
  }
  const deposit = transaction(state, operating, {
    ...movement,
    funds_in: amount,
    description: `Payment for bill #${bill.number}`,
    source: online ? 'Clio Payments' : 'Payment',
  });
  let clioPayment: ClioPaymentsPayment | null = null;
  if (online) {
    const client = state.contacts.get(bill.client_id);
    clioPayment = state.clioPayments.insert({
      amount,
      currency: state.currency.code,
      state: 'completed',
      confirmation_number: `CP-${String(payment.id).padStart(8, '0')}`,
      description: `Payment for bill #${bill.number}`,
      email_address: client?.email_addresses.find((e) => e.primary)?.address ?? null,
      deposit_as_revenue: false,
      contact_id: bill.client_id,
      user_id: input.user_id,
      bill_ids: [bill.id],
      matter_ids: bill.matter_ids,
      allocation_ids: [allocation.id],
      destination_account_id: operating.id,
      bank_transaction_id: deposit.id,
    });
  }
  return { bill: settle(state, bill, input.date), clioPayment };
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
