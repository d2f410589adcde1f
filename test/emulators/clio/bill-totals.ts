import type { Bill, LineItem } from './records';
import type { ClioState } from './state';

export const round2 = (n: number): number => Math.round((n + Number.EPSILON) * 100) / 100;

export interface LineTotals {
  sub_total: number;
  tax: number;
  secondary_tax: number;
  /** Before tax, as Clio shows it in the line's amount column (UNCONFIRMED against a live account). */
  total: number;
}

export function lineTotals(line: LineItem, bill: Bill): LineTotals {
  const subTotal = line.type === 'NoChargeLineItem' ? 0 : round2(line.price * line.quantity);
  return {
    sub_total: subTotal,
    tax: line.taxable ? round2((subTotal * bill.tax_rate) / 100) : 0,
    secondary_tax: line.secondary_taxable ? round2((subTotal * bill.secondary_tax_rate) / 100) : 0,
    total: subTotal,
  };
}

export interface BillTotals {
  services_sub_total: number;
  services_tax: number;
  services_secondary_tax: number;
  expenses_sub_total: number;
  sub_total: number;
  tax_sum: number;
  secondary_tax_sum: number;
  total_tax: number;
  interest_total: number;
  /** Includes interest, as Clio's bill `total` does. */
  total: number;
  paid: number;
  credits_issued: number;
  balance: number;
}

/**
 * Bills never store money: every figure comes from line items, interest charges and valid
 * allocations, so a bill can never disagree with its lines.
 */
export function billTotals(state: ClioState, bill: Bill): BillTotals {
  let services = 0;
  let servicesTax = 0;
  let servicesSecondary = 0;
  let expenses = 0;
  let tax = 0;
  let secondary = 0;
  for (const line of state.lineItems.where('bill_id', bill.id)) {
    const t = lineTotals(line, bill);
    tax += t.tax;
    secondary += t.secondary_tax;
    if (line.kind === 'Service') {
      services += t.sub_total;
      servicesTax += t.tax;
      servicesSecondary += t.secondary_tax;
    } else {
      expenses += t.sub_total;
    }
  }
  const interest = state.interestCharges.where('bill_id', bill.id).reduce((sum, c) => sum + c.total, 0);
  let paid = 0;
  let credits = 0;
  for (const allocation of state.allocations.where('bill_id', bill.id)) {
    if (allocation.voided_at) continue;
    if (allocation.parent_type === 'CreditMemo') credits += allocation.amount;
    else paid += allocation.amount;
  }
  const subTotal = round2(services + expenses);
  const totalTax = round2(tax + secondary);
  const total = round2(subTotal + totalTax + interest);
  const open = bill.state !== 'void' && bill.state !== 'deleted';
  return {
    services_sub_total: round2(services),
    services_tax: round2(servicesTax),
    services_secondary_tax: round2(servicesSecondary),
    expenses_sub_total: round2(expenses),
    sub_total: subTotal,
    tax_sum: round2(tax),
    secondary_tax_sum: round2(secondary),
    total_tax: totalTax,
    interest_total: round2(interest),
    total,
    paid: round2(paid),
    credits_issued: round2(credits),
    balance: open ? round2(total - paid - credits) : 0,
  };
}
