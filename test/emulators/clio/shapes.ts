import { activityTotal, isBilled, isTime } from './activities-model';
import { billTotals, lineTotals, round2 } from './bill-totals';
import { availableTransitions, isEditable } from './bills-model';
import type { Json, Relation, Shape } from './fields';
import type * as R from './records';
import { type ClioState, currencyOf } from './state';
import type { Row, Table } from './store';

/**
 * How each record type appears on the wire: its scalar fields (names as in Clio's schemas) and the
 * relations that `fields=rel{...}` can open. Unset values are stored as null and sent as null, as Clio does.
 * Spec disagrees: its schemas mark nothing nullable, yet the live API sends null for unset fields.
 */

const ROW = ['id', 'etag', 'created_at', 'updated_at'] as const;

function ref<T, U extends Row>(shape: () => Shape<U>, table: (s: ClioState) => Table<U>, id: (row: T) => number | null): Relation<T> {
  return {
    many: false,
    keys: () => shape().scalars,
    resolve: (row, s) => {
      const target = id(row);
      const found = target === null ? undefined : table(s).get(target);
      return found ? shape().view(found, s) : null;
    },
  };
}

function refs<T, U extends Row>(shape: () => Shape<U>, rows: (row: T, s: ClioState) => U[]): Relation<T> {
  return { many: true, keys: () => shape().scalars, resolve: (row, s) => rows(row, s).map((r) => shape().view(r, s)) };
}

function embedded<T>(keys: readonly string[], get: (row: T, s: ClioState) => Json | Json[] | null, many = false): Relation<T> {
  return { many, keys: () => keys, resolve: get };
}

const byIds = <U extends Row>(table: Table<U>, ids: number[]): U[] => ids.map((id) => table.get(id)).filter((r): r is U => r !== undefined);

const currency = <T>(): Relation<T> =>
  embedded(['id', 'code', 'sign'], (row, s) => {
    const c = currencyOf(s, (row as { currency_id?: number | null }).currency_id);
    return { id: c.id, code: c.code, sign: c.sign };
  });

export const accountShape: Relation<R.User> = embedded(['id', 'name'], (_row, s) => ({ ...s.account }));

export const userShape: Shape<R.User> = {
  name: 'user',
  scalars: [...ROW, 'name', 'first_name', 'last_name', 'initials', 'email', 'enabled', 'account_owner', 'roles', 'subscription_type', 'rate', 'time_zone'],
  relations: { account: accountShape },
  view: (u) => ({ ...u }),
};

const nestedRow = [...ROW, 'name', 'primary'] as const;
const emailShape: Shape<R.EmailAddress> = { name: 'email_address', scalars: [...nestedRow, 'address'], relations: {}, view: (e) => ({ ...e }) };
const phoneShape: Shape<R.PhoneNumber> = { name: 'phone_number', scalars: [...nestedRow, 'number'], relations: {}, view: (p) => ({ ...p }) };
const addressShape: Shape<R.Address> = {
  name: 'address',
  scalars: [...nestedRow, 'street', 'city', 'province', 'postal_code', 'country'],
  relations: {},
  view: (a) => ({ ...a }),
};

const accountBalances = <T>(balances: (row: T, s: ClioState) => Json[]): Relation<T> => embedded(['id', 'balance', 'type', 'name', 'currency_id'], balances, true);

/** Operating and trust balance of a client, per bank account, as Clio's `account_balances`. */
function clientAccountBalances(s: ClioState, clientId: number): Json[] {
  return s.bankAccounts.all().map((account) => ({
    id: account.id,
    name: account.name,
    type: account.type,
    currency_id: s.currency.id,
    balance: round2(
      s.bankTransactions
        .where('client_id', clientId)
        .filter((t) => t.bank_account_id === account.id)
        .reduce((sum, t) => sum + t.funds_in - t.funds_out, 0),
    ),
  }));
}

