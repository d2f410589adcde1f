import { definedOnly, isTime } from './activities-model';
import { invalid, undeletable } from './errors';
import { NO_DISCOUNT, type Bill, type BillState, type Discount, type LineItem } from './records';
import type { ClioState } from './state';
import { isoSeconds } from './store';

export interface NewBill {
  activity_ids: number[];
  user_id: number;
  issued_at: string;
  due_at: string;
  subject?: string | null;
  memo?: string | null;
}

/** Bills cannot be created through Clio's API; fee earners create them in the UI (here: control API and seed). */
export function createBill(state: ClioState, input: NewBill): Bill {
  const activities = input.activity_ids.map((id) => {
    const activity = state.activities.get(id);
    if (!activity) throw invalid(`Activity ${id} does not exist`);
    if (activity.bill_id !== null && isActiveBill(state, activity.bill_id)) {
      throw invalid(`Activity ${id} is already on a bill`);
    }
    if (activity.non_billable) throw invalid(`Activity ${id} is non-billable`);
    if (activity.matter_id === null) throw invalid(`Activity ${id} has no matter`);
    return activity;
  });
  if (activities.length === 0) throw invalid('A bill needs at least one activity');
  const matterIds = [...new Set(activities.map((a) => a.matter_id as number))];
  const clientIds = new Set(matterIds.map((id) => state.matters.require(id).client_id));
  const [clientId] = clientIds;
  if (clientIds.size !== 1 || clientId === undefined) throw invalid('All activities must belong to one client');
  const dates = activities.map((a) => a.date).sort();
  const bill = state.bills.insert({
    number: String(state.bills.size + 1),
    issued_at: input.issued_at,
    due_at: input.due_at,
    start_at: dates[0] ?? null,
    end_at: dates[dates.length - 1] ?? null,
    subject: input.subject ?? null,
    memo: input.memo ?? null,
    purchase_order: null,
    type: matterIds.length === 1 ? 'MatterBill' : 'ClientBill',
    kind: 'revenue_kind',
    state: 'draft',
    client_id: clientId,
    matter_ids: matterIds,
    user_id: input.user_id,
    tax_rate: state.billing.tax_rate,
    secondary_tax_rate: state.billing.secondary_tax_rate,
    interest: { rate: 0, type: 'simple', period: 30 },
    discount: { ...NO_DISCOUNT },
    discount_services_only: false,
    paid_at: null,
    last_sent_at: null,
    // A bill is in its matter's currency (UNCONFIRMED: what Clio does with matters in two currencies on one bill).
    currency_id: state.matters.require(matterIds[0]!).currency_id ?? null,
  });
  activities.forEach((activity, index) => {
    const description =
      (activity.activity_description_id && state.activityDescriptions.get(activity.activity_description_id)?.name) ||
      (activity.expense_category_id && state.expenseCategories.get(activity.expense_category_id)?.name) ||
      activity.type;
    state.lineItems.insert({
      bill_id: bill.id,
      activity_id: activity.id,
      matter_id: activity.matter_id,
      user_id: activity.user_id,
      type: activity.no_charge ? 'NoChargeLineItem' : 'ActivityLineItem',
      kind: isTime(activity) ? 'Service' : 'Expense',
      description,
      note: activity.note,
      date: activity.date,
      price: activity.price,
      quantity: isTime(activity) ? activity.quantity / 3600 : activity.quantity,
      taxable: activity.tax_setting === 'tax_1_only' || activity.tax_setting === 'tax_1_and_tax_2',
      secondary_taxable: activity.tax_setting === 'tax_2_only' || activity.tax_setting === 'tax_1_and_tax_2',
      group_ordering: index + 1,
      discount: { ...NO_DISCOUNT },
    });
    state.activities.update(activity.id, { bill_id: bill.id });
  });
  if (state.contacts.get(clientId)?.is_client === false) state.contacts.update(clientId, { is_client: true });
  return bill;
}

function isActiveBill(state: ClioState, billId: number): boolean {
  const bill = state.bills.get(billId);
  return bill !== undefined && bill.state !== 'void' && bill.state !== 'deleted';
}

const hasPayments = (state: ClioState, bill: Bill): boolean => state.allocations.where('bill_id', bill.id).some((a) => !a.voided_at);

/** What a PATCH of `state` may move the bill to (Clio's `available_state_transitions`). */
export function availableTransitions(state: ClioState, bill: Bill): BillState[] {
  switch (bill.state) {
    case 'draft':
      return ['awaiting_approval', 'awaiting_payment', 'deleted'];
    case 'awaiting_approval':
      return ['awaiting_payment', 'deleted'];
    case 'awaiting_payment':
      return hasPayments(state, bill) ? [] : ['void'];
    default:
      return [];
  }
}

/**
 * UNCONFIRMED: Clio's OpenAPI lists `paid` among the states a bill PATCH takes (Bill update body,
 * `state` enum), with no word on when, and Clio's help says a bill becomes paid by recording a
 * payment. So by default it is refused as any transition Clio does not allow; only with the control
 * switch `PUT /_emulator/switches {refuse_paid_state: false}` is it accepted from awaiting_payment
 * (paid_at set), so that no product path depends on the kinder answer.
 */
