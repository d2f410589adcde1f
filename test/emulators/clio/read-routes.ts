import { Hono } from 'hono';
import { byFlag, byId, byValue, findRow, listHandler, paths, respond, showHandler, type Collection } from './collection';
import type { ApiEnv, Emulator } from './context';
import { undeletable } from './errors';
import type * as R from './records';
import * as S from './shapes';
import type { Row } from './store';

/** Records the API only reads (plus the one DELETE Clio allows on interest charges). */

const users: Collection<R.User> = {
  shape: S.userShape,
  table: (s) => s.users,
  filters: { enabled: byValue((u) => u.enabled), name: (u, v) => u.name.toLowerCase().includes(v.toLowerCase()) },
};

const matters: Collection<R.Matter> = {
  shape: S.matterShape,
  table: (s) => s.matters,
  filters: {
    client_id: byId((m) => m.client_id),
    responsible_attorney_id: byId((m) => m.responsible_attorney_id),
    status: (m, v) => v.split(',').includes(m.status.toLowerCase()),
    query: (m, v) => `${m.display_number} ${m.description}`.toLowerCase().includes(v.toLowerCase()),
  },
};

const activityDescriptions: Collection<R.ActivityDescription> = {
  shape: S.activityDescriptionShape,
  table: (s) => s.activityDescriptions,
  defaultOrder: null,
  filters: { flat_rate: (d, v) => (d.category_type === 'flat') === (v === 'true') },
};

const expenseCategories: Collection<R.ExpenseCategory> = {
  shape: S.expenseCategoryShape,
  table: (s) => s.expenseCategories,
  filters: { entry_type: byValue((e) => e.entry_type), query: (e, v) => e.name.toLowerCase().includes(v.toLowerCase()) },
};

const creditMemos: Collection<R.CreditMemo> = {
  shape: S.creditMemoShape,
  table: (s) => s.creditMemos,
  // The published file: "Default: `date(asc)`", so an unordered listing is not cursor-paged.
  defaultOrder: 'date(asc)',
  filters: { contact_id: byId((m) => m.contact_id) },
};

const interestCharges: Collection<R.InterestCharge> = {
  shape: S.interestChargeShape,
  table: (s) => s.interestCharges,
  defaultOrder: null,
  filters: { bill_id: byId((c) => c.bill_id) },
};

const allocations: Collection<R.Allocation> = {
  shape: S.allocationShape,
  table: (s) => s.allocations,
  // The published file: "Default: `date(asc)`", so an unordered listing is not cursor-paged.
  defaultOrder: 'date(asc)',
  filters: {
    bill_id: byId((a) => a.bill_id),
    contact_id: byId((a) => a.contact_id),
    matter_id: byId((a) => a.matter_id),
    parent_id: byId((a) => a.parent_id),
    parent_type: byValue((a) => a.parent_type),
    status: (a, v) => (v === 'valid' ? a.voided_at === null : a.voided_at !== null),
  },
};

const clioPayments: Collection<R.ClioPaymentsPayment> = {
  shape: S.clioPaymentShape,
  table: (s) => s.clioPayments,
  defaultOrder: null,
  noSince: true,
  filters: { bill_id: byId((p) => p.bill_ids), contact_id: byId((p) => p.contact_id), state: byValue((p) => p.state) },
};

const bankAccounts: Collection<R.BankAccount> = {
  shape: S.bankAccountShape,
  table: (s) => s.bankAccounts,
  filters: { type: (a, v) => `${a.type}Account` === v, user_id: byId((a) => a.user_id) },
};

const bankTransactions: Collection<R.BankTransaction> = {
  shape: S.bankTransactionShape,
  table: (s) => s.bankTransactions,
  filters: {
    bank_account_id: byId((t) => t.bank_account_id),
    client_id: byId((t) => t.client_id),
    matter_id: byId((t) => t.matter_id),
    type: byValue((t) => t.type),
  },
};

export function readRoutes(emu: Emulator): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  const collection = <T extends Row>(path: string, col: Collection<T>, show = true) => {
    api.on('GET', paths(path), listHandler(emu, col));
    if (show) api.get(`${path}/:id`, showHandler(emu, col));
  };

  api.on('GET', paths('/users/who_am_i'), (c) => respond(emu, c, S.userShape, emu.state.users.require(c.get('userId'))));
  collection('/users', users);
  collection('/matters', matters);
  collection('/activity_descriptions', activityDescriptions);
  collection('/expense_categories', expenseCategories);
  collection('/credit_memos', creditMemos);
  // Clio has no GET for a single interest charge (nor a single line item).
  collection('/interest_charges', interestCharges, false);
  collection('/allocations', allocations);
  collection('/clio_payments/payments', clioPayments);
  collection('/bank_accounts', bankAccounts);
  collection('/bank_transactions', bankTransactions);

  api.delete('/interest_charges/:id', (c) => {
    const charge = findRow(emu, interestCharges, c);
    const bill = emu.state.bills.require(charge.bill_id);
    if (bill.state !== 'awaiting_payment') throw undeletable(`Interest on a ${bill.state} bill cannot be deleted`);
    emu.state.interestCharges.remove(charge.id);
    emu.state.bills.update(bill.id, {});
    return c.body(null, 204);
  });

  api.on('GET', paths('/settings/billing'), (c) => respond(emu, c, S.billingSettingShape, emu.state.billing));
  return api;
}