export const contactShape: Shape<R.Contact> = {
  name: 'contact',
  scalars: [
    ...ROW,
    'name',
    'first_name',
    'middle_name',
    'last_name',
    'prefix',
    'title',
    'initials',
    'date_of_birth',
    'type',
    'primary_email_address',
    'secondary_email_address',
    'primary_phone_number',
    'secondary_phone_number',
    'is_client',
    'is_co_counsel',
    'is_bill_recipient',
    'sales_tax_number',
    'ledes_client_id',
  ],
  relations: {
    email_addresses: refs(
      () => emailShape,
      (c) => c.email_addresses,
    ),
    phone_numbers: refs(
      () => phoneShape,
      (c) => c.phone_numbers,
    ),
    addresses: refs(
      () => addressShape,
      (c) => c.addresses,
    ),
    primary_address: embedded(addressShape.scalars, (c) => {
      const primary = c.addresses.find((a) => a.primary);
      return primary ? { ...primary } : null;
    }),
    company: ref(
      () => contactShape,
      (s) => s.contacts,
      (c) => c.company_id,
    ),
    account_balances: accountBalances((c, s) => clientAccountBalances(s, c.id)),
    currency: currency(),
  },
  view: (c) => {
    const { email_addresses, phone_numbers, addresses: _a, company_id: _c, ...rest } = c;
    const emails = orderPrimaryFirst(email_addresses);
    const phones = orderPrimaryFirst(phone_numbers);
    const initials = (c.type === 'Person' ? [c.first_name, c.last_name] : c.name.split(/\s+/))
      .filter(Boolean)
      .map((p) => [...(p as string)][0]?.toUpperCase())
      .join('');
    return {
      ...rest,
      initials,
      primary_email_address: emails[0]?.address ?? null,
      secondary_email_address: emails[1]?.address ?? null,
      primary_phone_number: phones[0]?.number ?? null,
      secondary_phone_number: phones[1]?.number ?? null,
      is_bill_recipient: c.is_client,
    };
  },
};

function orderPrimaryFirst<T extends { primary: boolean }>(items: T[]): T[] {
  return [...items].sort((a, b) => Number(b.primary) - Number(a.primary));
}

export const matterShape: Shape<R.Matter> = {
  name: 'matter',
  scalars: [...ROW, 'number', 'display_number', 'description', 'status', 'client_id', 'billable', 'billing_method', 'open_date', 'close_date'],
  relations: {
    client: ref(
      () => contactShape,
      (s) => s.contacts,
      (m) => m.client_id,
    ),
    responsible_attorney: ref(
      () => userShape,
      (s) => s.users,
      (m) => m.responsible_attorney_id,
    ),
    currency: currency(),
    account_balances: accountBalances((m, s) =>
      clientAccountBalances(s, m.client_id).map((b) => ({
        ...b,
        balance: round2(
          s.bankTransactions
            .where('matter_id', m.id)
            .filter((t) => t.bank_account_id === b.id)
            .reduce((sum, t) => sum + t.funds_in - t.funds_out, 0),
        ),
      })),
    ),
  },
  view: ({ responsible_attorney_id: _r, ...m }) => ({ ...m }),
};

export const activityDescriptionShape: Shape<R.ActivityDescription> = {
  name: 'activity_description',
  scalars: [...ROW, 'name', 'default', 'category_type', 'xero_service_code', 'accessible_to_user', 'visible_to_co_counsel'],
  relations: {
    rate: embedded(['amount', 'non_billable_amount', 'type', 'hierarchy'], (d) => ({
      amount: d.rate_amount ?? 0,
      non_billable_amount: 0,
      type: d.category_type === 'flat' ? 'FlatRate' : d.rate_amount === null ? 'User' : 'Custom',
      hierarchy: 'Default',
    })),
    currency: currency(),
  },
  view: ({ rate_amount: _r, ...d }) => ({ ...d, accessible_to_user: true, visible_to_co_counsel: false }),
};

export const expenseCategoryShape: Shape<R.ExpenseCategory> = {
  name: 'expense_category',
  scalars: [...ROW, 'name', 'rate', 'entry_type', 'xero_expense_code', 'accessible_to_user', 'tax_setting'],
  relations: { currency: currency() },
  view: (e) => ({ ...e, accessible_to_user: true }),
};

/** Clio rounds time to the firm's increment (minutes in billing settings). */
function roundedSeconds(s: ClioState, seconds: number): number {
  const step = s.billing.rounding * 60;
  return step > 0 ? Math.ceil(seconds / step) * step : seconds;
}

