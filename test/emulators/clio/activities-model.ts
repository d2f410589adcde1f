import { invalid } from './errors';
import type { Activity, ActivityType } from './records';
import type { ClioState } from './state';

export interface ActivityInput {
  type?: string;
  date?: string;
  /** Seconds for a TimeEntry, units for an expense. */
  quantity?: number;
  price?: number;
  note?: string | null;
  reference?: string | null;
  non_billable?: boolean;
  no_charge?: boolean;
  tax_setting?: Activity['tax_setting'];
  matter?: { id: number } | null;
  user?: { id: number };
  activity_description?: { id: number } | null;
  expense_category?: { id: number } | null;
  vendor?: { id: number } | null;
}

const TYPES: ActivityType[] = ['TimeEntry', 'ExpenseEntry', 'HardCostEntry', 'SoftCostEntry'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const isTime = (a: Pick<Activity, 'type'>): boolean => a.type === 'TimeEntry';

/** Billed = on a bill that has been approved (awaiting payment or paid); such entries are locked. */
export function isBilled(state: ClioState, activity: Activity): boolean {
  const bill = activity.bill_id === null ? undefined : state.bills.get(activity.bill_id);
  return bill?.state === 'awaiting_payment' || bill?.state === 'paid';
}

export function activityTotal(activity: Activity): number {
  const units = isTime(activity) ? activity.quantity / 3600 : activity.quantity;
  return Math.round(units * activity.price * 100) / 100;
}

export function recordActivity(state: ClioState, input: ActivityInput, actingUserId: number): Activity {
  const type = input.type as ActivityType;
  if (!TYPES.includes(type)) throw invalid('Type is not a valid activity type');
  if (!input.date || !DATE.test(input.date)) throw invalid("Date can't be blank");
  const userId = input.user?.id ?? actingUserId;
  const user = state.users.get(userId);
  if (!user) throw invalid('User must exist');
  const fields = resolveRelations(state, type, input);
  const description = fields.activity_description_id ? state.activityDescriptions.get(fields.activity_description_id) : undefined;
  const category = fields.expense_category_id ? state.expenseCategories.get(fields.expense_category_id) : undefined;
  const price = input.price ?? (type === 'TimeEntry' ? (description?.rate_amount ?? user.rate) : category?.rate);
  if (price === undefined) throw invalid("Price can't be blank");
  if (type === 'TimeEntry' && (input.quantity === undefined || input.quantity < 0)) {
    throw invalid('Quantity must be a number of seconds');
  }
  return state.activities.insert({
    type,
    date: input.date,
    quantity: input.quantity ?? 1,
    price,
    note: input.note ?? null,
    reference: input.reference ?? null,
    non_billable: input.non_billable ?? false,
    no_charge: input.no_charge ?? false,
    flat_rate: description?.category_type === 'flat',
    tax_setting: input.tax_setting ?? (state.billing.apply_tax_by_default ? 'tax_1_only' : 'no_tax'),
    user_id: userId,
    bill_id: null,
    ...fields,
  });
}

export function updateActivity(state: ClioState, activity: Activity, input: ActivityInput): Activity {
  if (isBilled(state, activity)) throw invalid('Activity has been billed and cannot be modified');
  if (input.type !== undefined && input.type !== activity.type) throw invalid('Type cannot be changed');
  if (input.date !== undefined && !DATE.test(input.date)) throw invalid('Date is invalid');
  const merged: ActivityInput = {
    matter: activity.matter_id === null ? null : { id: activity.matter_id },
    activity_description: activity.activity_description_id === null ? null : { id: activity.activity_description_id },
    expense_category: activity.expense_category_id === null ? null : { id: activity.expense_category_id },
    vendor: activity.vendor_id === null ? null : { id: activity.vendor_id },
    ...input,
  };
  const next = state.activities.update(activity.id, {
    ...resolveRelations(state, activity.type, merged),
    ...definedOnly({
      date: input.date,
      quantity: input.quantity,
      price: input.price,
      note: input.note,
      reference: input.reference,
      non_billable: input.non_billable,
      no_charge: input.no_charge,
      tax_setting: input.tax_setting,
    }),
  });
  // An entry on a draft bill carries its edits to its line, as editing it in Clio does.
  for (const line of state.lineItems.where('activity_id', activity.id)) {
    state.lineItems.update(line.id, {
      price: next.price,
      quantity: isTime(next) ? next.quantity / 3600 : next.quantity,
      note: next.note,
      date: next.date,
    });
  }
  return next;
}

function resolveRelations(state: ClioState, type: ActivityType, input: ActivityInput) {
  const matterId = input.matter?.id ?? null;
  if (matterId !== null && !state.matters.get(matterId)) throw invalid('Matter must exist');
  const descriptionId = input.activity_description?.id ?? null;
  if (descriptionId !== null && !state.activityDescriptions.get(descriptionId)) {
    throw invalid('Activity description must exist');
  }
  const categoryId = input.expense_category?.id ?? null;
  const category = categoryId === null ? undefined : state.expenseCategories.get(categoryId);
  if (categoryId !== null && !category) throw invalid('Expense category must exist');
  if (type === 'TimeEntry' && categoryId !== null) throw invalid('A time entry cannot have an expense category');
  if (type !== 'TimeEntry' && descriptionId !== null) throw invalid('An expense cannot have an activity description');
  if (category && category.entry_type !== 'unassociated') {
    const expected = category.entry_type === 'hard_cost' ? 'HardCostEntry' : 'SoftCostEntry';
    if (type !== expected && type !== 'ExpenseEntry') throw invalid(`Expense category is for ${category.entry_type}`);
  }
  const vendorId = input.vendor?.id ?? null;
  if (vendorId !== null && !state.contacts.get(vendorId)) throw invalid('Vendor must be an existing contact');
  if (vendorId !== null && type !== 'HardCostEntry') throw invalid('Only hard costs have a vendor');
  return {
    matter_id: matterId,
    activity_description_id: descriptionId,
    expense_category_id: categoryId,
    vendor_id: vendorId,
  };
}

export function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
