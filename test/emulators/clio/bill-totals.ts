import type { Bill, Discount, LineItem } from './records';
import type { ClioState } from './state';

export const round2 = (n: number): number => Math.round((n + Number.EPSILON) * 100) / 100;

export interface LineTotals {
  /** round2(price × quantity), before any discount. */
  sub_total: number;
  /** On the line total (after the line's own discount); the bill-level discount is not shown here. */
  tax: number;
  secondary_tax: number;
  /** sub_total less the line's own discount, before tax (UNCONFIRMED against a live account). */
  total: number;
}

/** Money a discount takes off `base`: a percentage of it, or a fixed amount capped at it. */
export function discountAmount(discount: Discount, base: number): number {
  if (base <= 0 || discount.rate <= 0) return 0;
  return discount.type === 'percentage' ? round2((base * discount.rate) / 100) : Math.min(round2(discount.rate), base);
}

const taxOn = (amount: number, taxable: boolean, rate: number): number => (taxable ? round2((amount * rate) / 100) : 0);

export function lineTotals(line: LineItem, bill: Bill): LineTotals {
  const subTotal = line.type === 'NoChargeLineItem' ? 0 : round2(line.price * line.quantity);
  const total = round2(subTotal - discountAmount(line.discount, subTotal));
  return {
    sub_total: subTotal,
    tax: taxOn(total, line.taxable, bill.tax_rate),
    secondary_tax: taxOn(total, line.secondary_taxable, bill.secondary_tax_rate),
    total,
  };
}

/**
 * Splits `amount` over `weights` in proportion, in whole cents, by largest remainder (ties to the
 * earlier line), so the shares add up to `amount` exactly.
 */
export function allocateCents(amount: number, weights: number[]): number[] {
  const cents = Math.round(amount * 100);
  const total = weights.reduce((a, b) => a + b, 0);
  if (cents <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (cents * w) / total);
  const shares = exact.map((e) => Math.floor(e + 1e-9));
  let left = cents - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e + 1e-9) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left -= 1;
  }
  return shares.map((c) => c / 100);
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
  /** The bill-level discount (line discounts excluded). */
  discount_total: number;
  /** Includes interest, as Clio's bill `total` does. */
  total: number;
  paid: number;
  credits_issued: number;
  balance: number;
}

/**
 * Bills never store money: every figure comes from line items, interest charges and valid
 * allocations, so a bill can never disagree with its lines.
 *
 * Discounts (UNCONFIRMED against a live account; modelled on the OpenAPI's Discount_base and
 * Bill.due "total with interest and less discounts"):
 * 1. each line's own discount comes off its sub_total → line `total`; line `tax` is on that total;
 * 2. the bill discount (percentage of, or money capped at, the eligible lines' totals — Service
 *    lines only when `discount_services_only`) is spread over the eligible lines with positive
 *    totals in proportion to those totals, in cents by largest remainder, so the shares sum exactly;
 * 3. tax is recomputed per line on what is left after both discounts.
 * Bill figures reflect step 3; line items keep showing their own line-level figures. Hence
 * bill discount = Σ line.total − bill.sub_total, and the tax it removed =
 * Σ (line.tax + line.secondary_tax) − bill.total_tax.
 */
export function billTotals(state: ClioState, bill: Bill): BillTotals {
  const lines = state.lineItems.where('bill_id', bill.id);
  const perLine = lines.map((line) => ({ line, totals: lineTotals(line, bill) }));
  const eligible = perLine.filter(({ line, totals }) => totals.total > 0 && (!bill.discount_services_only || line.kind === 'Service'));
  const billDiscount = discountAmount(bill.discount, round2(eligible.reduce((sum, e) => sum + e.totals.total, 0)));
  const shares = allocateCents(
    billDiscount,
    eligible.map((e) => e.totals.total),
  );
  const shareOf = new Map(eligible.map((e, i) => [e.line.id, shares[i] ?? 0]));
  let services = 0;
  let servicesTax = 0;
  let servicesSecondary = 0;
  let expenses = 0;
  let tax = 0;
  let secondary = 0;
  for (const { line, totals } of perLine) {
    const net = round2(totals.total - (shareOf.get(line.id) ?? 0));
    const lineTax = taxOn(net, line.taxable, bill.tax_rate);
    const lineSecondary = taxOn(net, line.secondary_taxable, bill.secondary_tax_rate);
    tax += lineTax;
    secondary += lineSecondary;
    if (line.kind === 'Service') {
      services += net;
      servicesTax += lineTax;
      servicesSecondary += lineSecondary;
    } else {
      expenses += net;
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
    discount_total: billDiscount,
    total,
    paid: round2(paid),
    credits_issued: round2(credits),
    balance: open ? round2(total - paid - credits) : 0,
  };
}