export const activityShape: Shape<R.Activity> = {
  name: 'activity',
  scalars: [
    ...ROW,
    'type',
    'date',
    'quantity_in_hours',
    'rounded_quantity_in_hours',
    'quantity',
    'rounded_quantity',
    'quantity_redacted',
    'price',
    'note',
    'flat_rate',
    'billed',
    'on_bill',
    'total',
    'contingency_fee',
    'reference',
    'non_billable',
    'non_billable_total',
    'no_charge',
    'tax_setting',
  ],
  relations: {
    activity_description: ref(
      () => activityDescriptionShape,
      (s) => s.activityDescriptions,
      (a) => a.activity_description_id,
    ),
    expense_category: ref(
      () => expenseCategoryShape,
      (s) => s.expenseCategories,
      (a) => a.expense_category_id,
    ),
    bill: ref(
      () => billShape,
      (s) => s.bills,
      (a) => a.bill_id,
    ),
    matter: ref(
      () => matterShape,
      (s) => s.matters,
      (a) => a.matter_id,
    ),
    user: ref(
      () => userShape,
      (s) => s.users,
      (a) => a.user_id,
    ),
    vendor: ref(
      () => contactShape,
      (s) => s.contacts,
      (a) => a.vendor_id,
    ),
    currency: currency(),
  },
  view: (a, s) => {
    const { matter_id: _m, user_id: _u, activity_description_id: _d, expense_category_id: _e, vendor_id: _v, bill_id, ...rest } = a;
    const amount = activityTotal(a);
    const rounded = isTime(a) ? roundedSeconds(s, a.quantity) : a.quantity;
    const bill = bill_id === null ? undefined : s.bills.get(bill_id);
    return {
      ...rest,
      quantity_in_hours: isTime(a) ? round2(a.quantity / 3600) : a.quantity,
      rounded_quantity: rounded,
      rounded_quantity_in_hours: isTime(a) ? round2(rounded / 3600) : rounded,
      quantity_redacted: false,
      total: a.non_billable ? 0 : amount,
      non_billable_total: a.non_billable ? amount : 0,
      contingency_fee: false,
      billed: isBilled(s, a),
      on_bill: bill !== undefined && bill.state !== 'void' && bill.state !== 'deleted',
    };
  },
};

export const billShape: Shape<R.Bill> = {
  name: 'bill',
  scalars: [
    ...ROW,
    'number',
    'issued_at',
    'due_at',
    'tax_rate',
    'secondary_tax_rate',
    'subject',
    'purchase_order',
    'type',
    'memo',
    'start_at',
    'end_at',
    'balance',
    'state',
    'kind',
    'total',
    'paid',
    'paid_at',
    'pending',
    'due',
    'can_update',
    'credits_issued',
    'shared',
    'last_sent_at',
    'services_secondary_tax',
    'services_sub_total',
    'services_tax',
    'sub_total',
    'tax_sum',
    'secondary_tax_sum',
    'total_tax',
    'available_state_transitions',
    'discount_services_only',
  ],
  relations: {
    client: ref(
      () => contactShape,
      (s) => s.contacts,
      (b) => b.client_id,
    ),
    matters: refs(
      () => matterShape,
      (b, s) => byIds(s.matters, b.matter_ids),
    ),
    user: ref(
      () => userShape,
      (s) => s.users,
      (b) => b.user_id,
    ),
    currency: currency(),
    interest: embedded(['balance', 'period', 'rate', 'total', 'type'], (b, s) => {
      const interest = billTotals(s, b).interest_total;
      return { ...b.interest, total: interest, balance: interest };
    }),
    discount: embedded(['rate', 'type', 'note', 'early_payment_rate', 'early_payment_period'], (b) => ({ ...b.discount })),
    balances: embedded(
      ['id', 'amount', 'type', 'interest_amount', 'due'],
      (b, s) => {
        const totals = billTotals(s, b);
        const owner = b.type === 'MatterBill' ? { id: b.matter_ids[0], type: 'Matter' } : { id: b.client_id, type: 'Client' };
        return [{ ...owner, amount: totals.balance, interest_amount: totals.interest_total, due: totals.balance }];
      },
      true,
    ),
  },
  view: (b, s) => {
    const { client_id: _c, matter_ids: _m, user_id: _u, interest: _i, discount: _d, discount_services_only: servicesOnly, ...rest } = b;
    const t = billTotals(s, b);
    return {
      ...rest,
      total: t.total,
      sub_total: t.sub_total,
      services_sub_total: t.services_sub_total,
      services_tax: t.services_tax,
      services_secondary_tax: t.services_secondary_tax,
      tax_sum: t.tax_sum,
      secondary_tax_sum: t.secondary_tax_sum,
      total_tax: t.total_tax,
      paid: t.paid,
      credits_issued: t.credits_issued,
      balance: t.balance,
      due: t.balance,
      // Spec: Bill.discount_services_only is declared a string.
      discount_services_only: String(servicesOnly),
      pending: 0,
      shared: false,
      can_update: isEditable(s, b),
      available_state_transitions: availableTransitions(s, b),
    };
  },
};

