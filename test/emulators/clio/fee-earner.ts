import { recordActivity } from './activities-model';
import { billTotals } from './bill-totals';
import { availableTransitions, editBill, editLineItem, isEditable, setBillState } from './bills-model';
import { invalid } from './errors';
import { addCreditMemo, addInterest, recordPayment } from './money';
import type { Bill, Contact, Matter } from './records';
import type { ClioState } from './state';

/**
 * What the fee-earner panel's buttons do; `POST /_emulator/manage/act` carries them out. Each says
 * when Clio Manage would offer it, so a row shows only what its bill's state allows (the sandbox
 * walk of the README is done by clicking these).
 */
export const FEE_EARNER_ACTIONS = {
  approve: { label: 'Approve', allowed: (s: ClioState, b: Bill) => availableTransitions(s, b).includes('awaiting_payment') },
  edit_line: { label: 'Raise the first line by 10%', allowed: (s: ClioState, b: Bill) => isEditable(s, b) && s.lineItems.where('bill_id', b.id).length > 0 },
  discount5: { label: 'Add 5% discount', allowed: (s: ClioState, b: Bill) => isEditable(s, b) },
  pay_full: { label: 'Record payment in full', allowed: (s: ClioState, b: Bill) => payable(s, b, 0.01) },
  pay_100: { label: 'Record a $100 payment', allowed: (s: ClioState, b: Bill) => payable(s, b, 100.01) },
  credit50: { label: 'Add credit note ($50)', allowed: (s: ClioState, b: Bill) => payable(s, b, 50) },
  interest10: { label: 'Add interest ($10)', allowed: (s: ClioState, b: Bill) => b.state === 'awaiting_payment' },
  void: { label: 'Void', allowed: (s: ClioState, b: Bill) => availableTransitions(s, b).includes('void') },
} as const;
export type FeeEarnerAction = keyof typeof FEE_EARNER_ACTIONS;

export const isFeeEarnerAction = (a: string): a is FeeEarnerAction => Object.hasOwn(FEE_EARNER_ACTIONS, a);

function payable(state: ClioState, bill: Bill, atLeast: number): boolean {
  return bill.state === 'awaiting_payment' && billTotals(state, bill).balance >= atLeast;
}

/** One fee-earner button on a bill: refused in plain words when the bill's state does not allow it. */
export function actOnBill(state: ClioState, bill: Bill, action: string, user: number, date: string): string {
  if (!isFeeEarnerAction(action)) throw invalid(`Unknown action ${action}`);
  const { label, allowed } = FEE_EARNER_ACTIONS[action];
  if (!allowed(state, bill)) throw invalid(`"${label}" is not possible on bill ${bill.number}: it is ${bill.state.replace(/_/g, ' ')}.`);
  const balance = () => billTotals(state, bill).balance;
  switch (action) {
    case 'approve':
      setBillState(state, bill, 'awaiting_payment');
      break;
    case 'void':
      setBillState(state, bill, 'void');
      break;
    case 'edit_line': {
      const line = state.lineItems.where('bill_id', bill.id).sort((a, b) => a.id - b.id)[0]!;
      editLineItem(state, line, { price: Math.round(line.price * 110) / 100 });
      break;
    }
    case 'discount5':
      editBill(state, bill, { discount: { rate: 5, type: 'percentage' } });
      break;
    case 'pay_full':
      recordPayment(state, bill, { amount: balance(), date: date, method: 'manual', user_id: user });
      break;
    case 'pay_100':
      recordPayment(state, bill, { amount: 100, date: date, method: 'manual', user_id: user });
      break;
    case 'credit50':
      addCreditMemo(state, bill, { amount: 50, date: date, description: 'Credit', user_id: user });
      break;
    case 'interest10':
      addInterest(state, bill, { amount: 10, date: date });
      break;
  }
  return `Bill ${bill.number}: ${label} done.`;
}

/** The panel's hard-cost button: a $55.00 courier cost paid to the vendor, on the matter. */
export function addPanelHardCost(state: ClioState, matter: Matter, vendor: Contact, user: number, date: string): string {
  const category = state.expenseCategories.all().find((c) => c.entry_type === 'hard_cost');
  const cost = recordActivity(
    state,
    {
      type: 'HardCostEntry',
      date: date,
      quantity: 1,
      price: 55,
      note: 'Courier',
      matter: { id: matter.id },
      vendor: { id: vendor.id },
      ...(category ? { expense_category: { id: category.id } } : {}),
    },
    user,
  );
  return `Hard cost ${cost.id} (${vendor.name}, $55.00) added to matter ${matter.display_number}.`;
}