function markPaid(state: ClioState, bill: Bill): Bill | undefined {
  if (bill.state !== 'awaiting_payment' || state.refusePaidState) return undefined;
  return state.bills.update(bill.id, { state: 'paid', paid_at: isoSeconds(state.clock.now()) });
}

export function setBillState(state: ClioState, bill: Bill, target: BillState): Bill {
  if (target === bill.state) return bill;
  if (target === 'paid') {
    const paid = markPaid(state, bill);
    if (paid) return paid;
  }
  if (!availableTransitions(state, bill).includes(target)) {
    throw invalid(`State cannot change from ${bill.state} to ${target}`);
  }
  if (target === 'void' || target === 'deleted') {
    // Voiding or deleting releases the entries so that they can be billed again, as in Clio.
    for (const line of state.lineItems.where('bill_id', bill.id)) {
      if (line.activity_id !== null) state.activities.update(line.activity_id, { bill_id: null });
    }
  }
  return state.bills.update(bill.id, { state: target });
}

/** Draft and pending bills are editable; approved ones only with the firm setting on and no payments. */
export function isEditable(state: ClioState, bill: Bill): boolean {
  if (bill.state === 'draft' || bill.state === 'awaiting_approval') return true;
  return bill.state === 'awaiting_payment' && state.billing.allow_editing_approved_bills && !hasPayments(state, bill);
}

export type BillPatch = Partial<Pick<Bill, 'issued_at' | 'due_at' | 'subject' | 'memo' | 'purchase_order' | 'number' | 'tax_rate' | 'secondary_tax_rate'>> & {
  state?: BillState;
  interest?: Partial<Bill['interest']>;
  discount?: Partial<Discount>;
  /** Boolean, or the OpenAPI's string form ("true"/"false"). */
  discount_services_only?: boolean | string;
};

/** Validates a discount patch against the current discount (Discount_base: type percentage | money). */
export function mergeDiscount(current: Discount, patch: Partial<Discount> | undefined): Discount {
  const next = { ...current, ...definedOnly(patch ?? {}) };
  if (next.type !== 'percentage' && next.type !== 'money') throw invalid('Discount type must be percentage or money');
  if (typeof next.rate !== 'number' || !Number.isFinite(next.rate) || next.rate < 0) throw invalid('Discount rate must be a number of at least 0');
  if (next.type === 'percentage' && next.rate > 100) throw invalid('Discount rate must be at most 100 for a percentage');
  return next;
}

const asBoolean = (v: boolean | string | undefined): boolean | undefined => (v === undefined ? undefined : v === true || v === 'true');

export function editBill(state: ClioState, bill: Bill, patch: BillPatch): Bill {
  const { state: target, interest, discount, discount_services_only: servicesOnly, ...header } = patch;
  const headerChanged = Object.keys(definedOnly(header)).length > 0 || interest || discount || servicesOnly !== undefined;
  if (headerChanged && !isEditable(state, bill)) throw invalid(`A ${bill.state} bill cannot be edited`);
  let next = bill;
  if (headerChanged) {
    next = state.bills.update(bill.id, {
      ...definedOnly(header),
      interest: { ...bill.interest, ...definedOnly(interest ?? {}) },
      discount: mergeDiscount(bill.discount, discount),
      ...(servicesOnly === undefined ? {} : { discount_services_only: asBoolean(servicesOnly) ?? false }),
    });
  }
  return target === undefined ? next : setBillState(state, next, target);
}

/** A line follows its bill: editing it touches the bill, and only editable bills accept it. */
export type LineItemPatch = Omit<Partial<LineItem>, 'discount'> & { discount?: Partial<Discount> };

export function editLineItem(state: ClioState, line: LineItem, patch: LineItemPatch): LineItem {
  const bill = state.bills.require(line.bill_id);
  if (!isEditable(state, bill)) throw invalid(`Line items of a ${bill.state} bill cannot be edited`);
  // Spec disagrees: it lists `quantity` as writable, but Clio ignores quantity edits on activity lines (3P finding).
  const { quantity, discount, ...rest } = patch;
  const next = state.lineItems.update(line.id, {
    ...rest,
    ...(discount === undefined ? {} : { discount: mergeDiscount(line.discount, discount) }),
    ...(line.type === 'ActivityLineItem' || quantity === undefined ? {} : { quantity }),
  });
  state.bills.update(bill.id, {});
  return next;
}

export function deleteLineItem(state: ClioState, line: LineItem): void {
  const bill = state.bills.require(line.bill_id);
  if (!isEditable(state, bill)) throw undeletable(`Line items of a ${bill.state} bill cannot be deleted`);
  state.lineItems.remove(line.id);
  if (line.activity_id !== null) state.activities.update(line.activity_id, { bill_id: null });
  state.bills.update(bill.id, {});
}

/** Clio's bill DELETE: drafts and pending bills are deleted, unpaid ones voided, anything with payments refused. */
export function deleteBill(state: ClioState, bill: Bill): Bill {
  const target = bill.state === 'awaiting_payment' ? 'void' : 'deleted';
  if (!availableTransitions(state, bill).includes(target)) throw undeletable(`A ${bill.state} bill cannot be deleted`);
  return setBillState(state, bill, target);
}