export const lineItemShape: Shape<R.LineItem> = {
  name: 'line_item',
  scalars: [
    ...ROW,
    'type',
    'description',
    'date',
    'price',
    'taxable',
    'kind',
    'note',
    'secondary_taxable',
    'total',
    'tax',
    'secondary_tax',
    'sub_total',
    'quantity',
    'group_ordering',
  ],
  relations: {
    bill: ref(
      () => billShape,
      (s) => s.bills,
      (l) => l.bill_id,
    ),
    activity: ref(
      () => activityShape,
      (s) => s.activities,
      (l) => l.activity_id,
    ),
    matter: ref(
      () => matterShape,
      (s) => s.matters,
      (l) => l.matter_id,
    ),
    user: ref(
      () => userShape,
      (s) => s.users,
      (l) => l.user_id,
    ),
    discount: embedded(['rate', 'type', 'note', 'early_payment_rate', 'early_payment_period'], (l) => ({ ...l.discount })),
  },
  view: (l, s) => {
    const { bill_id, activity_id: _a, matter_id: _m, user_id: _u, discount: _d, ...rest } = l;
    return { ...rest, ...lineTotals(l, s.bills.require(bill_id)) };
  },
};

export const allocationShape: Shape<R.Allocation> = {
  name: 'allocation',
  scalars: [...ROW, 'date', 'amount', 'interest', 'voided_at', 'description', 'has_online_payment', 'destroyable', 'payment_type'],
  relations: {
    bill: ref(
      () => billShape,
      (s) => s.bills,
      (a) => a.bill_id,
    ),
    contact: ref(
      () => contactShape,
      (s) => s.contacts,
      (a) => a.contact_id,
    ),
    matter: ref(
      () => matterShape,
      (s) => s.matters,
      (a) => a.matter_id,
    ),
    parent: embedded(['id', 'type'], (a) => ({ id: a.parent_id, type: a.parent_type })),
    source_bank_account: ref(
      () => bankAccountShape,
      (s) => s.bankAccounts,
      (a) => a.source_bank_account_id,
    ),
    destination_bank_account: ref(
      () => bankAccountShape,
      (s) => s.bankAccounts,
      (a) => a.destination_bank_account_id,
    ),
  },
  view: (a) => {
    const { bill_id: _b, contact_id: _c, matter_id: _m, parent_id: _p, parent_type: _t, source_bank_account_id: _s, destination_bank_account_id: _d, ...rest } = a;
    return { ...rest, destroyable: a.voided_at === null };
  },
};

export const creditMemoShape: Shape<R.CreditMemo> = {
  name: 'credit_memo',
  scalars: [...ROW, 'date', 'amount', 'description', 'discount', 'voided_at'],
  relations: {
    contact: ref(
      () => contactShape,
      (s) => s.contacts,
      (m) => m.contact_id,
    ),
    user: ref(
      () => userShape,
      (s) => s.users,
      (m) => m.user_id,
    ),
    allocations: refs(
      () => allocationShape,
      (m, s) => s.allocations.where('parent_id', m.id),
    ),
  },
  view: ({ contact_id: _c, user_id: _u, ...m }) => ({ ...m }),
};

export const interestChargeShape: Shape<R.InterestCharge> = {
  name: 'interest_charge',
  scalars: [...ROW, 'date', 'description', 'total'],
  relations: {
    bill: ref(
      () => billShape,
      (s) => s.bills,
      (c) => c.bill_id,
    ),
    matters: refs(
      () => matterShape,
      (c, s) => byIds(s.matters, s.bills.get(c.bill_id)?.matter_ids ?? []),
    ),
  },
  view: ({ bill_id: _b, ...c }) => ({ ...c }),
};

export const clioPaymentShape: Shape<R.ClioPaymentsPayment> = {
  name: 'clio_payments_payment',
  scalars: [...ROW, 'amount', 'confirmation_number', 'currency', 'deposit_as_revenue', 'description', 'email_address', 'state'],
  relations: {
    bank_transaction: ref(
      () => bankTransactionShape,
      (s) => s.bankTransactions,
      (p) => p.bank_transaction_id,
    ),
    contact: ref(
      () => contactShape,
      (s) => s.contacts,
      (p) => p.contact_id,
    ),
    destination_account: ref(
      () => bankAccountShape,
      (s) => s.bankAccounts,
      (p) => p.destination_account_id,
    ),
    user: ref(
      () => userShape,
      (s) => s.users,
      (p) => p.user_id,
    ),
    allocations: refs(
      () => allocationShape,
      (p, s) => byIds(s.allocations, p.allocation_ids),
    ),
    bills: refs(
      () => billShape,
      (p, s) => byIds(s.bills, p.bill_ids),
    ),
    matters: refs(
      () => matterShape,
      (p, s) => byIds(s.matters, p.matter_ids),
    ),
  },
  view: (p) => {
    const { contact_id: _c, user_id: _u, bill_ids: _b, matter_ids: _m, allocation_ids: _a, destination_account_id: _d, bank_transaction_id: _t, ...rest } = p;
    return { ...rest };
  },
};

function accountTransactions(s: ClioState, accountId: number): R.BankTransaction[] {
  return s.bankTransactions.where('bank_account_id', accountId).sort((a, b) => (a.date === b.date ? a.id - b.id : a.date < b.date ? -1 : 1));
}

export const bankAccountShape: Shape<R.BankAccount> = {
  name: 'bank_account',
  scalars: [
    ...ROW,
    'account_number',
    'balance',
    'bank_transactions_count',
    'clio_payments_enabled',
    'controlled_account',
    'currency',
    'currency_symbol',
    'currency_id',
    'default_account',
    'general_ledger_number',
    'holder',
    'institution',
    'name',
    'type',
  ],
  relations: {
    user: ref(
      () => userShape,
      (s) => s.users,
      (a) => a.user_id,
    ),
  },
  view: ({ user_id: _u, ...a }, s) => {
    const transactions = accountTransactions(s, a.id);
    return {
      ...a,
      balance: round2(transactions.reduce((sum, t) => sum + t.funds_in - t.funds_out, 0)),
      bank_transactions_count: transactions.length,
      currency_symbol: s.currency.sign,
      currency_id: s.currency.id,
    };
  },
};

export const bankTransactionShape: Shape<R.BankTransaction> = {
  name: 'bank_transaction',
  scalars: [
    ...ROW,
    'type',
    'bank_account_id',
    'source',
    'confirmation',
    'date',
    'amount',
    'currency',
    'currency_id',
    'description',
    'exchange_rate',
    'transaction_type',
    'funds_in',
    'funds_out',
    'clio_payments_transaction',
    'current_account_balance',
  ],
  relations: {
    client: ref(
      () => contactShape,
      (s) => s.contacts,
      (t) => t.client_id,
    ),
    matter: ref(
      () => matterShape,
      (s) => s.matters,
      (t) => t.matter_id,
    ),
    bank_account: ref(
      () => bankAccountShape,
      (s) => s.bankAccounts,
      (t) => t.bank_account_id,
    ),
    bill: ref(
      () => billShape,
      (s) => s.bills,
      (t) => t.bill_id,
    ),
    allocation: ref(
      () => allocationShape,
      (s) => s.allocations,
      (t) => t.allocation_id,
    ),
  },
  view: (t, s) => {
    const { client_id: _c, matter_id: _m, bill_id: _b, allocation_id: _a, ...rest } = t;
    let running = 0;
    for (const other of accountTransactions(s, t.bank_account_id)) {
      running += other.funds_in - other.funds_out;
      if (other.id === t.id) break;
    }
    return {
      ...rest,
      // UNCONFIRMED: sign convention of `amount` and that `current_account_balance` is the running balance.
      amount: round2(t.funds_in - t.funds_out),
      currency: s.currency.code,
      currency_id: s.currency.id,
      exchange_rate: 1,
      current_account_balance: round2(running),
    };
  },
};

export const customActionShape: Shape<R.CustomAction> = {
  name: 'custom_action',
  scalars: [...ROW, 'label', 'target_url', 'ui_reference'],
  relations: {},
  view: ({ user_id: _u, ...a }) => ({ ...a }),
};

export const webhookShape: Shape<R.Webhook> = {
  name: 'webhook',
  scalars: [...ROW, 'url', 'fields', 'shared_secret', 'model', 'status', 'events', 'expires_at'],
  relations: {
    user: ref(
      () => userShape,
      (s) => s.users,
      (w) => w.user_id,
    ),
  },
  view: ({ user_id: _u, ...w }) => ({ ...w }),
};

export const billingSettingShape: Shape<R.BillingSetting> = {
  name: 'billing_setting',
  scalars: [
    ...ROW,
    'currency',
    'currency_sign',
    'tax_name',
    'tax_rate',
    'apply_tax_by_default',
    'use_secondary_tax',
    'secondary_tax_name',
    'secondary_tax_rate',
    'secondary_tax_rule',
    'rounding',
    'use_decimal_rounding',
  ],
  relations: {},
  view: ({ allow_editing_approved_bills: _a, ...b }) => ({ ...b }),
};
